import { setTimeout as sleep } from 'node:timers/promises';
import type { VendorSpec } from '../../spec/vendor-spec.ts';
import type { CallResult } from '../../transport/call-result.ts';
import type { Params, VendorAdapter } from '../../vendors/vendor-adapter.ts';
import type { DiskLeases, InFlight } from '../disk-leases.ts';
import { readinessTimeoutMs, type TargetInfo } from '../target.ts';
import type { Call, Layer } from './layer.ts';

/** A snapshot this run created did not finish within the target's readiness timeout; nothing more was sent to its disk. */
export class SnapshotNotReadyError extends Error {
  override readonly name = 'SnapshotNotReadyError';

  /**
   * @param target - the target's name
   * @param finding - what was seen, e.g. "this run's snapshot s-1 of disk d-1 was still CREATING 20 s after
   *   it was created (readinessTimeoutSeconds: 10)": evidence for the lifecycle rule, whichever rule met it
   */
  constructor(target: string, readonly finding: string) {
    super(`${target}: not sent: ${finding}; the suite creates no other snapshot of a disk while one is in flight`);
  }
}

/**
 * The service refused a create for a snapshot in flight on its disk just after this run's own snapshot of
 * that disk: the collision is the suite's, not a deviation of the service (an `error`, never a `fail`).
 */
export class SuiteCollisionError extends Error {
  override readonly name = 'SuiteCollisionError';
}

const SENTINEL = '\u0000snapconform-disk\u0000';

/** The disks a create names, read through the adapter's own mapping (the parameter that carries the disk id). */
export function disksOf(adapter: VendorAdapter, spec: VendorSpec, action: string, params: Params): string[] {
  const canonical = spec.action(action).canonical;
  if (canonical === 'createSnapshot' && adapter.canonical.createSnapshot) {
    const name = Object.entries(adapter.canonical.createSnapshot.params({ diskId: SENTINEL })).find(([, v]) => v === SENTINEL)?.[0];
    const value = name ? params[name] : undefined;
    return typeof value === 'string' ? [value] : [];
  }
  if (canonical === 'createSnapshotGroup' && adapter.canonical.createSnapshotGroup) {
    const name = Object.entries(adapter.canonical.createSnapshotGroup.params({ diskIds: [SENTINEL] })).find(([, v]) => Array.isArray(v) && v.includes(SENTINEL))?.[0];
    const value = name ? params[name] : undefined;
    return Array.isArray(value) ? value.filter((d): d is string => typeof d === 'string') : [];
  }
  return [];
}

/** How a wait for one in-flight entry ended. */
type Settled = { done: true; state: string } | { done: false; state: string };

/**
 * Describes an in-flight snapshot (or each member of a group) until it is done — the contract's lifecycle
 * `completed` or `failed` word, or gone — or `deadline` passes. Describes that fail are tried again: the
 * deadline, not the first error, ends the wait.
 */
export async function waitUntilDone(call: Call, spec: VendorSpec, adapter: VendorAdapter, region: string, entry: InFlight, deadline: number): Promise<Settled> {
  const lifecycle = spec.contract['snapshot-lifecycle'];
  const snapshotAction = spec.forCanonical('describeSnapshots')?.action;
  const groupAction = spec.forCanonical('describeSnapshotGroups')?.action;
  const { describeSnapshot, describeSnapshotGroup } = adapter.canonical;
  if (!lifecycle || !snapshotAction || !describeSnapshot) return { done: true, state: 'not describable' };
  const started = Date.now();
  let pause = 250;
  let state = 'not yet described';
  let members: string[] | undefined = entry.kind === 'snapshot' ? [entry.id] : undefined;
  for (;;) {
    try {
      if (!members && groupAction && describeSnapshotGroup) {
        const answer = await call(groupAction, describeSnapshotGroup.params(entry.id, region));
        const group = answer.ok ? describeSnapshotGroup.group(answer) : undefined;
        if (answer.ok && !group) return { done: true, state: 'gone' };
        if (group && group.snapshotIds.length > 0) members = group.snapshotIds;
        state = group ? `group ${group.state}` : `describe refused (${answer.error?.code ?? `HTTP ${answer.httpStatus}`})`;
      } else if (!members) {
        return { done: true, state: 'not describable' };
      }
      if (members) {
        const open: string[] = [];
        for (const id of members) {
          const answer = await call(snapshotAction, describeSnapshot.params(id, region));
          if (!answer.ok) {
            open.push(id);
            state = `describe refused (${answer.error?.code ?? `HTTP ${answer.httpStatus}`})`;
            continue;
          }
          const snapshot = describeSnapshot.snapshot(answer);
          if (snapshot && snapshot.state !== lifecycle.completed && snapshot.state !== lifecycle.failed) {
            open.push(id);
            state = snapshot.state;
          }
        }
        if (open.length === 0) return { done: true, state: lifecycle.completed };
        members = open;
      }
    } catch (error) {
      state = `describe failed (${(error as Error).message})`;
    }
    // Waits grow with the time already waited (a quarter of it, from 250 ms to 3 s): a snapshot that takes 2 s
    // is seen done at most ~25 % late, one that takes minutes costs a describe every 3 s, not a flood of them.
    pause = Math.min(3000, Math.max(250, (Date.now() - started) / 4));
    if (Date.now() + pause > deadline) return { done: false, state };
    await sleep(pause);
  }
}

