import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TargetInfo } from '../../src/conformance/target.ts';
import { Deviations } from '../../src/emulator/deviations/catalogue.ts';
import type { RunningServer } from '../../src/emulator/http-server.ts';
import { loadSpec } from '../../src/spec/load-spec.ts';
import type { VendorSpec } from '../../src/spec/vendor-spec.ts';
import type { CallResult } from '../../src/transport/call-result.ts';
import { HttpTransport } from '../../src/transport/http-transport.ts';
import { alibabaEcs } from '../../src/vendors/alibaba-ecs/adapter.ts';
import { tencentCbs } from '../../src/vendors/tencent-cbs/adapter.ts';
import type { Params, VendorAdapter, VendorClient } from '../../src/vendors/vendor-adapter.ts';
import { zenlayerZec } from '../../src/vendors/zenlayer-zec/adapter.ts';
import { adminPost } from '../../src/emulator/admin-client.ts';

// Parallel CreateSnapshot requests on one disk, against each embedded emulator: never more than the quota
// (x-contract snapshot-quota-per-disk), and never two snapshots in flight on a disk where the spec has the
// one-in-flight-per-disk rule. Expected codes and statuses come from the spec, never from this file.

const BURST = 20;
// Long enough that every request of a burst arrives while the first snapshot is still being created, however
// slow the machine; the rule is about overlap, not about the exact duration.
const CREATION_MS = 10_000;

interface Vendor {
  adapter: VendorAdapter;
  region: string;
  spec: VendorSpec;
  /** DescribeSnapshots parameters listing the snapshots of one disk. */
  byDisk(diskId: string): Params;
  /** The snapshot list of a DescribeSnapshots answer. */
  items(result: CallResult): Array<Record<string, unknown>>;
  /** TotalCount of a DescribeSnapshots answer. */
  total(result: CallResult): number;
  server?: RunningServer;
  client?: VendorClient;
}

const VENDORS: Vendor[] = [
  {
    adapter: tencentCbs,
    region: 'ap-guangzhou',
    spec: loadSpec(tencentCbs.specFile),
    byDisk: (diskId) => ({ Filters: [{ Name: 'disk-id', Values: [diskId] }], Limit: 100 }),
    items: (result) => (result.data?.['SnapshotSet'] as Array<Record<string, unknown>> | undefined) ?? [],
    total: (result) => result.data?.['TotalCount'] as number,
  },
  {
    adapter: alibabaEcs,
    region: 'cn-hangzhou',
    spec: loadSpec(alibabaEcs.specFile),
    byDisk: (diskId) => ({ RegionId: 'cn-hangzhou', DiskId: diskId, PageSize: 100 }),
    items: (result) => ((result.data?.['Snapshots'] as { Snapshot?: Array<Record<string, unknown>> } | undefined)?.Snapshot) ?? [],
    total: (result) => result.data?.['TotalCount'] as number,
  },
  {
    adapter: zenlayerZec,
    region: 'zec',
    spec: loadSpec(zenlayerZec.specFile),
    byDisk: (diskId) => ({ diskIds: [diskId], pageSize: 100 }),
    items: (result) => (result.data?.['dataSet'] as Array<Record<string, unknown>> | undefined) ?? [],
    total: (result) => result.data?.['totalCount'] as number,
  },
];

const principal = { id: 'AKIDCONCURRENCYTEST00000000000000000', secret: 'concurrency-test-secret', account: 'concurrency' };
// One connection per request of the largest burst: the requests really are in flight together.
const transport = new HttpTransport({ connections: 100, timeoutMs: 30_000 });

async function admin(vendor: Vendor, route: string, body: unknown): Promise<void> {
  const response = await fetch(`${vendor.server!.url}/_snapconform/${route}`, adminPost(body));
  expect(response.status, `${route}: ${await response.text()}`).toBe(200);
}

let disks = 0;

/** Seeds a fresh disk, attached (every vendor's contract allows snapshots of an attached disk), and returns its id. */
async function freshDisk(vendor: Vendor): Promise<string> {
  disks += 1;
  const diskId = vendor.adapter.emulator!.diskId(`conc${process.pid}${disks}`);
  const instanceId = `concurrency-instance-${disks}`;
  await admin(vendor, 'seed', { region: vendor.region, instances: [{ id: instanceId }], disks: [{ id: diskId, instanceId }] });
  return diskId;
}

/** Fires `count` CreateSnapshot calls for one disk at once and waits for all of them. */
async function burst(vendor: Vendor, diskId: string, count: number): Promise<CallResult[]> {
  const create = vendor.adapter.canonical.createSnapshot!;
  return Promise.all(Array.from({ length: count }, (_, i) => vendor.client!.call('CreateSnapshot', create.params({ diskId, name: `Concurrent${i}` }))));
}

/** The snapshots of one disk, as the vendor describes them. */
async function snapshotsOf(vendor: Vendor, diskId: string): Promise<{ total: number; states: string[] }> {
  const described = await vendor.client!.call('DescribeSnapshots', vendor.byDisk(diskId));
  expect(described.ok, JSON.stringify(described.body)).toBe(true);
  const field = vendor.spec.contract['snapshot-lifecycle']!.stateField;
  return { total: vendor.total(described), states: vendor.items(described).map((s) => String(s[field])) };
}

