import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createServer, type Server } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { cbs as CbsModule } from 'tencentcloud-sdk-nodejs/tencentcloud/services/cbs/index.js';
import { DISK_ROLES } from '../../src/conformance/target.ts';
import { loadSpec } from '../../src/spec/load-spec.ts';
import { HttpTransport } from '../../src/transport/http-transport.ts';
import { SPEC_FILES } from '../../src/vendors/registry.ts';
import { ZenlayerClient } from '../../src/vendors/zenlayer-zec/client.ts';
import { adminPost } from '../../src/emulator/admin-client.ts';
import { CHILD_LIMIT_MS } from '../support/time-limits.ts';

// `snapconform emulate` as another project's CI would use it: a child process, the JSON document it prints,
// the official SDKs configured from that document only, and a signal to stop it.

const require = createRequire(import.meta.url);
const { cbs } = require('tencentcloud-sdk-nodejs/tencentcloud/services/cbs') as { cbs: typeof CbsModule };
const Ecs = require('@alicloud/ecs20140526') as any;
const OpenApi = require('@alicloud/openapi-core') as any;

const ROOT = new URL('../..', import.meta.url).pathname;
const BIN = join(ROOT, 'bin/snapconform.js');
const exec = promisify(execFile);

interface VendorDoc {
  endpoint: string;
  host: string;
  port: number;
  region: string | null;
  credentials: { id: string; secret: string; account: string };
  accounts: Array<{ id: string; secret: string; account: string }>;
  source: 'demo' | 'seed' | 'state';
  /** What it misbehaves in on purpose (`--deviation`). */
  deviations: string[];
  world: Array<{
    account: string;
    region?: string;
    instances: Array<{ id: string; state: string; zone: string; neverStarted?: boolean; securityLocked?: boolean }>;
    disks: Array<{ id: string; instanceId: string | null; usage: string; state: string; snapshotAbility: boolean; sizeGiB: number }>;
    snapshots: Array<{ id: string; diskId: string; name: string; state: string }>;
  }>;
  /** The demo world's disks by fixture role. */
  fixtures?: Record<string, string | string[]>;
  snippet: string;
}

interface EmulateDoc {
  snapconform: string;
  pid: number;
  stop: string;
  seed: string | null;
  state: string | null;
  vendors: Record<string, VendorDoc>;
}

interface Emulator {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children = new Set<ChildProcess>();
const agents: http.Agent[] = [];
const transport = new HttpTransport({ connections: 2, timeoutMs: 5_000 });

afterEach(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
  for (const agent of agents.splice(0)) agent.destroy();
});

afterAll(async () => {
  await transport.close();
});

