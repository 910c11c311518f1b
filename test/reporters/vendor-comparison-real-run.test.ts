import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ConformanceReport } from '../../reporters/report-types.ts';
import { RULES } from '../../src/conformance/rule-catalogue.ts';
import { compareVendors, type VendorComparison } from '../../src/report/vendor-comparison.ts';
import { snapconform } from '../cli/support/cli.ts';
import { runSuite } from './support/cli-run.ts';

// A run of the rules whose answers differ most between vendors, against the three emulators, Tencent's giving
// unnamed snapshots a wrong default name: the comparison must show each vendor's own refusal, and the wrong name.
const RULE_IDS = ['snapshot.create.quota', 'snapshot.create.roundtrip', 'snapshot.create.retention-minimum', 'snapshot.create.disk-state', 'snapshot.group.same-instance', 'request.invalid-required'];
let dir: string;
let report: ConformanceReport;
let comparison: VendorComparison;

beforeAll(async () => {
  const result = await runSuite('--rules', RULE_IDS.join(','), '--emulator-deviation', 'default-name-wrong', '--seed', '5');
  expect(result.code, result.stderr).toBe(1);
  dir = join(result.dir, 'latest');
  report = JSON.parse(readFileSync(join(dir, 'conformance.json'), 'utf8')) as ConformanceReport;
  comparison = compareVendors([{ label: 'run', report }]);
});

describe('the targets side by side, from a real run', () => {
  const cells = (ruleId: string) => comparison.rules.find((r) => r.ruleId === ruleId)!.cases[0]!.cells;

  it('records the catalogue\'s summary of each rule in conformance.json', () => {
    expect(report.rules).toEqual(Object.fromEntries([...RULE_IDS].sort().map((id) => [id, { summary: RULES[id as keyof typeof RULES].summary }])));
  });

  it('sets the three vendors\' quota refusals side by side: the refusal one past the quota, not the create after the delete', () => {
    expect(comparison.columns.map((c) => c.vendor)).toEqual(['tencent-cbs', 'alibaba-ecs', 'zenlayer-zec']);
    expect(cells('snapshot.create.quota').map((c) => [c!.outcome, c!.code, c!.httpStatus, c!.valuesSeen])).toEqual([
      ['pass', 'InsufficientSnapshotQuota', 200, { quota: '64' }],
      ['pass', 'QuotaExceed.Snapshot', 403, { quota: '64' }],
      ['pass', 'INVALID_SNAPSHOT_QUOTA_EXCEED', 400, { quota: '64' }],
    ]);
  });

  it('shows the default name each vendor gave an unnamed snapshot, the wrong one too', () => {
    const [tencent, alibaba, zenlayer] = cells('snapshot.create.roundtrip');
    expect(tencent).toMatchObject({ outcome: 'fail', valuesSeen: { 'default name': '"snapshot"' } });
    expect(alibaba).toMatchObject({ outcome: 'pass', valuesSeen: { 'default name': '""' } });
    // Zenlayer requires a name: nothing unnamed to see.
    expect(zenlayer!.valuesSeen).toBeUndefined();
  });

  it('shows the refusal of a retention deadline too soon, where the documents set a minimum', () => {
    expect(cells('snapshot.create.retention-minimum').map((c) => c && [c.outcome, c.code ?? null, c.valuesSeen?.['minimum retention'] ?? null])).toEqual([
      ['pass', 'InvalidParameterValue', '24 h'],
      ['skip', null, null],
      ['pass', 'INVALID_SNAPSHOT_RETENTION_TIME', '24 h'],
    ]);
  });

  it('shows what each disk role\'s create got, and the refusal of a group across instances rather than the last group made', () => {
    const [tencent, alibaba] = cells('snapshot.create.disk-state');
    expect(tencent!.valuesSeen).toMatchObject({ noSnapshotAbilityDisk: 'InvalidDisk.NotSupportSnapshot (HTTP 200)', unattachedDisk: 'accepted' });
    expect(alibaba!.valuesSeen).toMatchObject({ forbiddenStateDisk: 'IncorrectDiskStatus (HTTP 403)', unattachedDisk: 'IncorrectDiskStatus (HTTP 403)' });
    // No single answer decides the rule: the roles' answers stand for it.
    expect(tencent!.code).toBeUndefined();
    const [group] = cells('snapshot.group.same-instance');
    expect(group).toMatchObject({ outcome: 'pass', httpStatus: 200 });
    expect(group!.code).toMatch(/^InvalidParameter/);
  });

  it('is in conformance.html and conformance.md, and `report --vendors` prints it', async () => {
    expect(readFileSync(join(dir, 'conformance.html'), 'utf8')).toMatch(/<section id="vendors">[^]*<svg[^]*QuotaExceed\.Snapshot\/403/);
    expect(readFileSync(join(dir, 'conformance.md'), 'utf8')).toContain('## Targets side by side');
    const printed = await snapconform(['report', '--vendors', dir]);
    expect(printed.code, printed.stderr).toBe(0);
    expect(printed.stdout).toMatch(/tencent-cbs-emulator +✗ accepted\/200 · default name "snapshot"/);
  });
});