/** The refusals of a burst, as `code status` strings, counted. */
function tally(results: CallResult[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const result of results.filter((r) => !r.ok)) {
    const key = `${result.error?.code ?? '(no code)'} ${result.httpStatus}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

beforeAll(async () => {
  for (const vendor of VENDORS) {
    vendor.server = await vendor.adapter.emulator!.start(vendor.spec, principal, new Deviations());
    const target: TargetInfo = {
      name: `${vendor.adapter.vendor}-concurrency`, vendor: vendor.adapter.vendor, endpoint: vendor.server.url, region: vendor.region,
      credentials: { id: principal.id, secret: principal.secret }, emulator: true,
    };
    vendor.client = vendor.adapter.createClient(target, vendor.spec, transport);
    // A burst is far beyond the documented per-second limits; this file is about the snapshot rules, not throttling.
    await admin(vendor, 'config', { limits: false });
  }
});

afterEach(async () => {
  for (const vendor of VENDORS) await admin(vendor, 'config', { creationMs: 0 });
});

afterAll(async () => {
  await transport.close();
  await Promise.all(VENDORS.map((vendor) => vendor.server?.close()));
});

for (const vendor of VENDORS) {
  const name = vendor.adapter.vendor;
  const inFlight = vendor.spec.contract['one-in-flight-per-disk'];
  const quota = vendor.spec.contract['snapshot-quota-per-disk'];

  describe(`${name} emulator under parallel CreateSnapshot requests`, () => {
    if (inFlight) {
      it(`lets exactly one of ${BURST} parallel creates on one disk through while it is in flight; the rest get ${inFlight.error.code}`, async () => {
        await admin(vendor, 'config', { creationMs: CREATION_MS });
        const diskId = await freshDisk(vendor);
        const results = await burst(vendor, diskId, BURST);
        const created = results.filter((r) => r.ok);
        expect(created, JSON.stringify(tally(results))).toHaveLength(1);
        expect(tally(results)).toEqual({ [`${inFlight.error.code} ${inFlight.error.status}`]: BURST - 1 });
        // Never two in flight: the disk holds exactly the one snapshot, still being created.
        const lifecycle = vendor.spec.contract['snapshot-lifecycle']!;
        const after = await snapshotsOf(vendor, diskId);
        expect(after).toEqual({ total: 1, states: [lifecycle.creating] });
        // Once it completes, the disk takes the next one: the refusals were about the one in flight, nothing else.
        await admin(vendor, 'clock', { advanceMs: CREATION_MS + 1000 });
        try {
          await admin(vendor, 'config', { creationMs: 0 });
          const next = await burst(vendor, diskId, 1);
          expect(next[0]!.ok, JSON.stringify(next[0]!.body)).toBe(true);
          expect((await snapshotsOf(vendor, diskId)).total).toBe(2);
        } finally {
          await admin(vendor, 'clock', { real: true });
        }
      });
    } else {
      // No one-in-flight rule in this vendor's spec (Zenlayer ZEC): snapshots of one disk may be created
      // together, and only the quota bounds them, in flight or not.
      it(`lets ${quota ? `exactly ${quota.value}` : 'every one'} of ${(quota?.value ?? BURST) + 10} parallel in-flight creates on one disk through (no one-in-flight rule in the spec)`, async () => {
        await admin(vendor, 'config', { creationMs: CREATION_MS });
        const diskId = await freshDisk(vendor);
        const count = (quota?.value ?? BURST) + 10;
        const results = await burst(vendor, diskId, count);
        const created = results.filter((r) => r.ok);
        if (!quota) {
          expect(created).toHaveLength(count);
          return;
        }
        expect(created, JSON.stringify(tally(results))).toHaveLength(quota.value);
        expect(tally(results)).toEqual({ [`${quota.error.code} ${quota.error.status}`]: 10 });
        const after = await snapshotsOf(vendor, diskId);
        expect(after.total).toBe(quota.value);
      });
    }

    if (quota) {
      it(`lets exactly ${quota.value} (x-contract snapshot-quota-per-disk) of ${quota.value + 10} parallel creates on one disk through; the rest get ${quota.error.code} ${quota.error.status}`, async () => {
        await admin(vendor, 'config', { creationMs: 0 });
        const diskId = await freshDisk(vendor);
        const results = await burst(vendor, diskId, quota.value + 10);
        const created = results.filter((r) => r.ok);
        expect(created, JSON.stringify(tally(results))).toHaveLength(quota.value);
        expect(tally(results)).toEqual({ [`${quota.error.code} ${quota.error.status}`]: 10 });
        // Every success is a distinct snapshot, and the disk holds exactly the quota.
        const ids = new Set(created.map((r) => vendor.adapter.canonical.createSnapshot!.snapshotId(r)));
        expect(ids.size).toBe(quota.value);
        expect((await snapshotsOf(vendor, diskId)).total).toBe(quota.value);
      });
    }

    it('resets creationMs to 0 afterwards', async () => {
      const response = await fetch(`${vendor.server!.url}/_snapconform/config`);
      expect(((await response.json()) as { creationMs: number }).creationMs).toBe(0);
    });
  });
}
