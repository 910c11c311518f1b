import { describe, expect, it } from 'vitest';
import { SnapshotBackend } from '../../src/emulator/backend.ts';
import { Deviations } from '../../src/emulator/deviations/catalogue.ts';
import { DomainError } from '../../src/emulator/domain-error.ts';
import { rulesFromContract } from '../../src/emulator/rules.ts';
import { loadSpec } from '../../src/spec/load-spec.ts';
import { SPEC_FILES } from '../../src/vendors/registry.ts';

// Each contract deviation bends exactly its rule, and only when it is on: the same step is refused (or
// handled) as documented without it, and goes the other way with it.
const scope = { account: 'a1', region: 'r1' };
let n = 0;

function backend(vendor: keyof typeof SPEC_FILES, deviations: string[] = []): SnapshotBackend {
  const spec = loadSpec(SPEC_FILES[vendor]);
  const words: Record<string, string> = vendor === 'alibaba-ecs' ? { attached: 'In_use', unattached: 'Available' } : { attached: 'IN_USE', unattached: 'AVAILABLE' };
  const b = new SnapshotBackend({
    rules: rulesFromContract(spec.contract, (d) => words[d.state] ?? d.state.toUpperCase(), new Deviations(deviations)),
    ids: { snapshot: () => `snap-${++n}`, group: () => `csnap-${++n}` },
  });
  b.seed(scope, {
    instances: [{ id: 'i1' }, { id: 'i2' }],
    disks: [{ id: 'd1', instanceId: 'i1' }, { id: 'd2', instanceId: 'i1' }, { id: 'd3', instanceId: 'i2' }, { id: 'd4' }, { id: 'd5', instanceId: 'i2', snapshotAbility: false }],
  });
  return b;
}

const outcome = (fn: () => unknown): string => {
  try {
    fn();
    return 'accepted';
  } catch (error) {
    if (error instanceof DomainError) return error.rule;
    throw error;
  }
};

describe('contract deviations', () => {
  it('quota-off-by-one accepts one snapshot past the quota, and refuses the next', () => {
    for (const [deviations, accepted] of [[[], 64], [['quota-off-by-one'], 65]] as const) {
      const b = backend('tencent-cbs', [...deviations]);
      for (let i = 0; i < accepted; i++) b.createSnapshot(scope, { diskId: 'd1' });
      expect(outcome(() => b.createSnapshot(scope, { diskId: 'd1' }))).toBe('snapshot-quota-per-disk');
    }
  });

  it('two-in-flight accepts a second create while the first is being created', () => {
    for (const [deviations, second] of [[[], 'one-in-flight-per-disk'], [['two-in-flight'], 'accepted']] as const) {
      const b = backend('alibaba-ecs', [...deviations]);
      b.creationMs = 10_000;
      b.createSnapshot(scope, { diskId: 'd1' });
      expect(outcome(() => b.createSnapshot(scope, { diskId: 'd1' }))).toBe(second);
    }
  });

  it('forbidden-disk-state-accepted snapshots an unattached disk (Alibaba) and a disk without snapshot ability (Zenlayer)', () => {
    expect(outcome(() => backend('alibaba-ecs').createSnapshot(scope, { diskId: 'd4' }))).toBe('allowed-disk-states');
    expect(outcome(() => backend('zenlayer-zec').createSnapshot(scope, { diskId: 'd5' }))).toBe('snapshot-ability');
    expect(outcome(() => backend('alibaba-ecs', ['forbidden-disk-state-accepted']).createSnapshot(scope, { diskId: 'd4' }))).toBe('accepted');
    expect(outcome(() => backend('zenlayer-zec', ['forbidden-disk-state-accepted']).createSnapshot(scope, { diskId: 'd5' }))).toBe('accepted');
  });

  it('idempotency-ignored makes a new snapshot for a repeated token', () => {
    const token = { token: 't1', fingerprint: 'f1' };
    const kept = backend('alibaba-ecs');
    expect(kept.createSnapshot(scope, { diskId: 'd1', idempotency: token }).id).toBe(kept.createSnapshot(scope, { diskId: 'd1', idempotency: token }).id);
    const ignored = backend('alibaba-ecs', ['idempotency-ignored']);
    expect(ignored.createSnapshot(scope, { diskId: 'd1', idempotency: token }).id).not.toBe(ignored.createSnapshot(scope, { diskId: 'd1', idempotency: token }).id);
  });

  it('group-across-instances accepts a group of disks on two instances', () => {
    expect(outcome(() => backend('tencent-cbs').createSnapshotGroup(scope, { diskIds: ['d1', 'd3'] }))).toBe('same-instance');
    expect(outcome(() => backend('tencent-cbs', ['group-across-instances']).createSnapshotGroup(scope, { diskIds: ['d1', 'd3'] }))).toBe('accepted');
  });

  it('member-names-from-one numbers group members from indexBase + 1', () => {
    for (const [deviations, names] of [[[], ['g_0', 'g_1']], [['member-names-from-one'], ['g_1', 'g_2']]] as const) {
      const b = backend('tencent-cbs', [...deviations]);
      const group = b.createSnapshotGroup(scope, { diskIds: ['d1', 'd2'], name: 'g' });
      expect(b.describeSnapshots(scope, { ids: group.snapshotIds }).map((s) => s.name).sort()).toEqual(names);
    }
  });

  it('deadline-never-enforced keeps a snapshot past its deadline', () => {
    for (const [deviations, left] of [[[], 0], [['deadline-never-enforced'], 1]] as const) {
      const b = backend('zenlayer-zec', [...deviations]);
      b.createSnapshot(scope, { diskId: 'd1', deadline: b.clock.now() + 86_400_000 + 60_000 });
      b.clock.advance(86_400_000 + 120_000);
      expect(b.describeSnapshots(scope)).toHaveLength(left);
    }
  });
});
