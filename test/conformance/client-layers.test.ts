import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SnapshotNotReadyError, SuiteCollisionError } from '../../src/conformance/client-layers/in-flight.ts';
import { UnlabelledCreateError } from '../../src/conformance/client-layers/run-label-layer.ts';
import { DiskLeases } from '../../src/conformance/disk-leases.ts';
import { runLabel } from '../../src/conformance/run-label.ts';
import { politeClient } from '../../src/conformance/session.ts';
import type { TargetInfo } from '../../src/conformance/target.ts';
import { Deviations } from '../../src/emulator/deviations/catalogue.ts';
import type { RunningServer } from '../../src/emulator/http-server.ts';
import { loadSpec } from '../../src/spec/load-spec.ts';
import type { CallResult } from '../../src/transport/call-result.ts';
import { HttpTransport } from '../../src/transport/http-transport.ts';
import { tencentCbs } from '../../src/vendors/tencent-cbs/adapter.ts';
import { zenlayerZec } from '../../src/vendors/zenlayer-zec/adapter.ts';
import type { VendorClient } from '../../src/vendors/vendor-adapter.ts';
import { adminPost } from '../../src/emulator/admin-client.ts';

// The suite's client against a Tencent emulator used as a URL target (not an embedded one: `emulator: false`),
// with snapshots that take a while to create, as on a real account.
const spec = loadSpec('specs/tencent-cbs.yaml');
const principal = { id: 'AKIDLAYERTEST00000000000000000000000', secret: 'layer-test-secret', account: 'acct' };
const transport = new HttpTransport();
const runId = 'run-layers-test';
let emulator: RunningServer;
let leaseDir: string;

function target(overrides: Partial<TargetInfo> = {}): TargetInfo {
  return { name: 'layers', vendor: 'tencent-cbs', endpoint: emulator.url, region: 'ap-guangzhou', credentials: { id: principal.id, secret: principal.secret }, emulator: false, allowMutations: true, runId, ...overrides };
}
const client = (info: TargetInfo = target()) => politeClient(info, spec, tencentCbs, tencentCbs.createClient(info, spec, transport), { leases: new DiskLeases(leaseDir) });
const admin = (route: string, body: unknown) => fetch(`${emulator.url}/_snapconform/${route}`, adminPost(body));

beforeAll(async () => {
  leaseDir = mkdtempSync(join(tmpdir(), 'snapconform-layers-'));
  emulator = await tencentCbs.emulator!.start(spec, principal, new Deviations());
  const { seed } = tencentCbs.emulator!.fixtures('ap-guangzhou');
  await admin('seed', { region: 'ap-guangzhou', ...seed });
});

afterAll(async () => {
  await transport.close();
  await emulator.close();
  rmSync(leaseDir, { recursive: true, force: true });
});

