import type { VendorId } from '../spec/spec-types.ts';
import type { Credentials } from './credentials.ts';

/** A target as the suite's test files receive it (serializable: it crosses from the main process). */
export interface TargetInfo {
  /** The name in the target file, e.g. `tencent-cbs-emulator`. */
  name: string;
  vendor: VendorId;
  /** Base URL of the endpoint. */
  endpoint: string;
  region: string;
  credentials: Credentials;
  /** Requests per second from the target file: one cap for all actions, or per action. */
  rateLimit?: number | Record<string, number>;
  /** True for an embedded emulator: the suite may arrange fixtures through its admin API. */
  emulator: boolean;
  /** Disks by role: seeded on an emulator, listed in the target file for a real account. */
  fixtures?: Fixtures;
  /** Why the suite cannot run against this target at all (every rule skips with this reason). */
  unavailable?: string;
  /** Whether rules may create and delete resources here; read it with {@link mutationsAllowed}. */
  allowMutations?: boolean;
  /** The most snapshots the run may create here. @defaultValue unlimited */
  maxSnapshots?: number;
  /** The run's id: the key of its ledger. */
  runId?: string;
  /** How long a snapshot may take to finish before the suite stops waiting for it (target file `readinessTimeoutSeconds`). */
  readinessTimeoutMs?: number;
  /** The bound on the cleanup of this target (target file `cleanupDeadlineSeconds`). @defaultValue 10 minutes */
  cleanupDeadlineMs?: number;
  /** How long a snapshot is expected to take here, for the plan's time estimate (target file `expectedCreationSeconds`). */
  expectedCreationMs?: number;
  /** True when an embedded emulator plays this URL target in a plan's rehearsal (`snapconform plan`). */
  rehearsal?: boolean;
  /** The target file's `signatures` and `formats` (src/conformance/wires.ts); every documented pair when not given. */
  wires?: { signatures?: string[]; formats?: string[] };
}

/**
 * How long a real endpoint's snapshot may take to finish unless the target file says otherwise: 30 minutes,
 * ample for the small data disks a suite's fixtures should be (creation time grows with the data written).
 */
export const DEFAULT_READINESS_TIMEOUT_SECONDS = 1800;

/** An embedded emulator finishes at once unless a rule raised its creation time (to at most seconds). */
const EMULATOR_READINESS_TIMEOUT_SECONDS = 5;

/** How long the suite waits for a snapshot of this target to finish, in ms. */
export function readinessTimeoutMs(target: TargetInfo): number {
  return target.readinessTimeoutMs ?? (target.emulator ? EMULATOR_READINESS_TIMEOUT_SECONDS : DEFAULT_READINESS_TIMEOUT_SECONDS) * 1000;
}

/**
 * Disks by the role a rule needs them in. A role that is missing makes its rules skip (or, for the disk-state
 * roles, leaves that state untested). The instance roles are taken as the target file states them: the suite
 * reads the disk's own state through DescribeDisks, but not the instance's.
 */
export interface Fixtures {
  /** Disks attached to one running instance (at least two, for snapshot groups). */
  sameInstanceDisks: string[];
  /** A disk attached to another running instance. */
  otherInstanceDisk?: string;
  unattachedDisk?: string;
  systemDisk?: string;
  /** A disk the vendor cannot snapshot (`SnapshotAbility` false). */
  noSnapshotAbilityDisk?: string;
  /** A data disk in a state the documents forbid snapshots in (e.g. being re-initialized or resized). */
  forbiddenStateDisk?: string;
  /** A data disk of a Stopped instance. */
  stoppedInstanceDisk?: string;
  /** A data disk of an instance that was created and never started. */
  neverStartedInstanceDisk?: string;
  /** A data disk of an instance locked for security (Alibaba `OperationLocks` `LockReason: security`). */
  securityLockedInstanceDisk?: string;
  /**
   * A data disk the quota rule may fill: it creates snapshots up to the documented per-disk quota (counting the
   * snapshots the disk already holds) and one more. No other rule uses it.
   */
  quotaDisk?: string;
}

/** The optional single-disk roles of {@link Fixtures}, in the order the target file documents them. */
export const DISK_ROLES = [
  'otherInstanceDisk', 'unattachedDisk', 'systemDisk', 'noSnapshotAbilityDisk', 'forbiddenStateDisk',
  'stoppedInstanceDisk', 'neverStartedInstanceDisk', 'securityLockedInstanceDisk', 'quotaDisk',
] as const satisfies ReadonlyArray<Exclude<keyof Fixtures, 'sameInstanceDisks'>>;

/** Whether a target lets rules create and delete: as its target file says, else only on an emulator. */
export function mutationsAllowed(target: TargetInfo): boolean {
  return target.allowMutations ?? target.emulator;
}
