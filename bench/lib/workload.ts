import { join } from 'node:path';
import { loadTargetFile } from '../../src/conformance/target-file.ts';
import type { TargetInfo } from '../../src/conformance/target.ts';
import { loadSpec } from '../../src/spec/load-spec.ts';
import type { VendorId } from '../../src/spec/spec-types.ts';
import type { VendorSpec } from '../../src/spec/vendor-spec.ts';
import type { CallResult } from '../../src/transport/call-result.ts';
import { adapterFor } from '../../src/vendors/registry.ts';
import type { VendorAdapter, VendorClient } from '../../src/vendors/vendor-adapter.ts';
import { ROOT } from './paths.ts';
import { admin } from './servers.ts';

/** The canonical operations a snapshot cycle needs, bound for one vendor. */
type Bound = Required<Pick<VendorAdapter['canonical'], 'createSnapshot' | 'describeSnapshot' | 'deleteSnapshot'>>;

/** One vendor as the benchmark drives it: its adapter, spec, default target and the wire names of the cycle. */
export interface VendorUnderTest {
  vendor: VendorId;
  /** The target's name in the default target file. */
  name: string;
  region: string;
  adapter: VendorAdapter;
  spec: VendorSpec;
  canonical: Bound;
  actions: { create: string; describe: string; delete: string };
}

/**
 * The vendors of the default target file (`targets/emulators.yaml`, what `snapconform run` tests), with
 * their region, in its order; only those in `only` when given.
 */
export function vendorsUnderTest(only?: ReadonlySet<string>): VendorUnderTest[] {
  const entries = loadTargetFile(join(ROOT, 'targets/emulators.yaml')).filter((entry) => !only || only.has(entry.vendor));
  return entries.map((entry) => {
    const adapter = adapterFor(entry.vendor);
    const { createSnapshot, describeSnapshot, deleteSnapshot } = adapter?.canonical ?? {};
    if (!adapter?.emulator || !createSnapshot || !describeSnapshot || !deleteSnapshot) throw new Error(`${entry.vendor}: no emulator or no create/describe/delete binding`);
    const spec = loadSpec(join(ROOT, adapter.specFile));
    const action = (operation: 'createSnapshot' | 'describeSnapshots' | 'deleteSnapshots') => {
      const found = spec.forCanonical(operation);
      if (!found) throw new Error(`${entry.vendor}: the spec binds no ${operation}`);
      return found.action;
    };
    return {
      vendor: entry.vendor, name: entry.name, region: entry.region, adapter, spec,
      canonical: { createSnapshot, describeSnapshot, deleteSnapshot },
      actions: { create: action('createSnapshot'), describe: action('describeSnapshots'), delete: action('deleteSnapshots') },
    };
  });
}

/** The key pair and account the benchmark's emulators accept: the vendor's documented standalone keys. */
export function principalOf(subject: VendorUnderTest): { id: string; secret: string; account: string } {
  return { ...subject.adapter.emulator!.standalone.credentials, account: 'bench' };
}

/** A target for the suite's own code (sessions, clients), pointing at `endpoint`. */
export function targetAt(subject: VendorUnderTest, endpoint: string, disks: string[] = []): TargetInfo {
  const { id, secret } = principalOf(subject);
  return {
    name: subject.name, vendor: subject.vendor, endpoint, region: subject.region, credentials: { id, secret }, emulator: true,
    fixtures: { sameInstanceDisks: disks }, runId: 'bench',
  };
}

/**
 * Seeds an emulator with the vendor's standard fixtures plus `extra` data disks on the fixture instance (one
 * per worker: a disk holds one snapshot in flight and a quota of them), and sets its rate limits. Returns
 * the extra disks' ids.
 */
export async function seedEmulator(subject: VendorUnderTest, url: string, extra: number, limits: boolean): Promise<string[]> {
  const emulator = subject.adapter.emulator!;
  const { seed, roles } = emulator.fixtures(subject.region);
  const model = seed.disks?.find((d) => d.id === roles.sameInstanceDisks[0]);
  const disks = Array.from({ length: extra }, (_, i) => emulator.diskId(`bench${i + 1}`));
  await admin(url, 'seed', { region: subject.region, ...seed });
  await admin(url, 'seed', { region: subject.region, disks: disks.map((id) => ({ ...model, id })) });
  await admin(url, 'config', { limits });
  return disks;
}

/** A call that the vendor refused: the benchmark measures service, not refusals, so it stops there. */
export function accepted(result: CallResult): CallResult {
  if (!result.ok) throw new Error(`${result.action} refused: HTTP ${result.httpStatus} ${result.error?.code ?? 'unreadable'} ${result.error?.message ?? ''}`);
  return result;
}

let names = 0;

/**
 * One snapshot cycle on `disk`: CreateSnapshot, DescribeSnapshots of it, and its delete, each answered before
 * the next goes out. Returns the three latencies (the first counted from `dueAt`). A bare server answers
 * every call with one fixed body, so a snapshot id it does not return is stood in for.
 */
export async function snapshotCycle(subject: VendorUnderTest, client: VendorClient, disk: string, dueAt: number): Promise<number[]> {
  const { canonical, actions, region } = subject;
  const created = accepted(await client.call(actions.create, canonical.createSnapshot.params({ diskId: disk, name: `bench-${++names}` })));
  const t1 = performance.now();
  const id = canonical.createSnapshot.snapshotId(created) ?? 'snapshot-id-not-returned';
  accepted(await client.call(actions.describe, canonical.describeSnapshot.params(id, region)));
  const t2 = performance.now();
  accepted(await client.call(actions.delete, canonical.deleteSnapshot.params(id, region)));
  const t3 = performance.now();
  return [t1 - dueAt, t2 - t1, t3 - t2];
}