/** Starts `snapconform emulate` as a child process. */
function spawnEmulate(args: string[]): Emulator {
  const child = spawn(process.execPath, [BIN, 'emulate', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => { stdout += chunk.toString('utf8'); });
  child.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8'); });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  return { child, stdout: () => stdout, stderr: () => stderr, exit };
}

/** Resolves once `ready(stdout)` holds; fails if the process exits first or it takes too long. */
async function waitFor<T>(emulator: Emulator, ready: (stdout: string) => T | undefined, timeoutMs = CHILD_LIMIT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void emulator.exit.then(() => { exited = true; });
  for (;;) {
    const value = ready(emulator.stdout());
    if (value !== undefined) return value;
    if (exited) throw new Error(`emulate exited before it was ready: ${emulator.stderr()}`);
    if (Date.now() > deadline) throw new Error(`emulate not ready within ${timeoutMs} ms: ${emulator.stdout()}${emulator.stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts `emulate --json …` and reads its one JSON document. */
async function startJson(...args: string[]): Promise<{ emulator: Emulator; doc: EmulateDoc }> {
  const emulator = spawnEmulate(['--json', ...args]);
  const doc = await waitFor(emulator, (stdout) => {
    try {
      return JSON.parse(stdout) as EmulateDoc;
    } catch {
      return undefined;
    }
  });
  return { emulator, doc };
}

/** Sends a signal and expects a clean exit 0 (a stop that never comes ends at the child's time limit). */
async function stop(emulator: Emulator, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  emulator.child.kill(signal);
  const result = await Promise.race([emulator.exit, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), CHILD_LIMIT_MS).unref())]);
  expect(result, emulator.stderr()).toEqual({ code: 0, signal: null });
}

/** Runs the CLI to completion (for input errors). */
async function snapconform(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [BIN, ...args], { cwd: ROOT, timeout: CHILD_LIMIT_MS });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout: string; stderr: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout, stderr: e.stderr };
  }
}

// The official SDKs, built from the printed document only.
function tencentSdk(v: VendorDoc, credentials: { id: string; secret: string } = v.credentials) {
  const agent = new http.Agent();
  agents.push(agent);
  return new cbs.v20170312.Client({
    credential: { secretId: credentials.id, secretKey: credentials.secret },
    region: v.region!,
    profile: { httpProfile: { endpoint: v.host, protocol: 'http://', agent, reqTimeout: 10 } },
  });
}

function alibabaSdk(v: VendorDoc) {
  return new Ecs.default(new OpenApi.$OpenApiUtil.Config({
    accessKeyId: v.credentials.id, accessKeySecret: v.credentials.secret, endpoint: v.host, protocol: 'http', regionId: v.region,
  }));
}

function zenlayerClient(v: VendorDoc) {
  return new ZenlayerClient({
    endpoint: v.endpoint, spec: loadSpec(SPEC_FILES['zenlayer-zec']), transport,
    credentials: { accessKeyId: v.credentials.id, accessKeyPassword: v.credentials.secret },
  });
}

/** An attached data disk of the first account: every vendor snapshots those. */
const attachedDataDisk = (v: VendorDoc) => v.world[0]!.disks.find((d) => d.usage === 'data' && d.state === 'attached' && d.snapshotAbility)!.id;

const tmp = () => mkdtempSync(join(tmpdir(), 'snapconform-emulate-'));

describe('snapconform emulate --json', () => {
  it('serves the demo world; the official SDKs create snapshots from the printed endpoint and credentials; SIGTERM exits 0', async () => {
    const { emulator, doc } = await startJson('--port', '0');
    expect(Object.keys(doc.vendors)).toEqual(['tencent-cbs', 'alibaba-ecs', 'zenlayer-zec']);
    expect(doc).toMatchObject({ pid: emulator.child.pid, seed: null, state: null });
    for (const [vendor, v] of Object.entries(doc.vendors)) {
      expect(v.endpoint, vendor).toBe(`http://127.0.0.1:${v.port}`);
      expect(v.host).toBe(`127.0.0.1:${v.port}`);
      expect(v.source).toBe('demo');
      expect(v.accounts).toEqual([v.credentials].map(({ id, secret, account }) => ({ id, secret, account })));
      // The documented demo world: an instance with a system disk and two data disks, a second instance with
      // four data disks (one plain, one without snapshot ability, one being re-initialized, one for the quota
      // rule), a stopped, a never-started and a security-locked instance with a data disk each, an unattached
      // disk; and the fixture role of each disk, for a target file.
      expect(v.world).toHaveLength(1);
      const [world] = v.world;
      expect(world!.instances.map((i) => [i.state, Boolean(i.neverStarted), Boolean(i.securityLocked)])).toEqual([
        ['running', false, false], ['running', false, false], ['stopped', false, false], ['stopped', true, false], ['running', false, true],
      ]);
      const [first, second, ...others] = world!.instances;
      const on = (id: string | null) => world!.disks.filter((d) => d.instanceId === id).map((d) => d.usage).sort();
      expect(on(first!.id)).toEqual(['data', 'data', 'system']);
      expect(on(second!.id)).toEqual(['data', 'data', 'data', 'data']);
      for (const other of others) expect(on(other.id)).toEqual(['data']);
      expect(world!.disks.filter((d) => d.instanceId === null).map((d) => d.state)).toEqual(['unattached']);
      const diskIds = world!.disks.map((d) => d.id);
      expect(Object.keys(v.fixtures ?? {}).sort()).toEqual([...DISK_ROLES, 'sameInstanceDisks'].sort());
      for (const diskId of Object.values(v.fixtures ?? {}).flat()) expect(diskIds).toContain(diskId);
      expect(world!.snapshots).toEqual([]);
    }
    const ports = Object.values(doc.vendors).map((v) => v.port);
    expect(new Set(ports).size).toBe(3);
    expect(doc.vendors['tencent-cbs']!.credentials).toMatchObject({ id: 'AKIDSNAPCONFORMEMULATOR0000000000000', account: 'demo' });
    expect(doc.vendors['alibaba-ecs']!.credentials.id).toBe('LTAISNAPCONFORMEMULATOR');

    const tencent = doc.vendors['tencent-cbs']!;
    const created = await tencentSdk(tencent).CreateSnapshot({ DiskId: attachedDataDisk(tencent), SnapshotName: 'ci-snapshot' });
    expect(created.SnapshotId).toMatch(/^snap-[0-9a-z]{8}$/);
    const described = await tencentSdk(tencent).DescribeSnapshots({ SnapshotIds: [created.SnapshotId!] });
    expect(described.SnapshotSet?.[0]).toMatchObject({ SnapshotName: 'ci-snapshot', DiskId: attachedDataDisk(tencent) });

    const alibaba = doc.vendors['alibaba-ecs']!;
    const ali = await alibabaSdk(alibaba).createSnapshot(new Ecs.CreateSnapshotRequest({ diskId: attachedDataDisk(alibaba), snapshotName: 'ci-snapshot' }));
    expect(ali.statusCode).toBe(200);
    expect(ali.body.snapshotId).toMatch(/^s-[0-9a-z]+$/);

    const zenlayer = doc.vendors['zenlayer-zec']!;
    const zec = await zenlayerClient(zenlayer).call('CreateSnapshot', { diskId: attachedDataDisk(zenlayer), snapshotName: 'ci-snapshot' });
    expect(zec).toMatchObject({ ok: true, httpStatus: 200 });
    expect(zec.data?.['snapshotId']).toEqual(expect.any(String));

    await stop(emulator, 'SIGTERM');
    // Exactly one JSON document on stdout, nothing after it.
    expect(JSON.parse(emulator.stdout())).toEqual(doc);
    expect(emulator.stderr()).toBe('');
  });

  it('prints snippets that run as pasted', async () => {
    const { emulator, doc } = await startJson('--vendor', 'tencent-cbs', '--vendor', 'alibaba-ecs');
    expect(Object.keys(doc.vendors)).toEqual(['tencent-cbs', 'alibaba-ecs']);
    const tencent = await exec(process.execPath, ['-e', doc.vendors['tencent-cbs']!.snippet], { cwd: ROOT, timeout: CHILD_LIMIT_MS });
    expect(tencent.stdout.trim()).toMatch(/^snap-[0-9a-z]{8}$/);
    const alibaba = await exec(process.execPath, ['-e', doc.vendors['alibaba-ecs']!.snippet], { cwd: ROOT, timeout: CHILD_LIMIT_MS });
    expect(alibaba.stdout.trim()).toMatch(/^s-[0-9a-z]+$/);
    expect(doc.vendors['tencent-cbs']!.snippet).toContain(`endpoint: '${doc.vendors['tencent-cbs']!.host}', protocol: 'http://'`);
    await stop(emulator, 'SIGINT');
  });

  it('describes the Zenlayer endpoint and headers', async () => {
    const { emulator, doc } = await startJson('--vendor', 'zenlayer-zec');
    const v = doc.vendors['zenlayer-zec']!;
    expect(v.region).toBeNull();
    expect(v.snippet).toContain(`POST ${v.endpoint}/api/v2/zec`);
    expect(v.snippet).toContain('X-ZC-Action: CreateSnapshot');
    expect(v.snippet).toContain('X-ZC-Version: 2025-09-01');
    expect(v.snippet).toContain(`Authorization: ZC2-HMAC-SHA256 Credential=${v.credentials.id}, SignedHeaders=content-type;host`);
    await stop(emulator);
  });

  it('puts the first vendor on --port and the next on the following ports', async () => {
    const base = await freePortPair();
    const { emulator, doc } = await startJson('--port', String(base), '--vendor', 'zenlayer-zec,tencent-cbs');
    expect(Object.entries(doc.vendors).map(([vendor, v]) => [vendor, v.port])).toEqual([['zenlayer-zec', base], ['tencent-cbs', base + 1]]);
    await stop(emulator);
  });
});

