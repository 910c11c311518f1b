/**
 * The vendor-neutral state an emulator keeps. Field values are neutral too (`attached`, `creating`);
 * each vendor front end renders them in its own words (Tencent `ATTACHED`, Zenlayer `IN_USE`, …).
 */

/** A key/value tag. */
export interface Tag {
  key: string;
  value: string;
}

/** Where a disk is in its life, in neutral words. */
export type DiskState = 'attached' | 'unattached' | 'attaching' | 'detaching' | 'creating' | 'rollbacking' | 'expanding' | 'deleting';

/** A virtual machine the disks hang on. */
export interface Instance {
  id: string;
  state: 'running' | 'stopped' | 'starting' | 'stopping';
  zone: string;
  /** True for an instance created but never started (Alibaba: its disks cannot be snapshotted). */
  neverStarted?: boolean;
  /** True for an instance locked for security (Alibaba `OperationLocks` with `LockReason: security`). */
  securityLocked?: boolean;
}

/** A block storage disk. */
export interface Disk {
  id: string;
  name: string;
  zone: string;
  sizeGiB: number;
  usage: 'system' | 'data';
  type: string;
  state: DiskState;
  instanceId?: string;
  /** False for disks the vendor cannot snapshot (Tencent/Zenlayer `SnapshotAbility`). */
  snapshotAbility: boolean;
  encrypted: boolean;
  createdAt: number;
}

/** A point-in-time copy of a disk. */
export interface Snapshot {
  id: string;
  name: string;
  description?: string;
  diskId: string;
  diskUsage: 'system' | 'data';
  diskSizeGiB: number;
  zone: string;
  encrypted: boolean;
  tags: Tag[];
  createdAt: number;
  /** When the asynchronous creation finishes; `state` is `creating` until then. */
  completesAt: number;
  /** Epoch ms when the vendor deletes it automatically (retention), if any. */
  deadline?: number;
  groupId?: string;
}

/** Several snapshots of one instance's disks taken together. */
export interface SnapshotGroup {
  id: string;
  name: string;
  snapshotIds: string[];
  tags: Tag[];
  createdAt: number;
}

/** The state of one account in one region. */
export interface RegionState {
  instances: Map<string, Instance>;
  disks: Map<string, Disk>;
  snapshots: Map<string, Snapshot>;
  groups: Map<string, SnapshotGroup>;
}

/** Creates an empty region. */
export function emptyRegion(): RegionState {
  return { instances: new Map(), disks: new Map(), snapshots: new Map(), groups: new Map() };
}
