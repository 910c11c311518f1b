import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Deviations } from '../../src/emulator/deviations/catalogue.ts';
import type { RunningServer } from '../../src/emulator/http-server.ts';
import { loadSpec } from '../../src/spec/load-spec.ts';
import { HttpTransport } from '../../src/transport/http-transport.ts';
import { tencentCbs } from '../../src/vendors/tencent-cbs/adapter.ts';
import { TencentClient } from '../../src/vendors/tencent-cbs/client.ts';
import { snapconform } from './support/cli.ts';

// Bad input of every kind ends the command before it starts: exit 2 and one line on stderr naming the problem
// and the fix (README, exit codes) — never a hang, a whole run for nothing, or an internal error (exit 4).

const tmp = (name: string) => mkdtempSync(join(tmpdir(), `snapconform-${name}-`));
const principal = { id: 'AKIDBADINPUTBADINPUTBADINPUT0000000', secret: 'bad-input-secret', account: 'bad-input' };
const env = { ...process.env, TENCENTCLOUD_SECRET_ID: principal.id, TENCENTCLOUD_SECRET_KEY: principal.secret };

/** Expects exit 2 and exactly one line on stderr, and returns that line. */
function oneLine(result: { code: number; stderr: string; stdout: string }, what: string): string {
  expect(result.code, `${what}: ${result.stderr}`).toBe(2);
  expect(result.stderr.split('\n').filter(Boolean), what).toHaveLength(1);
  return result.stderr.trim();
}

describe('a report dir the run cannot write in', () => {
  it('is refused before anything runs: under /proc (it used to hang at 0 cases), or a file (it used to run the suite, then exit 4)', async () => {
    const proc = oneLine(await snapconform(['run', '--report-dir', '/proc/snapconform-report', '--rules', 'auth.unknown-key']), '/proc');
    expect(proc).toBe('snapconform: --report-dir /proc/snapconform-report: cannot create /proc/snapconform-report (ENOENT); give a directory snapconform can create and write in');
    const file = join(tmp('report-file'), 'reports');
    writeFileSync(file, 'a file');
    expect(oneLine(await snapconform(['run', '--report-dir', file, '--rules', 'auth.unknown-key']), 'file'))
      .toBe(`snapconform: --report-dir ${file}: it is a file, not a directory; give a directory snapconform can create and write in`);
    expect(oneLine(await snapconform(['run', '--report-dir', join(file, 'below'), '--rules', 'auth.unknown-key']), 'below a file'))
      .toBe(`snapconform: --report-dir ${join(file, 'below')}: ${file} is a file, not a directory; give a directory snapconform can create and write in`);
  });
});

describe('options', () => {
  it('refuses a --runs that is not a factor in (0, 1000], and a value that looks like an option, in one line', async () => {
    for (const runs of ['Infinity', '1e9', '0']) {
      expect(oneLine(await snapconform(['run', '--runs', runs]), runs)).toBe(`snapconform: --runs must be a factor above 0 and at most 1000 written in digits (e.g. 4, or 0.5 for half the runs), got '${runs}'`);
    }
    // Node's parseArgs explains these in three lines.
    expect(oneLine(await snapconform(['run', '--runs', '-1']), '--runs -1')).toMatch(/^snapconform: Option '--runs' argument is ambiguous\. .*'--runs=-XYZ'\. \(see snapconform run --help\)$/);
    expect(oneLine(await snapconform(['run', '--target', '--rules', 'auth.unknown-key']), '--target --rules')).toMatch(/^snapconform: Option '--target' argument is ambiguous\. /);
    oneLine(await snapconform(['run', '--target']), 'bare --target');
    oneLine(await snapconform(['sweep', '--target']), 'bare sweep --target');
  });
});

describe('a target file', () => {
  it('with a mistyped key is refused in one line naming the nearest known key (it used to run with the default budget)', async () => {
    const file = join(tmp('typo'), 'x.yaml');
    writeFileSync(file, 'targets:\n  - name: t\n    vendor: tencent-cbs\n    endpoint: https://cbs.tencentcloudapi.com\n    region: ap-guangzhou\n    maxSnapshot: 1\n');
    expect(oneLine(await snapconform(['run', '--target', file, '--allow-mutations'], { env }), 'maxSnapshot'))
      .toBe(`snapconform: ${file}: unknown key \`maxSnapshot\` in target \`t\` — did you mean \`maxSnapshots\`?`);
  });

  it('whose credential has a line break or a character outside ASCII is refused naming the variable, never the value', async () => {
    const file = join(tmp('credential'), 'x.yaml');
    writeFileSync(file, 'targets:\n  - name: t\n    vendor: tencent-cbs\n    endpoint: http://127.0.0.1:9\n    region: ap-guangzhou\n');
    const broken = await snapconform(['run', '--target', file], { env: { ...env, TENCENTCLOUD_SECRET_KEY: 'first-half-of-it\nsecond-half' } });
    expect(oneLine(broken, 'line break')).toBe(`snapconform: ${file}: targets[0].credentials: environment variable TENCENTCLOUD_SECRET_KEY contains a line break; set it to the key alone, on one line`);
    const foreign = await snapconform(['run', '--target', file], { env: { ...env, TENCENTCLOUD_SECRET_ID: 'AKIDcafé0000' } });
    expect(oneLine(foreign, 'non-ASCII')).toBe(`snapconform: ${file}: targets[0].credentials: environment variable TENCENTCLOUD_SECRET_ID contains a character outside ASCII; copy the key again from the console`);
    expect(broken.stderr + broken.stdout + foreign.stderr + foreign.stdout).not.toMatch(/first-half|second-half|caf/);
  });
});

