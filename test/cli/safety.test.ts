import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { possiblyCreated, type LedgerEntry } from '../../src/conformance/ledger.ts';
import { Deviations } from '../../src/emulator/deviations/catalogue.ts';
import type { RunningServer } from '../../src/emulator/http-server.ts';
import { loadSpec } from '../../src/spec/load-spec.ts';
import { tencentCbs } from '../../src/vendors/tencent-cbs/adapter.ts';
import type { ConformanceReport } from '../../reporters/conformance-reporter.ts';
import { errorsOf, reportValidator } from '../reporters/support/report-schema.ts';
import { adminPost } from '../../src/emulator/admin-client.ts';
import { CHILD_LIMIT_MS } from '../support/time-limits.ts';

const BIN = new URL('../../bin/snapconform.js', import.meta.url).pathname;
const principal = { id: 'AKIDSAFETYSAFETYSAFETYSAFETYSAFETY00', secret: 'safety-secret', account: 'safety' };
const MUTATING = ['CreateSnapshot', 'CreateSnapshotGroup', 'DeleteSnapshots', 'DeleteSnapshotGroup'];

let emulator: RunningServer;
let recorder: Server;
let recorderUrl: string;
const actions: string[] = [];
/** What reached the recorder, action and body. */
const bodies: Array<{ action: string; body: string; answer: string }> = [];
/**
 * How the recorder treats DeleteSnapshots, to play a realistic service: `forward` passes it on; `ignored`
 * answers success without passing it on (a delete that deletes nothing); `twice` passes it on twice and
 * answers with the second answer (the snapshot deleted, the answer the documented not-found code).
 */
let deletes: 'forward' | 'ignored' | 'twice' = 'forward';

beforeAll(async () => {
  emulator = await tencentCbs.emulator!.start(loadSpec('specs/tencent-cbs.yaml'), principal, new Deviations());
  await fetch(`${emulator.url}/_snapconform/seed`, adminPost({ region: 'ap-guangzhou', ...tencentCbs.emulator!.fixtures('ap-guangzhou').seed }));
  await fetch(`${emulator.url}/_snapconform/config`, adminPost({ limits: false }));
  // A recording proxy: what a real account would receive, action by action.
  recorder = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    // This request's own action: with the run's workers in parallel, the newest in `actions` may be another's.
    const action = String(request.headers['x-tc-action'] ?? new URLSearchParams(request.url?.split('?')[1] ?? '').get('Action') ?? '?');
    actions.push(action);
    const headers = Object.fromEntries(Object.entries(request.headers).filter(([n]) => !['host', 'connection', 'content-length'].includes(n))) as Record<string, string>;
    if (action === 'DeleteSnapshots' && deletes === 'ignored') {
      const answer = JSON.stringify({ Response: { RequestId: '6f8f4a1e-0000-4000-8000-000000000001' } });
      bodies.push({ action: 'DeleteSnapshots', body: Buffer.concat(chunks).toString('utf8'), answer });
      response.writeHead(200, { 'content-type': 'application/json' }).end(answer);
      return;
    }
    const forward = () => fetch(`${emulator.url}${request.url}`, { method: request.method, headers, body: request.method === 'POST' ? Buffer.concat(chunks) : undefined });
    // The signature's nonce is not checked for replays on Tencent, so the same signed request can be sent again.
    if (action === 'DeleteSnapshots' && deletes === 'twice') await (await forward()).arrayBuffer();
    const upstream = await forward();
    const answer = Buffer.from(await upstream.arrayBuffer());
    bodies.push({ action, body: Buffer.concat(chunks).toString('utf8'), answer: answer.toString('utf8') });
    response.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' }).end(answer);
  });
  await new Promise<void>((resolve) => recorder.listen(0, '127.0.0.1', resolve));
  recorderUrl = `http://127.0.0.1:${(recorder.address() as AddressInfo).port}`;
});

afterAll(async () => {
  recorder.closeAllConnections();
  await new Promise((resolve) => recorder.close(resolve));
  await emulator.close();
});

function target(extra = ''): string {
  const dir = mkdtempSync(join(tmpdir(), 'snapconform-safety-'));
  const file = join(dir, 'real.yaml');
  // Seen from the CLI this is a real account: no `endpoint: emulator`, credentials from the SDK's variables.
  writeFileSync(file, `targets:\n  - name: real\n    vendor: tencent-cbs\n    endpoint: ${recorderUrl}\n    region: ap-guangzhou\n    fixtures: { sameInstanceDisks: [disk-fixture1, disk-fixture2] }\n${extra}`);
  return file;
}

