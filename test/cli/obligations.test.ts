import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../../src/conformance/ledger.ts';
import { obligationsFile, type Obligation } from '../../src/conformance/obligations.ts';
import { runLabel } from '../../src/conformance/run-label.ts';
import { Deviations } from '../../src/emulator/deviations/catalogue.ts';
import type { RunningServer } from '../../src/emulator/http-server.ts';
import { loadSpec } from '../../src/spec/load-spec.ts';
import { HttpTransport } from '../../src/transport/http-transport.ts';
import { tencentCbs } from '../../src/vendors/tencent-cbs/adapter.ts';
import { TencentClient } from '../../src/vendors/tencent-cbs/client.ts';
import { latestReport, snapconform } from './support/cli.ts';
import { adminPost } from '../../src/emulator/admin-client.ts';

const HOUR = 3_600_000;
const REGION = 'ap-guangzhou';
const RUN_ID = '2026-01-06T00-00-00-000Z-0b11ga';
const principal = { id: 'AKIDOBLIGATIONSOBLIGATIONSOBLIGAT001', secret: 'obligations-secret', account: 'obligations' };
const spec = loadSpec('specs/tencent-cbs.yaml');
const transport = new HttpTransport();
let emulator: RunningServer;
let targetFile: string;

/** The emulator's admin API (on its own port). */
const admin = async (route: string, body?: unknown) => (await fetch(`${emulator.url}/_snapconform/${route}`, body === undefined ? {} : adminPost(body))).json() as Promise<Record<string, unknown>>;
const emulatorNow = async () => Date.parse(String((await admin('config') as { clock: { now: string } }).clock.now));
/** A call signed at the emulator's clock, which the tests move. */
const call = async (action: string, params: Record<string, unknown>) => {
  const now = Math.floor(await emulatorNow() / 1000);
  return new TencentClient({ endpoint: emulator.url, region: REGION, spec, transport, credentials: { secretId: principal.id, secretKey: principal.secret }, now: () => now }).call(action, params as never);
};
const described = async (id: string) => tencentCbs.canonical.describeSnapshot!.snapshot(await call('DescribeSnapshots', tencentCbs.canonical.describeSnapshot!.params(id, REGION))) !== undefined;

/**
 * What a run of the retention rule leaves on a real endpoint, made by hand: a snapshot with a Deadline 24 h and a
 * minute ahead of the endpoint's clock (named with the run's prefix unless `unlabelled`), its ledger lines and its
 * obligation, in a fresh report dir. Returns the dir and the snapshot's id and deadline.
 */
async function leaveObligation(options: { unlabelled?: boolean; ledger?: boolean } = {}): Promise<{ reportDir: string; id: string; deadline: number }> {
  const deadline = Math.ceil((await emulatorNow() + 24 * HOUR + 60_000) / 1000) * 1000;
  const name = `${options.unlabelled ? 'someone-else-' : runLabel(RUN_ID).prefix}auto-delete`;
  const created = await call('CreateSnapshot', tencentCbs.canonical.createSnapshot!.params({ diskId: 'disk-fixture1', deadline: new Date(deadline), name }));
  expect(created.ok, JSON.stringify(created.body)).toBe(true);
  const id = tencentCbs.canonical.createSnapshot!.snapshotId(created)!;
  const reportDir = mkdtempSync(join(tmpdir(), 'snapconform-obligations-check-'));
  const at = new Date().toISOString();
  const lines: LedgerEntry[] = [
    { runId: RUN_ID, target: 'real', vendor: 'tencent-cbs', action: 'CreateSnapshot', at, state: 'sending', key: 'k1', name },
    { runId: RUN_ID, target: 'real', vendor: 'tencent-cbs', action: 'CreateSnapshot', at, state: 'created', key: 'k1', resourceId: id },
  ];
  if (options.ledger !== false) {
    mkdirSync(join(reportDir, 'ledger'));
    writeFileSync(join(reportDir, 'ledger', `${RUN_ID}.ndjson`), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  }
  const obligation: Obligation = {
    kind: 'obligation', runId: RUN_ID, target: 'real', vendor: 'tencent-cbs', snapshotId: id, parameter: 'Deadline',
    deadline: new Date(deadline).toISOString(), latenessMs: 0, ruleId: 'snapshot.retention.auto-delete',
    expectation: { text: 'a snapshot created with Deadline 24 h + 60 s ahead is described until shortly before that deadline and gone after it', source: { doc: 'cbs-create-intl', section: '2. Input Parameters' } },
    recordedAt: at,
  };
  mkdirSync(join(reportDir, 'obligations'));
  writeFileSync(obligationsFile(reportDir, RUN_ID), JSON.stringify(obligation) + '\n');
  return { reportDir, id, deadline };
}
const check = (reportDir: string) => snapconform(['obligations', 'check', '--target', targetFile, '--report-dir', reportDir]);
const obligationLines = (reportDir: string) => readFileSync(obligationsFile(reportDir, RUN_ID), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string; outcome?: string });
/** Moves the emulator's clock to `at` (epoch ms), as a day of waiting would. */
const moveClockTo = async (at: number) => admin('clock', { advanceMs: at - await emulatorNow() });