describe('sweep', () => {
  const RUN_ID = '2026-03-04T00-00-00-000Z-bad123';
  let emulator: RunningServer;
  let targetFile: string;

  beforeAll(async () => {
    emulator = await tencentCbs.emulator!.start(loadSpec('specs/tencent-cbs.yaml'), principal, new Deviations());
    await fetch(`${emulator.url}/_snapconform/seed`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ region: 'ap-guangzhou', ...tencentCbs.emulator!.fixtures('ap-guangzhou').seed }) });
    targetFile = join(tmp('sweep-target'), 'real.yaml');
    // Seen from the CLI a real account: a URL endpoint, credentials from the SDK's variables.
    writeFileSync(targetFile, `targets:\n  - name: real\n    vendor: tencent-cbs\n    endpoint: ${emulator.url}\n    region: ap-guangzhou\n`);
  });

  afterAll(() => emulator.close());

  /** Calls the emulator directly, as the account's owner. */
  async function onEmulator(action: string, params: Record<string, unknown>): Promise<Record<string, unknown> | undefined> {
    const transport = new HttpTransport();
    const client = new TencentClient({ endpoint: emulator.url, region: 'ap-guangzhou', spec: loadSpec('specs/tencent-cbs.yaml'), transport, credentials: { secretId: principal.id, secretKey: principal.secret } });
    const result = await client.call(action, params as never);
    await transport.close();
    return result.data;
  }

  /** A report dir whose one ledger holds `lines`. */
  function ledgerDir(lines: string[]): { reportDir: string; ledger: string } {
    const reportDir = tmp('sweep');
    mkdirSync(join(reportDir, 'ledger'));
    const ledger = join(reportDir, 'ledger', `${RUN_ID}.ndjson`);
    writeFileSync(ledger, lines.join('\n') + '\n');
    return { reportDir, ledger };
  }

  it('sweeps the rest of a ledger past lines that are not entries (null, a number, a list, a torn line), one warning each by line number', async () => {
    const id = (await onEmulator('CreateSnapshot', { DiskId: 'disk-fixture2', Tags: [{ Key: 'snapconform-run', Value: RUN_ID }] }))?.['SnapshotId'] as string;
    const created = JSON.stringify({ runId: RUN_ID, target: 'real', vendor: 'tencent-cbs', action: 'CreateSnapshot', at: '2026-03-04T00:00:00.000Z', state: 'created', key: 'a', resourceId: id });
    const { reportDir, ledger } = ledgerDir(['null', '42', '["a"]', created, '{"runId":"x","tar']);
    const { code, stdout, stderr } = await snapconform(['sweep', '--target', targetFile, '--report-dir', reportDir], { env });
    expect(code, stdout + stderr).toBe(0);
    expect(stdout).toContain('real: deleted 1');
    expect(stderr.trim().split('\n')).toEqual([
      `snapconform: ${ledger}:1: skipped, not a ledger entry: not a JSON object`,
      `snapconform: ${ledger}:2: skipped, not a ledger entry: not a JSON object`,
      `snapconform: ${ledger}:3: skipped, not a ledger entry: not a JSON object`,
      `snapconform: ${ledger}:5: skipped, not a whole JSON line (a write cut short?)`,
    ]);
    expect((await onEmulator('DescribeSnapshots', { SnapshotIds: [id] }))?.['TotalCount']).toBe(0);
  });

  it('refuses a ledger path that is a file, and a report dir it cannot write in, in one line (exit 2)', async () => {
    const reportDir = tmp('sweep-ledger-file');
    writeFileSync(join(reportDir, 'ledger'), 'not a directory');
    expect(oneLine(await snapconform(['sweep', '--target', targetFile, '--report-dir', reportDir], { env }), 'ledger file'))
      .toBe(`snapconform: ${join(reportDir, 'ledger')} is a file, not the directory of ledgers (<report dir>/ledger/<run-id>.ndjson); move it aside`);
    expect(oneLine(await snapconform(['sweep', '--target', targetFile, '--report-dir', '/proc'], { env }), '/proc'))
      .toMatch(/^snapconform: --report-dir \/proc: cannot write a file in it \([A-Z]+\); give a directory snapconform can write in$/);
  });
});
