import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { VendorComparison } from '../../src/report/vendor-comparison.ts';
import { entryOf, reportOf, vendorEntries } from '../report/support/vendor-reports.ts';
import { snapconform } from './support/cli.ts';

// Reports written as a run writes them (a --report-dir's latest/, a conformance.json), no run needed.
const work = mkdtempSync(join(tmpdir(), 'snapconform-vendors-'));
const emulatorDir = join(work, 'emulator');
mkdirSync(join(emulatorDir, 'latest'), { recursive: true });
writeFileSync(join(emulatorDir, 'latest', 'conformance.json'), JSON.stringify(reportOf(vendorEntries())));
const accountFile = join(work, 'account.json');
writeFileSync(accountFile, JSON.stringify(reportOf([entryOf('tencent-cbs', {
  ruleId: 'snapshot.create.quota', caseId: 'createSnapshot', outcome: 'fail',
  answer: { httpStatus: 200, code: 'ResourceInsufficient.OverQuota' }, valuesSeen: { quota: '64' },
})], 'account-run')));

describe('snapconform report --vendors', () => {
  it('prints the targets of one report side by side, rule by rule with its summary', async () => {
    const result = await snapconform(['report', '--vendors', emulatorDir]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('snapconform: 3 targets side by side: tencent-cbs-emulator (tencent-cbs, ap-guangzhou)');
    expect(result.stdout).toMatch(/snapshot\.create\.quota — creates stop at the per-disk quota with the documented error\n {2}tencent-cbs-emulator +✓ InsufficientSnapshotQuota\/200 · quota 64\n {2}alibaba-ecs-emulator +✓ QuotaExceed\.Snapshot\/403 · quota 64 · variant: .*\n {2}zenlayer-zec-emulator +✓ INVALID_SNAPSHOT_QUOTA_EXCEED\/400 · quota 64\n/);
  });

  it('compares two reports of one target in a column each, named by the report; --json gives the structure', async () => {
    const result = await snapconform(['report', '--vendors', emulatorDir, accountFile, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const comparison = JSON.parse(result.stdout) as VendorComparison;
    expect(comparison.columns.map((c) => c.label)).toEqual([`${emulatorDir}: tencent-cbs-emulator`, 'alibaba-ecs-emulator', 'zenlayer-zec-emulator', `${accountFile}: tencent-cbs-emulator`]);
    const quota = comparison.rules.find((r) => r.ruleId === 'snapshot.create.quota')!;
    expect(quota.cases[0]!.cells.map((c) => c?.code)).toEqual(['InsufficientSnapshotQuota', 'QuotaExceed.Snapshot', 'INVALID_SNAPSHOT_QUOTA_EXCEED', 'ResourceInsufficient.OverQuota']);
  });

  it('refuses a missing report or a second mode as bad input (exit 2)', async () => {
    const missing = await snapconform(['report', '--vendors', join(work, 'nowhere')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nowhere: no such file or folder/);
    const both = await snapconform(['report', '--vendors', '--compare', emulatorDir, accountFile]);
    expect(both.code).toBe(2);
    expect((await snapconform(['report', '--vendors'])).code).toBe(2);
  });
});
