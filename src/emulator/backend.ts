import { EmulatorClock } from './clock.ts';
import { DomainError } from './domain-error.ts';
import { emptyRegion, type Disk, type Instance, type RegionState, type Snapshot, type SnapshotGroup, type Tag } from './model.ts';
import type { DomainRules } from './rules.ts';

/** Which account and region an operation runs in. Accounts never see each other's resources. */
export interface Scope {
  account: string;
  region: string;
}

/** Fixtures to place in a region (the admin API's seed). */
export interface SeedInput {
  instances?: Array<Partial<Instance> & Pick<Instance, 'id'>>;
  disks?: Array<Partial<Disk> & Pick<Disk, 'id'>>;
}

/** A snapshot with its state computed at the time of asking. */
export interface SnapshotView extends Snapshot {
  state: 'creating' | 'completed';
  /** 0–100. */
  progress: number;
}

/** The input of a snapshot creation, in neutral terms. */
export interface CreateSnapshotInput {
  diskId: string;
  name?: string;
  description?: string;
  /** Retention deadline, epoch ms. */
  deadline?: number;
  tags?: Tag[];
  /**
   * An idempotency token (Alibaba `ClientToken`) with a fingerprint of the other parameters: the same pair
   * again returns the first result; the same token with another fingerprint is refused.
   */
  idempotency?: { token: string; fingerprint: string };
  /**
   * The resource group the create names (Alibaba `ResourceGroupId`), if any. The emulator's accounts have
   * only their default group, which a request chooses by naming none: any group named does not exist.
   */
  resourceGroup?: string;
}

/** How new ids are made; each vendor front end supplies its own shapes. */
export interface IdFactory {
  snapshot(): string;
  group(): string;
}

/** Options of a backend. */
export interface BackendOptions {
  rules: DomainRules;
  ids: IdFactory;
  clock?: EmulatorClock;
  /**
   * How long a snapshot stays in its creating state, in ms. @defaultValue 0 (done at once). The admin API
   * raises it to make "one snapshot in flight per disk" observable.
   */
  creationMs?: number;
}

/**
 * The vendor-neutral state and behaviour of a block-storage snapshot service: accounts, regions,
 * instances, disks, snapshots and groups, with the spec's behavioural contract enforced through
 * {@link DomainRules}. It knows nothing of HTTP or of any vendor's wire format.
 */
export class SnapshotBackend {
  readonly clock: EmulatorClock;
  creationMs: number;
  /** What `creationMs` returns to on an admin reset: 0 for the suite's emulators, a few seconds standalone. */
  defaultCreationMs = 0;
  private rules: DomainRules;
  private readonly ids: IdFactory;
  private readonly regions = new Map<string, RegionState>();
  private readonly tokens = new Map<string, { fingerprint: string; snapshotId: string }>();

  constructor(options: BackendOptions) {
    this.rules = options.rules;
    this.ids = options.ids;
    this.clock = options.clock ?? new EmulatorClock();
    this.creationMs = options.creationMs ?? 0;
  }

  /** Replaces the rules (the admin API switches deviations on and off). */
  setRules(rules: DomainRules): void {
    this.rules = rules;
  }

  /** Forgets every account's state. */
  reset(): void {
    this.regions.clear();
    this.tokens.clear();
    this.peakSnapshots = 0;
  }

  /** The most snapshots the backend held at once (every account and region), since it started or was reset. */
  peakSnapshots = 0;

  private notePeak(): void {
    let live = 0;
    for (const state of this.regions.values()) live += state.snapshots.size;
    if (live > this.peakSnapshots) this.peakSnapshots = live;
  }

  private region(scope: Scope): RegionState {
    const key = `${scope.account}\u0000${scope.region}`;
    let state = this.regions.get(key);
    if (!state) {
      state = emptyRegion();
      this.regions.set(key, state);
    }
    this.expireDeadlines(state);
    return state;
  }

  // Retention deadlines are enforced lazily, on every access, so a frozen or advanced clock is obeyed.
  private expireDeadlines(state: RegionState): void {
    if (!this.rules.retentionAutoDelete) return;
    const now = this.clock.now();
    for (const snapshot of state.snapshots.values()) {
      if (snapshot.deadline !== undefined && snapshot.deadline <= now) state.snapshots.delete(snapshot.id);
    }
  }

