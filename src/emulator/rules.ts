import type { Contract } from '../spec/spec-types.ts';
import type { Deviations } from './deviations/catalogue.ts';
import type { Disk, Instance } from './model.ts';

/** The behavioural rules the domain enforces, derived from a spec's `x-contract`. */
export interface DomainRules {
  /** Snapshots one disk may hold; undefined when the vendor states no quota. */
  quotaPerDisk?: number;
  /** The least time between now and a retention deadline. */
  minRetentionMs?: number;
  oneInFlightPerDisk: boolean;
  /** Whether a disk's state allows a snapshot; undefined when the vendor states no such rule. */
  diskStateAllows?: (disk: Disk) => boolean;
  /** Whether the state of the instance a disk hangs on allows a snapshot; undefined when no such rule. */
  instanceStateAllows?: (instance: Instance) => boolean;
  /** Whether the disks of an instance that was never started are refused (`instance-never-started`). */
  refuseNeverStarted: boolean;
  /** Whether the disks of an instance locked for security are refused (`instance-security-lock`). */
  refuseSecurityLocked: boolean;
  /** Whether a create naming a resource group is refused (the emulator's accounts have only their default one). */
  refuseUnknownResourceGroups: boolean;
  requireSnapshotAbility: boolean;
  sameInstanceForGroups: boolean;
  /** The name of member `index` (0-based position) of a group named `group`. */
  groupMemberName?: (group: string, index: number) => string;
  /** The name a snapshot gets when the request gives none. */
  defaultSnapshotName: string;
  /** Whether a repeated idempotency token (where a front end passes one) answers with the first result. */
  idempotencyTokens: boolean;
  /** Whether a snapshot is deleted once its retention deadline has passed. */
  retentionAutoDelete: boolean;
  /** Whether a snapshot keeps the tags of its create request. */
  keepTags: boolean;
  /** Whether a repeated idempotency token with other parameters is refused. */
  idempotencyMismatchRefused: boolean;
  /** Whether an accepted delete deletes. */
  deletesTakeEffect: boolean;
  /** Whether a snapshot's creation ever ends. */
  creationEnds: boolean;
  /** Added to a retention deadline to get the moment the snapshot is deleted (0 as documented). */
  expiryShiftMs: number;
  /** Appended to every new snapshot id ('' as documented). */
  idSuffix: string;
}

/** How a vendor front end renders a neutral disk into the value of its state field. */
export type DiskStateRenderer = (disk: Disk) => string;

/** Neutral instance states in the vendors' common words (Alibaba `Running`, `Stopped`, …). */
const INSTANCE_STATE: Record<Instance['state'], string> = { running: 'Running', stopped: 'Stopped', starting: 'Starting', stopping: 'Stopping' };

/**
 * Reads the domain rules from a spec's behavioural contract, so that the emulator enforces what the spec
 * says rather than a copy of it. Deviations (deliberate misbehaviour, for proving that rules catch it)
 * bend the rules here, in one place.
 */
export function rulesFromContract(contract: Contract, renderDiskState: DiskStateRenderer, deviations: Deviations): DomainRules {
  const quota = contract['snapshot-quota-per-disk']?.value;
  const retention = contract['minimum-retention']?.minSeconds;
  const allowedStates = contract['allowed-disk-states'];
  const allowedInstanceStates = contract['allowed-instance-states'];
  const naming = contract['group-member-naming'];
  const diskStateRules = !deviations.has('forbidden-disk-state-accepted');
  const retentionBend = deviations.has('retention-23h59-accepted') ? -60 : deviations.has('retention-24h01-refused') ? 60 : 0;
  const indexBase = naming ? naming.indexBase + (deviations.has('member-names-from-one') ? 1 : 0) : 0;
  return {
    quotaPerDisk: quota === undefined ? undefined : quota + (deviations.has('quota-off-by-one') ? 1 : 0) - (deviations.has('quota-one-early') ? 1 : 0),
    minRetentionMs: retention === undefined || deviations.has('retention-minimum-not-enforced') ? undefined : (retention + retentionBend) * 1000,
    oneInFlightPerDisk: contract['one-in-flight-per-disk'] !== undefined && !deviations.has('two-in-flight'),
    diskStateAllows: allowedStates && diskStateRules ? (disk) => allowedStates.values.includes(renderDiskState(disk)) : undefined,
    // Deviation `stopped-instance-refused`: a Stopped instance's disks are refused, though the documents allow them.
    instanceStateAllows: allowedInstanceStates
      ? (instance) => allowedInstanceStates.values.includes(INSTANCE_STATE[instance.state]) && !(deviations.has('stopped-instance-refused') && instance.state === 'stopped')
      : undefined,
    refuseNeverStarted: contract['instance-never-started'] !== undefined && !deviations.has('instance-locks-ignored'),
    refuseSecurityLocked: contract['instance-security-lock'] !== undefined && !deviations.has('instance-locks-ignored'),
    refuseUnknownResourceGroups: contract['resource-group-must-exist'] !== undefined && !deviations.has('unknown-resource-group-accepted'),
    requireSnapshotAbility: contract['snapshot-ability'] !== undefined && diskStateRules && !deviations.has('snapshot-ability-ignored'),
    sameInstanceForGroups: contract['same-instance'] !== undefined && !deviations.has('group-across-instances'),
    groupMemberName: naming
      ? (group, index) => (deviations.has('member-names-dash') ? naming.template.replace('{group}_', '{group}-') : naming.template).replace('{group}', group).replace('{index}', String(index + indexBase))
      : undefined,
    defaultSnapshotName: contract['default-snapshot-name'] ? (deviations.has('default-name-wrong') ? 'snapshot' : contract['default-snapshot-name'].value) : '',
    idempotencyTokens: !deviations.has('idempotency-ignored'),
    retentionAutoDelete: contract['retention-auto-delete'] !== undefined && !deviations.has('deadline-never-enforced'),
    keepTags: !deviations.has('tags-dropped'),
    idempotencyMismatchRefused: !deviations.has('idempotency-mismatch-ignored'),
    creationEnds: !deviations.has('snapshot-stuck-creating'),
    deletesTakeEffect: !deviations.has('delete-ignored'),
    expiryShiftMs: deviations.has('deadline-china-time') ? -8 * 3600_000 : 0,
    idSuffix: deviations.has('snapshot-id-malformed') ? '-x' : '',
  };
}
