import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../../src/conformance/ledger.ts';
import { Deviations } from '../../src/emulator/deviations.ts';
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
    response.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' }).end(Buffer.from(await upstream.arrayBuffer()));
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
  const env = { ...process.env, TENCENTCLOUD_SECRET_ID: principal.id, TENCENTCLOUD_SECRET_KEY: principal.secret };
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, 'run', ...args], { env, timeout: 150_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const snapshotsOnEmulator = async () => {
  const { TencentClient } = await import('../../src/vendors/tencent-cbs/client.ts');
  const { HttpTransport } = await import('../../src/transport/http-transport.ts');
  const transport = new HttpTransport();
  const client = new TencentClient({ endpoint: emulator.url, region: 'ap-guangzhou', spec: loadSpec('specs/tencent-cbs.yaml'), transport, credentials: { secretId: principal.id, secretKey: principal.secret } });
  const result = await client.call('DescribeSnapshots', { Limit: 100 });
  await transport.close();
  return result.data?.['TotalCount'] as number;
};

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

  it('with --allow-mutations, writes every create to the ledger before sending it, and deletes what it created', async () => {
    actions.length = 0;
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
    // The run deleted what it created: the account is as it was.
    expect(await snapshotsOnEmulator()).toBe(before);
    expect(actions).toContain('DeleteSnapshots');
  }, 180_000);

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