describe('snapconform emulate --deviation', () => {
  it('bends every emulator, or one vendor\'s, as asked; the admin API reports and switches them', async () => {
    const { emulator, doc } = await startJson('--vendor', 'tencent-cbs,zenlayer-zec', '--deviation', 'request-id-missing', '--deviation', 'tencent-cbs:quota-one-early');
    const config = async (vendor: string) => (await (await fetch(`${doc.vendors[vendor]!.endpoint}/_snapconform/config`)).json()) as { deviations: string[] };
    // The printout says so too: a bent emulator must not pass for a faithful one.
    expect(doc.vendors['tencent-cbs']!.deviations).toEqual(['request-id-missing', 'quota-one-early']);
    expect(doc.vendors['zenlayer-zec']!.deviations).toEqual(['request-id-missing']);
    expect((await config('tencent-cbs')).deviations.sort()).toEqual(['quota-one-early', 'request-id-missing']);
    expect((await config('zenlayer-zec')).deviations).toEqual(['request-id-missing']);
    await fetch(`${doc.vendors['zenlayer-zec']!.endpoint}/_snapconform/config`, adminPost({ deviations: ['tags-dropped'] }));
    expect((await config('zenlayer-zec')).deviations).toEqual(['tags-dropped']);
    await stop(emulator);
  });

  it('names the deviations in the banner, under each emulator they bend', async () => {
    const emulator = spawnEmulate(['--vendor', 'tencent-cbs,zenlayer-zec', '--deviation', 'tencent-cbs:quota-off-by-one']);
    const text = await waitFor(emulator, (stdout) => (stdout.includes('Stop with') ? stdout : undefined));
    expect(text).toMatch(/^tencent-cbs {2}http:\S+ {2}region ap-guangzhou\n {2}deviations {3}quota-off-by-one \(misbehaving on purpose: --deviation\)$/m);
    expect(text.match(/deviations/g)).toHaveLength(1);
    await stop(emulator);
  });

  it('refuses an unknown deviation or vendor in one line, exit 2', async () => {
    const unknown = await snapconform('emulate', '--deviation', 'quota-off-by-two');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^snapconform: unknown deviation 'quota-off-by-two' for --deviation; known: accepts-invalid-enum, /);
    const vendor = await snapconform('emulate', '--deviation', 'aws:quota-off-by-one');
    expect(vendor.code).toBe(2);
    expect(vendor.stderr).toBe("snapconform: unknown vendor 'aws' in --deviation aws:quota-off-by-one; known: tencent-cbs, alibaba-ecs, zenlayer-zec\n");
  });
});