beforeAll(async () => {
  emulator = await tencentCbs.emulator!.start(spec, principal, new Deviations());
  await admin('seed', { region: REGION, ...tencentCbs.emulator!.fixtures(REGION).seed });
  await admin('config', { limits: false });
  const dir = mkdtempSync(join(tmpdir(), 'snapconform-obligations-targets-'));
  targetFile = join(dir, 'real.yaml');
  // Read-only, as a scheduled check's target may be: the check's deletes are the cleanup's, allowed anyway.
  writeFileSync(targetFile, `targets:\n  - name: real\n    vendor: tencent-cbs\n    endpoint: ${emulator.url}\n    region: ${REGION}\n    credentials: { id: ${principal.id}, secret: ${principal.secret} }\n    cleanupDeadlineSeconds: 20\n`);
});
afterAll(async () => {
  await transport.close();
  await emulator.close();
});
beforeEach(async () => {
  await admin('clock', { real: true });
  await admin('config', { deviations: [] });
});

describe('snapconform obligations check', () => {
  it('says "not yet due" before the deadline, passes once the snapshot is gone after it, settles it, and has nothing left to check then', async () => {
    const { reportDir, id, deadline } = await leaveObligation();
    const early = await check(reportDir);
    expect(early.code, early.stderr).toBe(0);
    expect(early.stdout).toContain('real: 0 pass (gone after the deadline), 0 fail, 1 not yet due');
    const first = latestReport(reportDir);
    expect(first.run.id).toMatch(/^obligations-/);
    expect(first.results).toMatchObject([{ ruleId: 'snapshot.retention.auto-delete', caseId: `createSnapshot.Deadline@${id}`, target: 'real', outcome: 'pass', observed: expect.stringMatching(/^not yet due: described/) }]);
    expect(obligationLines(reportDir)).toHaveLength(1); // nothing settled
    expect(await described(id)).toBe(true);

    // A day later, by the endpoint's clock: the check signs at that clock, or the endpoint would refuse it as stale.
    await moveClockTo(deadline + 60_000);
    const due = await check(reportDir);
    expect(due.code, due.stderr).toBe(0);
    expect(due.stdout).toContain('real: 1 pass (gone after the deadline), 0 fail, 0 not yet due');
    expect(latestReport(reportDir).results).toMatchObject([{ outcome: 'pass', observed: expect.stringMatching(/^gone \d+ s after its deadline/) }]);
    expect(obligationLines(reportDir).map((l) => [l.kind, l.outcome])).toEqual([['obligation', undefined], ['settled', 'pass']]);

    const again = await check(reportDir);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/nothing to check: no open obligations/);
  });

  it('fails a snapshot kept past its deadline, deletes it (exit 1), and settles it as a fail', async () => {
    await admin('config', { deviations: ['deadline-never-enforced'] });
    const { reportDir, id, deadline } = await leaveObligation();
    await moveClockTo(deadline + 60_000);
    const result = await check(reportDir);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toMatch(new RegExp(`fail real ${id} \\(run ${RUN_ID}\\): still described \\d+ s after its deadline`));
    const report = latestReport(reportDir);
    expect(report.results).toMatchObject([{ outcome: 'fail', counterexample: { snapshotId: id } }]);
    expect(report.summary).toMatchObject({ fail: 1, pass: 0 });
    expect(report.cleanup).toEqual([{ target: 'real', deleted: [id], gone: [], leftBehind: [], unconfirmed: [] }]);
    expect(await described(id)).toBe(false);
    expect(obligationLines(reportDir).at(-1)).toMatchObject({ kind: 'settled', outcome: 'fail' });
    // The report is a conformance report like a run's: every format, and the exchanges of the check.
    const folder = join(reportDir, report.run.id);
    expect(readdirSync(folder).sort()).toEqual(['conformance.html', 'conformance.json', 'conformance.md', 'exchanges.ndjson', 'junit.xml']);
    expect(readFileSync(join(folder, 'exchanges.ndjson'), 'utf8')).toContain('DeleteSnapshots');
  });

  it('fails a snapshot deleted before its deadline (exit 1)', async () => {
    await admin('config', { deviations: ['deadline-china-time'] });
    const { reportDir, id, deadline } = await leaveObligation();
    // Seven hours before the deadline: past it, were the deadline read as China time.
    await moveClockTo(deadline - 7 * HOUR);
    const result = await check(reportDir);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toContain(`fail real ${id} (run ${RUN_ID}): already gone 7.0 h before its deadline`);
    expect(obligationLines(reportDir).at(-1)).toMatchObject({ kind: 'settled', outcome: 'fail' });
  });

  it('exits 3, naming the sweep, when what is left of a settled obligation cannot be shown to be the run\'s', async () => {
    await admin('config', { deviations: ['deadline-never-enforced'] });
    const { reportDir, id, deadline } = await leaveObligation({ unlabelled: true });
    await moveClockTo(deadline + 60_000);
    const result = await check(reportDir);
    expect(result.code, result.stdout).toBe(3);
    expect(result.stderr).toContain('snapconform: safety abort: real: 1 snapshot(s) of settled obligations could not be deleted or confirmed');
    expect(result.stderr).toContain(`snapconform sweep --target ${targetFile} --report-dir ${reportDir}`);
    expect(latestReport(reportDir).cleanup![0]!.leftBehind).toMatchObject([{ id, reason: expect.stringContaining('without the run\'s name prefix or tag') }]);
    expect(await described(id)).toBe(true);
    // Nor does it delete what no ledger lists.
    const unlisted = await leaveObligation({ ledger: false });
    await moveClockTo(unlisted.deadline + 60_000);
    const second = await check(unlisted.reportDir);
    expect(second.code).toBe(3);
    expect(latestReport(unlisted.reportDir).cleanup![0]!.unconfirmed).toMatchObject([{ id: unlisted.id, reason: expect.stringContaining('no ledger') }]);
    expect(await described(unlisted.id)).toBe(true);
    await call('DeleteSnapshots', { SnapshotIds: [id, unlisted.id] });
  });

  it('skips a bad line of an obligations file with a warning, and checks the rest', async () => {
    const { reportDir, id } = await leaveObligation();
    writeFileSync(join(reportDir, 'obligations', 'broken.ndjson'), '{"kind":"obligation","runId":\n');
    const result = await check(reportDir);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`${join(reportDir, 'obligations', 'broken.ndjson')}:1: skipped, not a whole JSON line`);
    expect(latestReport(reportDir).results.map((r) => r.caseId)).toEqual([`createSnapshot.Deadline@${id}`]);
    await call('DeleteSnapshots', { SnapshotIds: [id] });
  });

  it('has nothing to check where no run recorded an obligation for the file\'s targets (exit 0, one clear line)', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'snapconform-obligations-empty-'));
    const result = await check(empty);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`snapconform: nothing to check: no open obligations in ${join(empty, 'obligations')} for the real targets of ${targetFile}\n`);
    // Obligations of a target the file does not name are not this file's to check.
    const { reportDir, id } = await leaveObligation();
    const elsewhere = join(mkdtempSync(join(tmpdir(), 'snapconform-obligations-targets-')), 'other.yaml');
    writeFileSync(elsewhere, readFileSync(targetFile, 'utf8').replace('name: real', 'name: another'));
    const other = await snapconform(['obligations', 'check', '--target', elsewhere, '--report-dir', reportDir]);
    expect(other.code).toBe(0);
    expect(other.stdout).toContain('not checked: open obligations of real, not real targets of');
    expect(other.stdout).toContain('nothing to check');
    await call('DeleteSnapshots', { SnapshotIds: [id] });
  });

  it('exits 2 with one line on bad input', async () => {
    const reportDir = mkdtempSync(join(tmpdir(), 'snapconform-obligations-bad-'));
    const bad = join(reportDir, 'bad.yaml');
    writeFileSync(bad, 'targets:\n  - name: x\n    vendor: no-such-vendor\n    endpoint: http://127.0.0.1:1\n    region: r\n');
    for (const args of [
      ['obligations', 'check', '--target', join(reportDir, 'missing.yaml'), '--report-dir', reportDir],
      ['obligations', 'check', '--target', bad, '--report-dir', reportDir],
      ['obligations', 'check', '--target', targetFile, '--report-dir', join(reportDir, 'no-such-dir')],
      ['obligations', '--target', targetFile],
      ['obligations', 'verify'],
      ['obligations', 'check', '--no-such-option'],
    ]) {
      const result = await snapconform(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(/^snapconform: [^\n]+\n$/);
    }
  });
});