  /** Places instances and disks in a region; existing ids are replaced. */
  seed(scope: Scope, input: SeedInput): void {
    const state = this.region(scope);
    const now = this.clock.now();
    for (const instance of input.instances ?? []) {
      state.instances.set(instance.id, { state: 'running', zone: `${scope.region}-1`, ...instance });
    }
    for (const disk of input.disks ?? []) {
      state.disks.set(disk.id, {
        name: disk.id, zone: `${scope.region}-1`, sizeGiB: 50, usage: 'data', type: 'ssd',
        state: disk.instanceId ? 'attached' : 'unattached', snapshotAbility: true, encrypted: false, createdAt: now, ...disk,
      });
    }
  }

  /** The disks of a region, optionally only these ids (unknown ids are left out, as the vendors do). */
  describeDisks(scope: Scope, ids?: string[]): Disk[] {
    const state = this.region(scope);
    const all = [...state.disks.values()];
    return ids ? all.filter((d) => ids.includes(d.id)) : all;
  }

  private view(snapshot: Snapshot, now: number): SnapshotView {
    const done = now >= snapshot.completesAt;
    const span = Math.max(1, snapshot.completesAt - snapshot.createdAt);
    const progress = done ? 100 : Math.min(99, Math.floor(((now - snapshot.createdAt) / span) * 100));
    return { ...snapshot, state: done ? 'completed' : 'creating', progress };
  }

  /** Snapshots of a region, filtered by id and/or disk; unknown ids are simply absent. */
  describeSnapshots(scope: Scope, filter: { ids?: string[]; diskIds?: string[] } = {}): SnapshotView[] {
    const now = this.clock.now();
    return [...this.region(scope).snapshots.values()]
      .filter((s) => (filter.ids ? filter.ids.includes(s.id) : true) && (filter.diskIds ? filter.diskIds.includes(s.diskId) : true))
      .map((s) => this.view(s, now));
  }

  /** Checks everything a new snapshot of `disk` must satisfy, in the order a service would. */
  private admit(state: RegionState, diskId: string, deadline: number | undefined, pending = 0): Disk {
    const now = this.clock.now();
    const { rules } = this;
    if (deadline !== undefined && rules.minRetentionMs !== undefined && deadline - now < rules.minRetentionMs) {
      throw new DomainError('minimum-retention', `the retention deadline must be at least ${rules.minRetentionMs / 1000} s from now`);
    }
    const disk = state.disks.get(diskId);
    if (!disk) throw new DomainError('disk-must-exist', `disk ${diskId} does not exist`);
    if (rules.requireSnapshotAbility && !disk.snapshotAbility) {
      throw new DomainError('snapshot-ability', `disk ${diskId} cannot be snapshotted`);
    }
    if (rules.diskStateAllows && !rules.diskStateAllows(disk)) {
      throw new DomainError('allowed-disk-states', `disk ${diskId} is ${disk.state}, which does not allow a snapshot`);
    }
    const instance = disk.instanceId === undefined ? undefined : state.instances.get(disk.instanceId);
    if (rules.instanceStateAllows && instance && !rules.instanceStateAllows(instance)) {
      throw new DomainError('allowed-instance-states', `instance ${instance.id} is ${instance.state}, which does not allow a snapshot of its disks`);
    }
    if (rules.refuseNeverStarted && instance?.neverStarted) {
      throw new DomainError('instance-never-started', `instance ${instance.id} has never been started`);
    }
    if (rules.refuseSecurityLocked && instance?.securityLocked) {
      throw new DomainError('instance-security-lock', `instance ${instance.id} is locked for security`);
    }
    const ofDisk = [...state.snapshots.values()].filter((s) => s.diskId === diskId);
    if (rules.oneInFlightPerDisk && ofDisk.some((s) => now < s.completesAt)) {
      throw new DomainError('one-in-flight-per-disk', `a snapshot of disk ${diskId} is still being created`);
    }
    if (rules.quotaPerDisk !== undefined && ofDisk.length + pending >= rules.quotaPerDisk) {
      throw new DomainError('snapshot-quota-per-disk', `disk ${diskId} already holds ${ofDisk.length} snapshots (quota ${rules.quotaPerDisk})`);
    }
    return disk;
  }