describe('snapconform emulate --strict', () => {
  it('logs each request that breaks the documents as one JSON line, summarises at shutdown and exits 1', async () => {
    const violations = join(tmp(), 'violations.ndjson');
    const { emulator, doc } = await startJson('--vendor', 'tencent-cbs', '--strict', '--violations', violations);
    const v = doc.vendors['tencent-cbs']!;
    const client = tencentSdk(v);
    // An SDK's integration test that gets it right, then two that do not: a tag list sent as one object, and
    // a wrong secret.
    await client.CreateSnapshot({ DiskId: attachedDataDisk(v), SnapshotName: 'ok' });
    await client.CreateSnapshot({ DiskId: attachedDataDisk(v), Tags: { Key: 'k', Value: 'v' } } as never).catch(() => undefined);
    await tencentSdk(v, { id: v.credentials.id, secret: 'wrong' }).DescribeSnapshots({}).catch(() => undefined);
    const lines = readFileSync(violations, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toEqual([
      expect.objectContaining({ vendor: 'tencent-cbs', operation: 'CreateSnapshot', parameter: 'Tags', rule: 'type', source: expect.objectContaining({ doc: 'cbs-create-intl' }) }),
      // The signing section the wrong signature breaks, not the DescribeSnapshots page.
      expect.objectContaining({ vendor: 'tencent-cbs', operation: 'DescribeSnapshots', parameter: null, rule: 'signature', source: [expect.objectContaining({ doc: 'ref-cbs', section: expect.stringMatching(/^1\.1 TC3-HMAC-SHA256/) })] }),
    ]);
    emulator.child.kill('SIGTERM');
    const result = await emulator.exit;
    expect(result).toEqual({ code: 1, signal: null });
    expect(emulator.stderr()).toContain('snapconform: strict: 2 contract violations');
    expect(emulator.stderr()).toContain('1 × tencent-cbs CreateSnapshot Tags: type');
  });

  it('exits 0 when the tests broke nothing, and refuses --violations without --strict', async () => {
    const { emulator } = await startJson('--vendor', 'zenlayer-zec', '--strict');
    emulator.child.kill('SIGINT');
    expect(await emulator.exit).toEqual({ code: 0, signal: null });
    expect(emulator.stderr()).toContain('snapconform: strict: no contract violations');
    const refused = await snapconform('emulate', '--violations', 'v.ndjson');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe('snapconform: --violations needs --strict (it records what strict mode finds)\n');
  });
});

describe('snapconform emulate --state', () => {
  it('keeps snapshots and idempotency tokens across a restart, written atomically', async () => {
    const folder = tmp();
    const state = join(folder, 'state.json');
    // Snapshots finish at once here: the restart must find them completed, however fast it comes.
    const first = await startJson('--vendor', 'tencent-cbs,alibaba-ecs', '--state', state, '--creation-ms', '0');
    expect(first.doc.state).toBe(state);
    const tencent = first.doc.vendors['tencent-cbs']!;
    const alibaba = first.doc.vendors['alibaba-ecs']!;
    const { SnapshotId } = await tencentSdk(tencent).CreateSnapshot({ DiskId: attachedDataDisk(tencent), SnapshotName: 'survives' });
    const request = () => new Ecs.CreateSnapshotRequest({ diskId: attachedDataDisk(alibaba), snapshotName: 'Survives', clientToken: 'ci-token-1' });
    const aliFirst = await alibabaSdk(alibaba).createSnapshot(request());

    // Written after the change (within about a second on a quiet machine), while still running.
    const deadline = Date.now() + CHILD_LIMIT_MS;
    while (!(existsSync(state) && readFileSync(state, 'utf8').includes(SnapshotId!)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(readFileSync(state, 'utf8')).toContain(SnapshotId!);

    await stop(first.emulator);
    expect(readdirSync(folder)).toEqual(['state.json']); // no temporary file left behind
    const saved = JSON.parse(readFileSync(state, 'utf8')) as { format: string; vendors: Record<string, unknown> };
    expect(saved.format).toBe('snapconform-emulator-state');
    expect(Object.keys(saved.vendors)).toEqual(['tencent-cbs', 'alibaba-ecs']);

    const second = await startJson('--vendor', 'tencent-cbs,alibaba-ecs', '--state', state, '--creation-ms', '0');
    const again = second.doc.vendors['tencent-cbs']!;
    expect(again.source).toBe('state');
    expect(again.world[0]!.snapshots).toEqual([expect.objectContaining({ id: SnapshotId, name: 'survives', state: 'completed' })]);
    const described = await tencentSdk(again).DescribeSnapshots({ SnapshotIds: [SnapshotId!] });
    expect(described.TotalCount).toBe(1);
    // The same ClientToken still answers with the first snapshot.
    const aliAgain = await alibabaSdk(second.doc.vendors['alibaba-ecs']!).createSnapshot(request());
    expect(aliAgain.body.snapshotId).toBe(aliFirst.body.snapshotId);
    await stop(second.emulator);

    // A run with fewer vendors keeps the others' state in the file.
    const third = await startJson('--vendor', 'zenlayer-zec', '--state', state);
    expect(third.doc.vendors['zenlayer-zec']!.source).toBe('demo');
    await stop(third.emulator);
    expect(Object.keys((JSON.parse(readFileSync(state, 'utf8')) as { vendors: object }).vendors).sort()).toEqual(['alibaba-ecs', 'tencent-cbs', 'zenlayer-zec']);
  });

  it('refuses a state file that is not one, in one line, exit 2', async () => {
    const file = join(tmp(), 'state.json');
    writeFileSync(file, '{"name": "not a state file"}');
    const { code, stdout, stderr } = await snapconform('emulate', '--json', '--state', file);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(`snapconform: ${file}: format: must be 'snapconform-emulator-state': this is not a snapconform emulator state file\n`);
  });
});

describe('snapconform emulate --seed', () => {
  it('starts the seeded world, with its own credentials, for the vendors the file lists', async () => {
    const file = join(tmp(), 'world.yaml');
    writeFileSync(file, [
      'vendors:',
      '  tencent-cbs:',
      '    region: ap-shanghai',
      '    accounts:',
      '      - { id: AKIDCUSTOMSEED000000000000000000000, secret: custom-secret, name: team }',
      '    instances:',
      '      - { id: ins-custom01, zone: ap-shanghai-2 }',
      '    disks:',
      '      - { id: disk-custsys1, instanceId: ins-custom01, usage: system }',
      '      - { id: disk-custdat1, instanceId: ins-custom01, sizeGiB: 300 }',
      '      - { id: disk-custnone, instanceId: ins-custom01, snapshotAbility: false }',
      '',
    ].join('\n'));
    const { emulator, doc } = await startJson('--seed', file);
    expect(doc.seed).toBe(file);
    expect(Object.keys(doc.vendors)).toEqual(['tencent-cbs']);
    const v = doc.vendors['tencent-cbs']!;
    expect(v).toMatchObject({ source: 'seed', region: 'ap-shanghai', credentials: { id: 'AKIDCUSTOMSEED000000000000000000000', secret: 'custom-secret', account: 'team' } });
    expect(v.world).toEqual([expect.objectContaining({ account: 'team', region: 'ap-shanghai', instances: [{ id: 'ins-custom01', state: 'running', zone: 'ap-shanghai-2' }] })]);
    expect(v.world[0]!.disks.map((d) => [d.id, d.usage, d.sizeGiB, d.snapshotAbility])).toEqual([
      ['disk-custsys1', 'system', 50, true], ['disk-custdat1', 'data', 300, true], ['disk-custnone', 'data', 50, false],
    ]);
    const created = await tencentSdk(v).CreateSnapshot({ DiskId: 'disk-custdat1' });
    expect(created.SnapshotId).toMatch(/^snap-/);
    const refused = await tencentSdk(v).CreateSnapshot({ DiskId: 'disk-custnone' }).catch((e: unknown) => e) as { code?: string };
    expect(refused.code).toBe('InvalidDisk.NotSupportSnapshot'); // specs/tencent-cbs.yaml x-contract snapshot-ability
    // The default credentials are not accepted by a seeded account list.
    const stranger = await tencentSdk(v, { id: 'AKIDSNAPCONFORMEMULATOR0000000000000', secret: 'x' }).DescribeDisks({}).catch((e: unknown) => e) as { code?: string };
    expect(stranger.code).toMatch(/^AuthFailure/);
    await stop(emulator);
  });

  it('refuses a bad seed file in one line naming file and key, exit 2', async () => {
    const file = join(tmp(), 'world.yaml');
    writeFileSync(file, 'vendors:\n  tencent-cbs:\n    disks:\n      - { id: disk-abcdefgh, usage: root }\n');
    const { code, stdout, stderr } = await snapconform('emulate', '--json', '--seed', file);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(`snapconform: ${file}: vendors.tencent-cbs.disks[0].usage: must be one of system, data\n`);
  });
});

describe('snapconform emulate, human output', () => {
  it('prints endpoints, credentials, the world and how to stop; SIGINT exits 0', async () => {
    const emulator = spawnEmulate(['--vendor', 'tencent-cbs']);
    const text = await waitFor(emulator, (stdout) => (stdout.includes('Stop with') ? stdout : undefined));
    expect(text).toMatch(/^tencent-cbs {2}http:\/\/127\.0\.0\.1:\d+ {2}region ap-guangzhou$/m);
    expect(text).toContain('credentials  secretId AKIDSNAPCONFORMEMULATOR0000000000000  secretKey ');
    expect(text).toMatch(/instance ins-fixture1 {2}running/);
    expect(text).toContain("const client = new cbs.v20170312.Client({");
    expect(text).toContain(`Stop with Ctrl+C, or kill -TERM ${emulator.child.pid} (SIGINT/SIGTERM)`);
    await stop(emulator, 'SIGINT');
    expect(emulator.stdout()).toContain('snapconform: SIGINT: emulators stopped');
  });
});

describe('snapconform emulate input errors', () => {
  it('refuses an unknown vendor in one line, exit 2', async () => {
    const { code, stdout, stderr } = await snapconform('emulate', '--vendor', 'tencent-cbs,aws-ebs');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe("snapconform: unknown vendor 'aws-ebs' for --vendor; known: tencent-cbs, alibaba-ecs, zenlayer-zec\n");
  });

  it('names a port in use, exit 2', async () => {
    const blocker = await occupy();
    const port = (blocker.address() as { port: number }).port;
    try {
      const { code, stdout, stderr } = await snapconform('emulate', '--json', '--vendor', 'alibaba-ecs', '--port', String(port));
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toBe(`snapconform: port ${port} is in use (wanted for alibaba-ecs); pick another --port, or --port 0 for ephemeral ports\n`);
    } finally {
      blocker.close();
    }
  });

  it('refuses a port that is not a number, and unknown options', async () => {
    expect(await snapconform('emulate', '--port', 'http')).toMatchObject({ code: 2, stderr: "snapconform: --port must be a port number from 0 to 65535, got 'http'\n" });
    const unknown = await snapconform('emulate', '--vendors', 'x');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^snapconform: Unknown option '--vendors'.*\(see snapconform emulate --help\)\n$/);
  });

  it('documents itself, default credentials included', async () => {
    const { code, stdout } = await snapconform('emulate', '--help');
    expect(code).toBe(0);
    expect(stdout).toContain('secretId AKIDSNAPCONFORMEMULATOR0000000000000');
    expect(stdout).toContain('accessKeyId LTAISNAPCONFORMEMULATOR');
    expect(stdout).toContain('--state <file>');
    expect((await snapconform('--help')).stdout).toContain('snapconform emulate [options]');
  });
});

/** A listening TCP server on loopback (to make a port busy). */
function occupy(port = 0): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/** A port p such that p and p + 1 are free right now. */
async function freePortPair(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const a = await occupy();
    const port = (a.address() as { port: number }).port;
    const b = await occupy(port + 1).catch(() => undefined);
    a.close();
    b?.close();
    if (b && port < 65535) return port;
  }
  throw new Error('no two consecutive free ports');
}
