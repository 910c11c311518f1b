import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanUp } from '../../src/conformance/cleanup.ts';
import type { LedgerEntry } from '../../src/conformance/ledger.ts';
import { runLabel } from '../../src/conformance/run-label.ts';
import type { TargetInfo } from '../../src/conformance/target.ts';
import { Deviations } from '../../src/emulator/deviations/catalogue.ts';
import type { RunningServer } from '../../src/emulator/http-server.ts';
import { loadSpec } from '../../src/spec/load-spec.ts';
import type { VendorId } from '../../src/spec/spec-types.ts';
import { HttpTransport } from '../../src/transport/http-transport.ts';
import { adapterFor, SPEC_FILES } from '../../src/vendors/registry.ts';
import { adminPost } from '../../src/emulator/admin-client.ts';

const VENDORS = Object.keys(SPEC_FILES) as VendorId[];
const REGION: Record<VendorId, string> = { 'tencent-cbs': 'ap-guangzhou', 'alibaba-ecs': 'cn-hangzhou', 'zenlayer-zec': 'asia-east-1' };
const RUN_ID = '2026-01-03T00-00-00-000Z-aa11bb';

// The cleanup counts a delete refused with this code as gone: it must be one the documents give that delete.
describe('the delete bindings of the adapters', () => {
  for (const vendor of VENDORS) {
    it(`${vendor}: name a not-found code the spec documents for the delete`, () => {
      const spec = loadSpec(SPEC_FILES[vendor]);
      const { deleteSnapshot, deleteSnapshotGroup } = adapterFor(vendor)!.canonical;
      const own = (canonical: 'deleteSnapshots' | 'deleteSnapshotGroup') => spec.forCanonical(canonical)!.errors.map((e) => e.code);
      expect(own('deleteSnapshots')).toContain(deleteSnapshot!.notFound);
      if (deleteSnapshotGroup) expect(own('deleteSnapshotGroup')).toContain(deleteSnapshotGroup.notFound);
    });
  }
});

// Every vendor's emulator used as a real endpoint (`emulator: false`): snapshots take seconds to create, so the
// cleanup meets each vendor's way of refusing a busy delete (Zenlayer: success listing the id it did not delete).
describe.each(VENDORS)('the cleanup against %s', (vendor) => {
  const adapter = adapterFor(vendor)!;
  const spec = loadSpec(adapter.specFile);
  const principal = { id: 'AKIDCLEANUPCLEANUPCLEANUPCLEANUP0001', secret: 'cleanup-secret', account: 'cleanup' };
  const transport = new HttpTransport();
  let server: RunningServer;
  let target: TargetInfo;
  let disks: string[];

  beforeAll(async () => {
    server = await adapter.emulator!.start(spec, principal, new Deviations());
    const { seed, roles } = adapter.emulator!.fixtures(REGION[vendor]);
    await fetch(`${server.url}/_snapconform/seed`, adminPost({ region: REGION[vendor], ...seed }));
    await fetch(`${server.url}/_snapconform/config`, adminPost({ limits: false, creationMs: 3000 }));
    target = { name: 'real', vendor, endpoint: server.url, region: REGION[vendor], credentials: { id: principal.id, secret: principal.secret }, emulator: false, runId: RUN_ID };
    disks = roles.sameInstanceDisks;
  });
  afterAll(async () => {
    await transport.close();
    await server.close();
  });

  const client = () => adapter.createClient(target, spec, transport);
  const create = async (disk: string, name: string) => {
    const result = await client().call(spec.forCanonical('createSnapshot')!.action, adapter.canonical.createSnapshot!.params({ diskId: disk, name }));
    expect(result.ok, JSON.stringify(result.body)).toBe(true);
    return adapter.canonical.createSnapshot!.snapshotId(result)!;
  };
  const exists = async (id: string) => adapter.canonical.describeSnapshot!.snapshot(await client().call(spec.forCanonical('describeSnapshots')!.action, adapter.canonical.describeSnapshot!.params(id, REGION[vendor]))) !== undefined;
  const line = (key: string, state: LedgerEntry['state'], extra: Partial<LedgerEntry> = {}): LedgerEntry => ({ runId: RUN_ID, target: 'real', vendor, action: spec.forCanonical('createSnapshot')!.action, at: new Date().toISOString(), state, key, ...extra });

  it('deletes snapshots still being created once they may be, and finds one whose create outcome is unknown by its name', async () => {
    const prefix = runLabel(RUN_ID).prefix;
    const known = await create(disks[0]!, `${prefix}known`);
    const lost = await create(disks[1]!, `${prefix}lost`);
    const started = Date.now();
    const result = await cleanUp(target, [
      line('a', 'sending', { name: `${prefix}known` }), line('a', 'created', { resourceId: known }),
      line('b', 'sending', { name: `${prefix}lost` }), line('b', 'unknown'),
    ], { deadlineMs: 60_000 });
    expect(result).toEqual({ target: 'real', deleted: [known, lost], gone: [], leftBehind: [], unconfirmed: [] });
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(await exists(known)).toBe(false);
    expect(await exists(lost)).toBe(false);
  });

  it('keeps what an open retention obligation needs, listed as kept (never left behind), and deletes the rest', async () => {
    const prefix = runLabel(RUN_ID).prefix;
    const kept = await create(disks[0]!, `${prefix}kept`);
    const other = await create(disks[1]!, `${prefix}other`);
    const ledger = [line('k', 'created', { resourceId: kept }), line('o', 'created', { resourceId: other })];
    const result = await cleanUp(target, ledger, { deadlineMs: 60_000, keep: new Map([[kept, 'for the obligation check']]) });
    expect(result).toEqual({ target: 'real', deleted: [other], gone: [], leftBehind: [], unconfirmed: [], kept: [{ id: kept, reason: 'for the obligation check' }] });
    expect(await exists(kept)).toBe(true);
    expect(await exists(other)).toBe(false);
    // Once nothing keeps it, it goes like anything else the ledger lists.
    expect(await cleanUp(target, ledger, { deadlineMs: 60_000 })).toMatchObject({ deleted: [kept], gone: [other] });
  });
});
