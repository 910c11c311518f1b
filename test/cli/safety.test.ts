import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../../src/conformance/ledger.ts';
import { Deviations } from '../../src/emulator/deviations/catalogue.ts';
import type { RunningServer } from '../../src/emulator/http-server.ts';
import { loadSpec } from '../../src/spec/load-spec.ts';
import { tencentCbs } from '../../src/vendors/tencent-cbs/adapter.ts';
import type { ConformanceReport } from '../../reporters/conformance-reporter.ts';

const BIN = new URL('../../bin/snapconform.js', import.meta.url).pathname;
const principal = { id: 'AKIDSAFETYSAFETYSAFETYSAFETYSAFETY00', secret: 'safety-secret', account: 'safety' };
const MUTATING = ['CreateSnapshot', 'CreateSnapshotGroup', 'DeleteSnapshots', 'DeleteSnapshotGroup'];

let emulator: RunningServer;
let recorder: Server;
let recorderUrl: string;
const actions: string[] = [];
/** What reached the recorder, action and body. */
const bodies: Array<{ action: string; body: string; answer: string }> = [];

beforeAll(async () => {
  emulator = await tencentCbs.emulator!.start(loadSpec('specs/tencent-cbs.yaml'), principal, new Deviations());
  await fetch(`${emulator.url}/_snapconform/seed`, { method: 'POST', body: JSON.stringify({ region: 'ap-guangzhou', ...tencentCbs.emulator!.fixtures('ap-guangzhou').seed }) });
  await fetch(`${emulator.url}/_snapconform/config`, { method: 'POST', body: JSON.stringify({ limits: false }) });
  // A recording proxy: what a real account would receive, action by action.
  recorder = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    actions.push(String(request.headers['x-tc-action'] ?? new URLSearchParams(request.url?.split('?')[1] ?? '').get('Action') ?? '?'));
    const headers = Object.fromEntries(Object.entries(request.headers).filter(([n]) => !['host', 'connection', 'content-length'].includes(n))) as Record<string, string>;
    const upstream = await fetch(`${emulator.url}${request.url}`, { method: request.method, headers, body: request.method === 'POST' ? Buffer.concat(chunks) : undefined });
    const answer = Buffer.from(await upstream.arrayBuffer());
    bodies.push({ action: actions.at(-1)!, body: Buffer.concat(chunks).toString('utf8'), answer: answer.toString('utf8') });
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
  const env = { ...process.env, TENCENTCLOUD_SECRET_ID: principal.id, TENCENTCLOUD_SECRET_KEY: principal.secret };
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, command, ...args], { env, timeout: 150_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
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
  }, 180_000);

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
    // The run deleted what it created: the account is as it was.
    expect(await snapshotsOnEmulator()).toBe(before);
    expect(actions).toContain('DeleteSnapshots');
  }, 180_000);

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
    expect(stdout).toContain(`real: deleted 2, left alone (in the ledger but without this tool's name prefix or tag): ${foreign}`);
    expect(code).toBe(1);
    const described = async (id: string) => ((await onEmulator('DescribeSnapshots', { SnapshotIds: [id] })).data?.['TotalCount'] as number);
    expect(await described(named)).toBe(0);
    expect(await described(tagged)).toBe(0);
    expect(await described(foreign)).toBe(1);
    await onEmulator('DeleteSnapshots', { SnapshotIds: [foreign] });
  }, 60_000);

  it('refuses creates beyond the budget without sending them', async () => {
    actions.length = 0;
    const reportDir = mkdtempSync(join(tmpdir(), 'snapconform-safety-report-'));
    await run('--target', target('    maxSnapshots: 3\n'), '--report-dir', reportDir, '--allow-mutations');
    const ledgers = readdirSync(join(reportDir, 'ledger'));
    const entries = readFileSync(join(reportDir, 'ledger', ledgers[0]!), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as LedgerEntry);
    const made = new Set(entries.filter((e) => e.state !== 'refused').map((e) => e.key));
    // Some creates are refused by the service (invalid requests); at most 3 were ever able to create.
    expect(entries.filter((e) => e.state === 'created').length).toBeLessThanOrEqual(3);
    expect(made.size).toBeGreaterThan(0);
  }, 180_000);
});