  private newSnapshot(disk: Disk, input: Omit<CreateSnapshotInput, 'diskId'>, groupId?: string): Snapshot {
    const now = this.clock.now();
    return {
      // Deviation `snapshot-id-malformed`: an id outside the documented pattern.
      id: `${this.ids.snapshot()}${this.rules.idSuffix}`,
      name: input.name ?? this.rules.defaultSnapshotName,
      description: input.description,
      diskId: disk.id,
      diskUsage: disk.usage,
      diskSizeGiB: disk.sizeGiB,
      zone: disk.zone,
      encrypted: disk.encrypted,
      // Deviation `tags-dropped` (src/emulator/rules.ts): the request's tags are not kept.
      tags: this.rules.keepTags ? input.tags ?? [] : [],
      createdAt: now,
      // Deviation `snapshot-stuck-creating`: creation never ends.
      completesAt: this.rules.creationEnds ? now + this.creationMs : Number.POSITIVE_INFINITY,
      // Deviation `deadline-china-time`: the expiry is reckoned eight hours early.
      deadline: input.deadline === undefined ? undefined : input.deadline + this.rules.expiryShiftMs,
      groupId,
    };
  }

  /** Creates a snapshot of one disk. @throws {@link DomainError} naming the contract rule it breaks. */
  createSnapshot(scope: Scope, input: CreateSnapshotInput): SnapshotView {
    const state = this.region(scope);
    const tokenKey = this.rules.idempotencyTokens && input.idempotency && `${scope.account}\u0000${scope.region}\u0000${input.idempotency.token}`;
    const earlier = tokenKey ? this.tokens.get(tokenKey) : undefined;
    if (earlier) {
      // Deviation `idempotency-mismatch-ignored` (src/emulator/rules.ts): other parameters are not compared.
      if (this.rules.idempotencyMismatchRefused && earlier.fingerprint !== input.idempotency!.fingerprint) {
        throw new DomainError('idempotency', `the token ${input.idempotency!.token} was used with other parameters`);
      }
      const first = state.snapshots.get(earlier.snapshotId);
      // The first result again, even if that snapshot is gone since.
      if (first) return this.view(first, this.clock.now());
      return { ...this.newSnapshot(this.admitted(state, input.diskId), input), id: earlier.snapshotId, state: 'completed', progress: 100 };
    }
    if (input.resourceGroup !== undefined && this.rules.refuseUnknownResourceGroups) {
      throw new DomainError('resource-group-must-exist', `resource group ${input.resourceGroup} does not exist`);
    }
    const disk = this.admit(state, input.diskId, input.deadline);
    const snapshot = this.newSnapshot(disk, input);
    state.snapshots.set(snapshot.id, snapshot);
    this.notePeak();
    if (tokenKey) this.tokens.set(tokenKey, { fingerprint: input.idempotency!.fingerprint, snapshotId: snapshot.id });
    return this.view(snapshot, this.clock.now());
  }

  private admitted(state: RegionState, diskId: string): Disk {
    const disk = state.disks.get(diskId);
    if (!disk) throw new DomainError('disk-must-exist', `disk ${diskId} does not exist`);
    return disk;
  }

  /**
   * Snapshots several disks of one instance together. Members are named by the rules' naming template.
   * @throws {@link DomainError} naming the contract rule it breaks; then nothing is created.
   */
  createSnapshotGroup(scope: Scope, input: { diskIds: string[]; name?: string; tags?: Tag[] }): SnapshotGroup {
    const state = this.region(scope);
    const disks = input.diskIds.map((id) => this.admit(state, id, undefined));
    if (this.rules.sameInstanceForGroups) {
      const instances = new Set(disks.map((d) => d.instanceId));
      if (instances.size !== 1 || instances.has(undefined)) {
        throw new DomainError('same-instance', 'the disks of a snapshot group must be attached to one instance');
      }
    }
    const name = input.name ?? this.rules.defaultSnapshotName;
    const group: SnapshotGroup = { id: this.ids.group(), name, snapshotIds: [], tags: input.tags ?? [], createdAt: this.clock.now() };
    disks.forEach((disk, index) => {
      const member = this.newSnapshot(disk, { name: this.rules.groupMemberName?.(name, index) ?? name, tags: input.tags }, group.id);
      state.snapshots.set(member.id, member);
      this.notePeak();
      group.snapshotIds.push(member.id);
    });
    state.groups.set(group.id, group);
    return group;
  }