function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return cli('run', ...args);
}

function cli(command: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return cliIn(undefined, command, ...args);
}

/** The CLI run from `cwd` (the user's directory), as a user would run it there. */
function cliIn(cwd: string | undefined, command: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, TENCENTCLOUD_SECRET_ID: principal.id, TENCENTCLOUD_SECRET_KEY: principal.secret };
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, command, ...args], { env, timeout: CHILD_LIMIT_MS, maxBuffer: 64 * 1024 * 1024, ...(cwd ? { cwd } : {}) }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** Calls the emulator directly (not through the recorder), as the account's owner. */
const onEmulator = async (action: string, params: Record<string, unknown>) => {
  const { TencentClient } = await import('../../src/vendors/tencent-cbs/client.ts');
  const { HttpTransport } = await import('../../src/transport/http-transport.ts');
  const transport = new HttpTransport();
  const client = new TencentClient({ endpoint: emulator.url, region: 'ap-guangzhou', spec: loadSpec('specs/tencent-cbs.yaml'), transport, credentials: { secretId: principal.id, secretKey: principal.secret } });
  const result = await client.call(action, params as never);
  await transport.close();
  return result;
};

const snapshotsOnEmulator = async () => (await onEmulator('DescribeSnapshots', { Limit: 100 })).data?.['TotalCount'] as number;
/** How many snapshots with this id the account holds (0 or 1). */
const described = async (id: string) => ((await onEmulator('DescribeSnapshots', { SnapshotIds: [id] })).data?.['TotalCount'] as number);

/** The run the sweep tests' ledgers name, and a snapshot it labelled (its tag), made directly on the account. */
const RUN_ID = '2026-01-02T00-00-00-000Z-def456';
const createLabelled = async (params: Record<string, unknown> = {}) =>
  (await onEmulator('CreateSnapshot', { DiskId: 'disk-fixture2', Tags: [{ Key: 'snapconform-run', Value: RUN_ID }], ...params })).data?.['SnapshotId'] as string;
const createdLine = (key: string, id: string) => JSON.stringify({ runId: RUN_ID, target: 'real', vendor: 'tencent-cbs', action: 'CreateSnapshot', at: '2026-01-02T00:00:00.000Z', state: 'created', key, resourceId: id });
/** A report dir whose one ledger holds `lines`. */
function ledgerDir(lines: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'snapconform-sweep-'));
  mkdirSync(join(dir, 'ledger'));
  writeFileSync(join(dir, 'ledger', `${RUN_ID}.ndjson`), lines.join('\n') + '\n');
  return dir;
}
/** Switches the emulator's injected faults (`[]` clears them). */
const faults = (list: unknown[]) => fetch(`${emulator.url}/_snapconform/faults`, adminPost({ faults: list }));
/** The records of an exchanges file. */
const readExchangeFile = (file: string) => readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { action: string; attempts: number; request: { body: string } });