/** Whether a refusal is the contract's "a snapshot of this disk is in flight". */
function refusedAsInFlight(spec: VendorSpec, result: CallResult): boolean {
  const rule = spec.contract['one-in-flight-per-disk'];
  const code = result.error?.code;
  return !result.ok && rule !== undefined && code !== undefined && [rule.error.code, ...(rule.error.alternatives ?? [])].includes(code);
}

/**
 * Keeps the suite from breaking "one snapshot in flight per disk" itself. A create takes the lease of each
 * disk it names (src/conformance/disk-leases.ts, shared by every worker of the run), waits — within the
 * target's readiness timeout — until every snapshot this run made of those disks is done, sends, notes what
 * it created as in flight, and lets the disks go. A snapshot that does not finish in time is reported once
 * (`SnapshotNotReadyError`, an `error`), and later creates on its disk fail at once with the same reason
 * instead of waiting again. `inFlightExpected` (the one-in-flight rule) skips the wait.
 */
export function inFlightLayer(info: TargetInfo, spec: VendorSpec, adapter: VendorAdapter, leases: DiskLeases): Layer {
  return (next) => async (action, params, options) => {
    const disks = disksOf(adapter, spec, action, params);
    if (disks.length === 0) return next(action, params, options);
    const readiness = readinessTimeoutMs(info);
    const lease = await leases.acquire(info.name, disks, readiness * (disks.length + 1) + 60_000);
    try {
      const waited: InFlight[] = [];
      if (!options?.inFlightExpected) {
        const deadline = Date.now() + readiness;
        for (const disk of disks) {
          const remaining = [...(lease.inFlight.get(disk) ?? [])];
          for (const entry of [...remaining]) {
            if (entry.stuck) {
              throw new SnapshotNotReadyError(info.name, `this run's snapshot ${entry.id} of disk ${disk} ${entry.stuck}`);
            }
            const settled = await waitUntilDone(next, spec, adapter, info.region, entry, deadline);
            if (settled.done) {
              remaining.splice(remaining.indexOf(entry), 1);
              waited.push(entry);
              continue;
            }
            const stuck = `was still ${settled.state} ${Math.round((Date.now() - entry.since) / 1000)} s after it was created (readinessTimeoutSeconds: ${readiness / 1000})`;
            remaining[remaining.indexOf(entry)] = { ...entry, stuck };
            lease.write(disk, remaining);
            throw new SnapshotNotReadyError(info.name, `this run's snapshot ${entry.id} of disk ${disk} ${stuck}`);
          }
          if ((lease.inFlight.get(disk) ?? []).length > 0) lease.write(disk, []);
        }
      }
      const result = await next(action, params, options);
      if (!options?.inFlightExpected && refusedAsInFlight(spec, result) && waited.length > 0) {
        throw new SuiteCollisionError(`${info.name}: ${action} was refused with ${result.error!.code} (a snapshot in flight on disk ${disks.join(', ')}) just after this run's own ${waited.map((e) => e.id).join(', ')} of that disk was described as done: the collision is not counted against the service`);
      }
      const id = result.ok ? adapter.canonical.createSnapshot?.snapshotId(result) ?? adapter.canonical.createSnapshotGroup?.groupId(result) : undefined;
      if (id) {
        const kind = spec.action(action).canonical === 'createSnapshotGroup' ? 'group' : 'snapshot';
        for (const disk of disks) {
          const kept = options?.inFlightExpected ? (lease.inFlight.get(disk) ?? []) : [];
          lease.write(disk, [...kept, { id, kind, since: Date.now() }]);
        }
      }
      return result;
    } finally {
      lease.release();
    }
  };
}