describe('the in-flight layer', () => {
  it('should wait for the run\'s own snapshot of a disk before creating on it again, so the service never refuses it as in flight', async () => {
    await admin('config', { creationMs: 1500 });
    try {
      const c = client();
      const first = await c.call('CreateSnapshot', { DiskId: 'disk-fixture2', SnapshotName: 'snapconform-layers-1' });
      expect(first.ok, first.error?.code).toBe(true);
      // Sent at once, this would be refused with InvalidDisk.SnapshotCreating; the layer waits for the first.
      const second = await c.call('CreateSnapshot', { DiskId: 'disk-fixture2', SnapshotName: 'snapconform-layers-2' });
      expect(second.ok, second.error?.code).toBe(true);
      // A rule that means to collide (the one-in-flight rule) does not wait, and sees the documented refusal.
      const third = await c.call('CreateSnapshot', { DiskId: 'disk-fixture2', SnapshotName: 'snapconform-layers-3' }, { inFlightExpected: true });
      expect(third.error?.code).toBe('InvalidDisk.SnapshotCreating');
    } finally {
      await admin('config', { creationMs: 0 });
    }
  });

  it('should stop waiting at the readiness timeout with an error naming the snapshot, and not wait again for it', async () => {
    await admin('config', { deviations: ['snapshot-stuck-creating'] });
    try {
      const c = client(target({ readinessTimeoutMs: 300 }));
      const first = await c.call('CreateSnapshot', { DiskId: 'disk-fixture4', SnapshotName: 'snapconform-layers-stuck' });
      expect(first.ok).toBe(true);
      const id = tencentCbs.canonical.createSnapshot!.snapshotId(first)!;
      await expect(c.call('CreateSnapshot', { DiskId: 'disk-fixture4' })).rejects.toThrow(SnapshotNotReadyError);
      const started = Date.now();
      await expect(c.call('CreateSnapshot', { DiskId: 'disk-fixture4' })).rejects.toThrow(new RegExp(`${id}.*still CREATING`));
      // The second refusal is immediate: the register remembers the snapshot as stuck (a loose bound, for busy machines).
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await admin('config', { deviations: [] });
    }
  });

  it('should call a refusal for a snapshot in flight right after its own snapshot finished the suite\'s collision, not the service\'s deviation', async () => {
    let creates = 0;
    const ok = (data: Record<string, unknown>): CallResult => ({ ok: true, httpStatus: 200, data, body: {}, findings: [], durationMs: 1, transcript: { request: { method: 'POST', url: '', headers: {}, body: '' }, response: { status: 200, headers: {}, body: '' } } }) as unknown as CallResult;
    const fake: VendorClient = {
      async call(action) {
        if (action === 'DescribeSnapshots') return ok({ SnapshotSet: [{ SnapshotId: 'snap-aaaaaaaa', SnapshotState: 'NORMAL', DiskId: 'disk-x', SnapshotName: 'n' }] });
        creates += 1;
        if (creates === 1) return ok({ SnapshotId: 'snap-aaaaaaaa' });
        return { ...ok({}), ok: false, error: { code: 'InvalidDisk.SnapshotCreating', message: 'busy' } } as CallResult;
      },
    };
    const info = target({ name: 'collision' });
    const c = politeClient(info, spec, tencentCbs, fake, { leases: new DiskLeases(leaseDir) });
    expect((await c.call('CreateSnapshot', { DiskId: 'disk-x' })).ok).toBe(true);
    await expect(c.call('CreateSnapshot', { DiskId: 'disk-x' })).rejects.toThrow(SuiteCollisionError);
  });
});

describe('the run-label layer', () => {
  const label = runLabel(runId);

  it('should add the run\'s tag beside the tags a case names', async () => {
    const c = client();
    const created = await c.call('CreateSnapshot', { DiskId: 'disk-fixture1', Tags: [{ Key: 'team', Value: 'storage' }] });
    expect(created.ok, created.error?.code).toBe(true);
    const id = tencentCbs.canonical.createSnapshot!.snapshotId(created)!;
    const described = tencentCbs.canonical.describeSnapshot!.snapshot(await c.call('DescribeSnapshots', { SnapshotIds: [id] }));
    expect(described?.tags).toEqual([{ key: 'team', value: 'storage' }, label.tag]);
  });

  it('should not send to a real endpoint a create that cannot carry the label, and should send it to an embedded emulator', async () => {
    const c = client();
    await expect(c.call('CreateSnapshot', { DiskId: 'disk-fixture1', SnapshotName: 'unprefixed', Tags: 'not-a-list' as never })).rejects.toThrow(UnlabelledCreateError);
    const embedded = client(target({ emulator: true }));
    const answer = await embedded.call('CreateSnapshot', { DiskId: 'disk-fixture1', SnapshotName: 'unprefixed', Tags: 'not-a-list' as never });
    expect(answer.ok).toBe(false);
  });

  it('should name an unnamed create whose tags cannot take the run\'s tag, so that it is labelled all the same', async () => {
    const sent: unknown[] = [];
    const raw: VendorClient = { call: async (_action, params) => { sent.push(params); throw new Error('stop here'); } };
    const c = politeClient(target(), spec, tencentCbs, raw);
    await expect(c.call('CreateSnapshot', { DiskId: 'disk-fixture1', Tags: 'not-a-list' as never })).rejects.toThrow('stop here');
    expect(sent[0]).toMatchObject({ SnapshotName: `${label.prefix}case`, Tags: 'not-a-list' });
  });

  it('should refuse a Zenlayer create whose name lacks the run\'s prefix on a real endpoint (the name is its only label)', async () => {
    const zspec = loadSpec('specs/zenlayer-zec.yaml');
    const info: TargetInfo = { ...target(), vendor: 'zenlayer-zec', name: 'zen' };
    const raw: VendorClient = { call: async () => { throw new Error('must not be sent'); } };
    const c = politeClient(info, zspec, zenlayerZec, raw);
    await expect(c.call('CreateSnapshot', { diskId: '862857204414550001', snapshotName: 'snapconform-valid' })).rejects.toThrow(/lacks the run's prefix/);
    await expect(c.call('CreateSnapshot', { diskId: '862857204414550001', snapshotName: `${label.prefix}valid` })).rejects.toThrow('must not be sent');
  });
});