describe('safety on real accounts', () => {
  it('sends no create or delete at all when the target does not allow mutations (the default for a real endpoint)', async () => {
    actions.length = 0;
    const reportDir = mkdtempSync(join(tmpdir(), 'snapconform-safety-report-'));
    const { code, stdout } = await run('--target', target(), '--report-dir', reportDir);
    expect(code, stdout.slice(-2000)).toBe(0);
    expect(actions.length).toBeGreaterThan(0); // read-only rules did run
    expect(actions.filter((a) => MUTATING.includes(a))).toEqual([]);
    const report = JSON.parse(readFileSync(join(reportDir, 'latest/conformance.json'), 'utf8')) as ConformanceReport;
    const skipped = report.results.filter((r) => r.outcome === 'skip');
    expect(skipped.length).toBeGreaterThan(0);
    expect(skipped.some((r) => r.skipReason?.includes('allowMutations: false'))).toBe(true);
    expect(report.summary.fail + report.summary.error).toBe(0);
  });

  it('with --allow-mutations, labels and writes every create to the ledger before sending it, and deletes what it created', async () => {
    actions.length = 0;
    bodies.length = 0;
    const before = await snapshotsOnEmulator();
    const reportDir = mkdtempSync(join(tmpdir(), 'snapconform-safety-report-'));
    const { code, stdout, stderr } = await run('--target', target('    maxSnapshots: 1000\n'), '--report-dir', reportDir, '--allow-mutations');
    expect(code, stdout.slice(-2000) + stderr).toBe(0);
    expect(actions).toContain('CreateSnapshot');
    const ledgers = readdirSync(join(reportDir, 'ledger'));
    expect(ledgers).toHaveLength(1);
    const entries = readFileSync(join(reportDir, 'ledger', ledgers[0]!), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as LedgerEntry);
    const created = entries.filter((e) => e.state === 'created');
    expect(created.length).toBeGreaterThan(5);
    for (const entry of created) {
      const sending = entries.findIndex((e) => e.key === entry.key && e.state === 'sending');
      expect(sending, 'the sending line comes first').toBeGreaterThanOrEqual(0);
      expect(sending).toBeLessThan(entries.indexOf(entry));
      expect(entry.resourceId).toMatch(/^(snap|csnap)-/);
    }
    // Every create the service accepted (it answered with an id) carried the run's name prefix or its tag.
    const accepted = bodies.filter((b) => /^CreateSnapshot(Group)?$/.test(b.action) && /"Snapshot(Group)?Id"/.test(b.answer));
    expect(accepted.map((b) => b.action)).toEqual(expect.arrayContaining(['CreateSnapshot', 'CreateSnapshotGroup']));
    const runId = ledgers[0]!.replace(/\.ndjson$/, '');
    const prefix = `snapconform-${runId.replace(/[^A-Za-z0-9]/g, '').slice(-6)}-`;
    const unlabelled = accepted
      .map((b) => JSON.parse(b.body) as { SnapshotName?: unknown; SnapshotGroupName?: unknown; Tags?: Array<{ Key: string; Value: string }> })
      .filter((c) => ![c.SnapshotName, c.SnapshotGroupName].some((n) => typeof n === 'string' && n.startsWith(prefix)) && !c.Tags?.some((t) => t.Key === 'snapconform-run' && t.Value === runId));
    expect(unlabelled).toEqual([]);
    // The run deleted what it created but the one snapshot its retention obligation needs (checked a day later
    // by `snapconform obligations check`): the account is as it was, plus that one.
    const report = JSON.parse(readFileSync(join(reportDir, 'latest/conformance.json'), 'utf8')) as ConformanceReport;
    expect(report.cleanup).toHaveLength(1);
    const cleanup = report.cleanup![0]!;
    expect(cleanup.kept).toMatchObject([{ id: expect.stringMatching(/^snap-/), reason: expect.stringContaining('snapconform obligations check') }]);
    const obligations = readdirSync(join(reportDir, 'obligations')).flatMap((f) => readFileSync(join(reportDir, 'obligations', f), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { snapshotId: string }));
    expect(obligations.map((o) => o.snapshotId)).toEqual([cleanup.kept![0]!.id]);
    expect(await snapshotsOnEmulator()).toBe(before + 1);
    expect(await described(cleanup.kept![0]!.id)).toBe(1);
    expect(actions).toContain('DeleteSnapshots');
    // The report records the cleanup: everything the ledger lists deleted by it, already gone, or kept.
    expect(cleanup).toMatchObject({ target: 'real', leftBehind: [], unconfirmed: [] });
    expect(cleanup.deleted.length + cleanup.gone.length + 1).toBe(possiblyCreated(entries).length);
    expect(cleanup.deleted.length).toBeGreaterThan(0);
    // It is labelled like everything else the run made: a sweep would find it (once the obligation is settled).
    const kept = bodies.find((b) => b.action === 'CreateSnapshot' && b.answer.includes(cleanup.kept![0]!.id))!;
    expect((JSON.parse(kept.body) as { SnapshotName: string }).SnapshotName.startsWith(prefix)).toBe(true);
    await onEmulator('DeleteSnapshots', { SnapshotIds: [cleanup.kept![0]!.id] });
    // exchanges.ndjson has every request, the cleanup's included: each delete the account received is there.
    const exchanges = readExchangeFile(join(reportDir, 'latest/exchanges.ndjson'));
    const sent = (action: string) => exchanges.filter((e) => e.action === action).reduce((n, e) => n + e.attempts, 0);
    expect(sent('DeleteSnapshots')).toBe(actions.filter((a) => a === 'DeleteSnapshots').length);
    for (const id of cleanup.deleted) expect(exchanges.some((e) => e.action.startsWith('Delete') && e.request.body.includes(id)), id).toBe(true);
    expect(readFileSync(join(reportDir, 'latest/conformance.md'), 'utf8')).toContain('## Cleanup on real targets');
  });

  it('records in the report what the cleanup could not delete, and exits 3 naming the sweep that finishes it', async () => {
    const before = await snapshotsOnEmulator();
    const reportDir = mkdtempSync(join(tmpdir(), 'snapconform-safety-report-'));
    const file = target('    maxSnapshots: 1000\n');
    deletes = 'ignored';
    let result;
    try {
      result = await run('--target', file, '--report-dir', reportDir, '--allow-mutations', '--rules', 'snapshot.create.roundtrip', '--runs', '0.2');
    } finally {
      deletes = 'forward';
    }
    expect(result.code, result.stderr).toBe(3);
    const report = JSON.parse(readFileSync(join(reportDir, 'latest/conformance.json'), 'utf8')) as ConformanceReport;
    const cleanup = report.cleanup![0]!;
    expect(cleanup.leftBehind.length).toBeGreaterThan(0);
    for (const note of cleanup.leftBehind) expect(note.reason).toBe('delete answered success but the snapshot is still described');
    const validate = reportValidator();
    expect(validate(report), errorsOf(validate)).toBe(true);
    expect(result.stderr).toContain(`snapconform: safety abort: real: the cleanup left created resources (${cleanup.leftBehind.length} left behind; see the report's cleanup section); run \`snapconform sweep --target ${file} --report-dir ${reportDir}\``);
    expect(readFileSync(join(reportDir, 'latest/conformance.md'), 'utf8')).toContain(`- left behind \`${cleanup.leftBehind[0]!.id}\`: delete answered success but the snapshot is still described`);
    expect(readFileSync(join(reportDir, 'latest/conformance.html'), 'utf8')).toContain('<section id="cleanup">');
    // The sweep the line names finishes the job.
    const sweep = await cli('sweep', '--target', file, '--report-dir', reportDir);
    expect(sweep.code, sweep.stdout + sweep.stderr).toBe(0);
    expect(sweep.stdout).toContain(`real: deleted ${cleanup.leftBehind.length}`);
    expect(await snapshotsOnEmulator()).toBe(before);
  });

  it('sweeps only what the ledger lists AND carries the run\'s prefix or tag', async () => {
    const runId = '2026-01-01T00-00-00-000Z-abc123';
    const create = async (params: Record<string, unknown>) => (await onEmulator('CreateSnapshot', { DiskId: 'disk-fixture1', ...params })).data?.['SnapshotId'] as string;
    const named = await create({ SnapshotName: 'snapconform-abc123-left-over' });
    const tagged = await create({ Tags: [{ Key: 'snapconform-run', Value: runId }] });
    const foreign = await create({ SnapshotName: 'production-nightly' });
    const reportDir = mkdtempSync(join(tmpdir(), 'snapconform-sweep-'));
    mkdirSync(join(reportDir, 'ledger'));
    // A ledger that (edited, or mixed up with another account's) also lists someone else's snapshot.
    const line = (key: string, id: string) => JSON.stringify({ runId, target: 'real', vendor: 'tencent-cbs', action: 'CreateSnapshot', at: '2026-01-01T00:00:00.000Z', state: 'created', key, resourceId: id });
    writeFileSync(join(reportDir, 'ledger', `${runId}.ndjson`), [line('a', named), line('b', tagged), line('c', foreign), ''].join('\n'));
    const { code, stdout } = await cli('sweep', '--target', target(), '--report-dir', reportDir);
    expect(stdout).toContain(`real: deleted 2, left behind 1: ${foreign} (left alone: the service describes it without the run's name prefix or tag)`);
    // Something the ledger lists remains: a person must look (a safety matter, as for the run).
    expect(code).toBe(3);
    const described = async (id: string) => ((await onEmulator('DescribeSnapshots', { SnapshotIds: [id] })).data?.['TotalCount'] as number);
    expect(await described(named)).toBe(0);
    expect(await described(tagged)).toBe(0);
    expect(await described(foreign)).toBe(1);
    await onEmulator('DeleteSnapshots', { SnapshotIds: [foreign] });
  });

  it('deletes nothing a failing describe cannot show as the run\'s: the snapshot stays, reported unconfirmed, exit 3', async () => {
    const id = await createLabelled();
    const reportDir = ledgerDir([createdLine('a', id)]);
    await faults([{ kind: 'error5xx', action: 'DescribeSnapshots' }]);
    actions.length = 0;
    let result;
    try {
      result = await cli('sweep', '--target', target(), '--report-dir', reportDir);
    } finally {
      await faults([]);
    }
    expect(result.code, result.stdout + result.stderr).toBe(3);
    expect(result.stdout).toMatch(new RegExp(`real: deleted 0, unconfirmed, left alone 1: ${id} \\(not deleted: could not tell whether it carries the run's label \\(DescribeSnapshots answered `));
    expect(actions).not.toContain('DeleteSnapshots');
    expect(await described(id)).toBe(1);
    await onEmulator('DeleteSnapshots', { SnapshotIds: [id] });
  });

  it('counts a delete refused with the documented not-found code as gone (exit 0)', async () => {
    const id = await createLabelled();
    const reportDir = ledgerDir([createdLine('a', id)]);
    bodies.length = 0;
    deletes = 'twice';
    let result;
    try {
      result = await cli('sweep', '--target', target(), '--report-dir', reportDir);
    } finally {
      deletes = 'forward';
    }
    expect(bodies.find((b) => b.action === 'DeleteSnapshots')?.answer).toContain('InvalidSnapshotId.NotFound');
    expect(result.stdout).toContain('real: deleted 0, already gone 1');
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(await described(id)).toBe(0);
  });

  it('notices a delete that answers success and deletes nothing (exit 3)', async () => {
    const id = await createLabelled();
    const reportDir = ledgerDir([createdLine('a', id)]);
    deletes = 'ignored';
    let result;
    try {
      result = await cli('sweep', '--target', target(), '--report-dir', reportDir);
    } finally {
      deletes = 'forward';
    }
    expect(result.stdout).toContain(`real: deleted 0, left behind 1: ${id} (delete answered success but the snapshot is still described)`);
    expect(result.code).toBe(3);
    expect(await described(id)).toBe(1);
    await onEmulator('DeleteSnapshots', { SnapshotIds: [id] });
  });

  it('retries a snapshot still being created with bounded waits, and stops at the deadline', async () => {
    await fetch(`${emulator.url}/_snapconform/config`, adminPost({ creationMs: 20_000 }));
    // The emulator's clock stands still until the test moves it: the creation cannot end while a CLI starts
    // on a busy machine (at load 12, 20 s of real time passed before the first sweep's delete arrived).
    await fetch(`${emulator.url}/_snapconform/clock`, adminPost({ freeze: true }));
    try {
      const id = await createLabelled();
      const reportDir = ledgerDir([createdLine('a', id)]);
      const bounded = await cli('sweep', '--target', target(), '--report-dir', reportDir, '--deadline', '1');
      expect(bounded.code).toBe(3);
      expect(bounded.stdout).toMatch(new RegExp(`left behind 1: ${id} \\(still being created when the cleanup's deadline \\(1 s\\) passed \\(last answer: ResourceUnavailable\\.SnapshotCreating\\)\\)`));
      // It stopped at its deadline, not at the end of the creation: the snapshot is still there, still creating.
      expect(await described(id)).toBe(1);
      actions.length = 0;
      // The patient sweep's first delete is refused (still creating); then the creation ends on the emulator's
      // clock, and a later attempt succeeds. Moving the clock only once that first delete was seen keeps the
      // test independent of how long the CLI takes to start on a busy machine.
      let ended = false;
      const patientRun = cli('sweep', '--target', target(), '--report-dir', reportDir).finally(() => { ended = true; });
      while (!ended && !actions.includes('DeleteSnapshots')) await new Promise((resolve) => setTimeout(resolve, 50));
      await fetch(`${emulator.url}/_snapconform/clock`, adminPost({ advanceMs: 20_000 }));
      const patient = await patientRun;
      expect(patient.stdout).toContain('real: deleted 1');
      expect(patient.code).toBe(0);
      expect(actions.filter((a) => a === 'DeleteSnapshots').length).toBeGreaterThan(1);
      expect(await described(id)).toBe(0);
    } finally {
      await fetch(`${emulator.url}/_snapconform/clock`, adminPost({ real: true }));
      await fetch(`${emulator.url}/_snapconform/config`, adminPost({ creationMs: 0 }));
    }
  });

  it('looks a create whose outcome is unknown up by its name, and reports one it cannot look up', async () => {
    const name = `snapconform-${RUN_ID.slice(-6)}-lost-in-flight`;
    const id = await createLabelled({ SnapshotName: name });
    const unknown = (key: string, named?: string) => [
      JSON.stringify({ runId: RUN_ID, target: 'real', vendor: 'tencent-cbs', action: 'CreateSnapshot', at: '2026-01-01T00:00:00.000Z', state: 'sending', key, ...(named ? { name: named } : {}) }),
      JSON.stringify({ runId: RUN_ID, target: 'real', vendor: 'tencent-cbs', action: 'CreateSnapshot', at: '2026-01-01T00:00:01.000Z', state: 'unknown', key }),
    ];
    const found = await cli('sweep', '--target', target(), '--report-dir', ledgerDir(unknown('a', name)));
    expect(found.stdout).toContain('real: deleted 1');
    expect(found.code, found.stdout).toBe(0);
    expect(await described(id)).toBe(0);
    const unnamed = await cli('sweep', '--target', target(), '--report-dir', ledgerDir(unknown('b')));
    expect(unnamed.stdout).toContain('unconfirmed, left alone 1: (unnamed create, ledger key b) (the create\'s outcome is unknown (no id was returned), and it gave no name to look it up by)');
    expect(unnamed.code).toBe(3);
  });

  it('sweeps from any directory: relative paths are the user\'s, and its requests are recorded in the report dir', async () => {
    const id = await createLabelled();
    const cwd = mkdtempSync(join(tmpdir(), 'snapconform-sweep-cwd-'));
    mkdirSync(join(cwd, 'reports', 'ledger'), { recursive: true });
    writeFileSync(join(cwd, 'reports', 'ledger', `${RUN_ID}.ndjson`), createdLine('a', id) + '\n');
    writeFileSync(join(cwd, 'real.yaml'), readFileSync(target(), 'utf8'));
    const result = await cliIn(cwd, 'sweep', '--target', 'real.yaml');
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('real: deleted 1');
    const file = /requests and answers in (.+\.exchanges\.ndjson)$/m.exec(result.stdout)?.[1];
    expect(file && relative(join(cwd, 'reports'), file)).toMatch(/^sweep-[^/]+\.exchanges\.ndjson$/);
    expect(existsSync(file!)).toBe(true);
    const exchanges = readExchangeFile(file!);
    expect(exchanges.some((e) => e.action === 'DeleteSnapshots' && e.request.body.includes(id))).toBe(true);
    expect(exchanges.some((e) => e.action === 'DescribeSnapshots')).toBe(true);
    expect(await described(id)).toBe(0);
  });

  it('exits 2 on bad input', async () => {
    expect((await cli('sweep', '--target', target(), '--report-dir', join(tmpdir(), 'snapconform-no-such-dir'))).code).toBe(2);
    expect((await cli('sweep', '--target', target(), '--deadline', 'soon')).code).toBe(2);
    expect((await cli('sweep', '--target', join(tmpdir(), 'snapconform-no-such-file.yaml'))).code).toBe(2);
  });

  it('refuses a run whose plan exceeds the budget before sending anything, and, without the plan, creates beyond the budget', async () => {
    actions.length = 0;
    const planned = await run('--target', target('    maxSnapshots: 3\n'), '--report-dir', mkdtempSync(join(tmpdir(), 'snapconform-safety-report-')), '--allow-mutations');
    expect(planned.code).toBe(3);
    expect(planned.stderr).toMatch(/safety abort: real: the run would create \d+ snapshots .* its budget is maxSnapshots: 3/);
    expect(actions).toEqual([]);
    // --no-plan: the run starts, and the ledger's budget stops the creates past it.
    const reportDir = mkdtempSync(join(tmpdir(), 'snapconform-safety-report-'));
    await run('--target', target('    maxSnapshots: 3\n'), '--report-dir', reportDir, '--allow-mutations', '--no-plan');
    const ledgers = readdirSync(join(reportDir, 'ledger'));
    const entries = readFileSync(join(reportDir, 'ledger', ledgers[0]!), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as LedgerEntry);
    const made = new Set(entries.filter((e) => e.state !== 'refused').map((e) => e.key));
    // Some creates are refused by the service (invalid requests); at most 3 were ever able to create.
    expect(entries.filter((e) => e.state === 'created').length).toBeLessThanOrEqual(3);
    expect(made.size).toBeGreaterThan(0);
  });
});