  /** Snapshot groups of a region, optionally only these ids, with their state from their members'. */
  describeSnapshotGroups(scope: Scope, ids?: string[]): Array<SnapshotGroup & { state: 'creating' | 'completed'; progress: number }> {
    const state = this.region(scope);
    const now = this.clock.now();
    return [...state.groups.values()]
      .filter((g) => (ids ? ids.includes(g.id) : true))
      .map((group) => {
        const members = group.snapshotIds.map((id) => state.snapshots.get(id)).filter((s): s is Snapshot => s !== undefined).map((s) => this.view(s, now));
        const progress = members.length === 0 ? 100 : Math.min(...members.map((m) => m.progress));
        return { ...group, state: progress === 100 ? 'completed' : 'creating', progress };
      });
  }

  /** Deletes snapshot groups with their member snapshots, all or none. */
  deleteSnapshotGroups(scope: Scope, ids: string[]): void {
    const state = this.region(scope);
    const now = this.clock.now();
    for (const id of ids) {
      const group = state.groups.get(id);
      if (!group) throw new DomainError('group-not-found', `snapshot group ${id} does not exist`);
      if (group.snapshotIds.some((s) => now < (state.snapshots.get(s)?.completesAt ?? 0))) {
        throw new DomainError('snapshot-busy', `snapshot group ${id} is still being created`);
      }
    }
    for (const id of ids) {
      for (const member of state.groups.get(id)!.snapshotIds) state.snapshots.delete(member);
      state.groups.delete(id);
    }
  }

  /**
   * Deletes snapshots, all or none. @throws {@link DomainError} when one is unknown, or still being created
   * unless `cancelCreating` (Alibaba: deleting a snapshot in creation cancels the creation).
   */
  deleteSnapshots(scope: Scope, ids: string[], options: { cancelCreating?: boolean } = {}): void {
    const state = this.region(scope);
    const now = this.clock.now();
    for (const id of ids) {
      const snapshot = state.snapshots.get(id);
      if (!snapshot) throw new DomainError('snapshot-not-found', `snapshot ${id} does not exist`);
      if (now < snapshot.completesAt && !options.cancelCreating) throw new DomainError('snapshot-busy', `snapshot ${id} is still being created`);
    }
    // Deviation `delete-ignored`: the delete is answered as done and nothing is deleted.
    if (!this.rules.deletesTakeEffect) return;
    for (const id of ids) state.snapshots.delete(id);
  }

  /**
   * Everything the backend holds, as plain JSON-able data (Maps become arrays): every account's regions with
   * their instances, disks, snapshots and groups, and the idempotency tokens. Snapshots whose retention
   * deadline has passed are dropped first. The clock, the rules and `creationMs` are configuration, not
   * state, and are left out. {@link importState} reads it back.
   */
  exportState(): {
    regions: Array<{ account: string; region: string; instances: Instance[]; disks: Disk[]; snapshots: Snapshot[]; groups: SnapshotGroup[] }>;
    tokens: Array<{ account: string; region: string; token: string; fingerprint: string; snapshotId: string }>;
  } {
    const regions = [...this.regions].map(([key, state]) => {
      this.expireDeadlines(state);
      const [account = '', region = ''] = key.split('\u0000');
      return {
        account, region,
        instances: [...state.instances.values()],
        disks: [...state.disks.values()],
        snapshots: [...state.snapshots.values()],
        groups: [...state.groups.values()],
      };
    });
    const tokens = [...this.tokens].map(([key, value]) => {
      const [account = '', region = '', ...token] = key.split('\u0000');
      return { account, region, token: token.join('\u0000'), fingerprint: value.fingerprint, snapshotId: value.snapshotId };
    });
    return structuredClone({ regions, tokens });
  }

  /** Replaces all state with what {@link exportState} produced (ids, times and tokens as they were). */
  importState(state: ReturnType<SnapshotBackend['exportState']>): void {
    const copy = structuredClone(state);
    this.reset();
    for (const r of copy.regions) {
      const region = emptyRegion();
      for (const instance of r.instances) region.instances.set(instance.id, instance);
      for (const disk of r.disks) region.disks.set(disk.id, disk);
      for (const snapshot of r.snapshots) region.snapshots.set(snapshot.id, snapshot);
      for (const group of r.groups) region.groups.set(group.id, group);
      this.regions.set(`${r.account}\u0000${r.region}`, region);
    }
    for (const t of copy.tokens) {
      this.tokens.set(`${t.account}\u0000${t.region}\u0000${t.token}`, { fingerprint: t.fingerprint, snapshotId: t.snapshotId });
    }
  }
}
