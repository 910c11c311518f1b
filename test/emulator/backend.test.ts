import { describe, expect, it } from 'vitest';
import { SnapshotBackend } from '../../src/emulator/backend.ts';
import { Deviations } from '../../src/emulator/deviations/catalogue.ts';
import { DomainError } from '../../src/emulator/domain-error.ts';
import { rulesFromContract } from '../../src/emulator/rules.ts';
import { loadSpec } from '../../src/spec/load-spec.ts';
import { SPEC_FILES } from '../../src/vendors/registry.ts';

const scope = { account: 'a1', region: 'r1' };
let n = 0;

function backend(vendor: keyof typeof SPEC_FILES = 'tencent-cbs', deviations: string[] = []) {
  const spec = loadSpec(SPEC_FILES[vendor]);
  const b = new SnapshotBackend({
    // Disk states in each vendor's words, as its front end renders them (Alibaba In_use, Zenlayer IN_USE).
    rules: rulesFromContract(spec.contract, (d) => (vendor === 'alibaba-ecs'
      ? ({ attached: 'In_use', unattached: 'Available' } as Record<string, string>)[d.state]
      : ({ attached: 'IN_USE', unattached: 'AVAILABLE' } as Record<string, string>)[d.state]) ?? d.state.toUpperCase(), new Deviations(deviations)),
    ids: { snapshot: () => `snap-${++n}`, group: () => `csnap-${++n}` },
  });
  b.seed(scope, {
    instances: [{ id: 'i1' }, { id: 'i2' }],
    disks: [{ id: 'd1', instanceId: 'i1' }, { id: 'd2', instanceId: 'i1' }, { id: 'd3', instanceId: 'i2' }, { id: 'd4', snapshotAbility: false }],
  });
  return b;
}

const refusal = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error.rule;
    throw error;
  }
  return 'accepted';
};

describe('SnapshotBackend enforces the contract read from the spec', () => {
  it('refuses the (quota+1)-th snapshot of one disk (Tencent: 64)', () => {
    const b = backend();
    for (let i = 0; i < 64; i++) b.createSnapshot(scope, { diskId: 'd1' });
    expect(refusal(() => b.createSnapshot(scope, { diskId: 'd1' }))).toBe('snapshot-quota-per-disk');
    expect(refusal(() => b.createSnapshot(scope, { diskId: 'd2' }))).toBe('accepted');
  });

  it('refuses a retention deadline under 24 hours ahead, and deletes a snapshot when its deadline passes', () => {
    const b = backend();
    b.clock.freeze(Date.parse('2030-01-01T00:00:00Z'));
    const now = b.clock.now();
    expect(refusal(() => b.createSnapshot(scope, { diskId: 'd1', deadline: now + 86_399_000 }))).toBe('minimum-retention');
    const s = b.createSnapshot(scope, { diskId: 'd1', deadline: now + 86_400_000 });
    b.clock.advance(86_400_000);
    expect(b.describeSnapshots(scope, { ids: [s.id] })).toEqual([]);
  });

  it('keeps one snapshot in flight per disk while creation takes time', () => {
    const b = backend();
    b.clock.freeze();
    b.creationMs = 10_000;
    const s = b.createSnapshot(scope, { diskId: 'd1' });
    expect(b.describeSnapshots(scope, { ids: [s.id] })[0]).toMatchObject({ state: 'creating', progress: 0 });
    expect(refusal(() => b.createSnapshot(scope, { diskId: 'd1' }))).toBe('one-in-flight-per-disk');
    b.clock.advance(10_000);
    expect(b.describeSnapshots(scope, { ids: [s.id] })[0]).toMatchObject({ state: 'completed', progress: 100 });
  });

  it('names group members <group>_<index> from 0 and refuses disks on two instances', () => {
    const b = backend();
    const group = b.createSnapshotGroup(scope, { diskIds: ['d1', 'd2'], name: 'testSnapshotGroup' });
    expect(b.describeSnapshots(scope, { ids: group.snapshotIds }).map((s) => s.name)).toEqual(['testSnapshotGroup_0', 'testSnapshotGroup_1']);
    expect(refusal(() => b.createSnapshotGroup(scope, { diskIds: ['d1', 'd3'] }))).toBe('same-instance');
  });

  it('refuses unknown disks and disks without snapshot ability; keeps accounts apart', () => {
    const b = backend();
    expect(refusal(() => b.createSnapshot(scope, { diskId: 'nope' }))).toBe('disk-must-exist');
    expect(refusal(() => b.createSnapshot(scope, { diskId: 'd4' }))).toBe('snapshot-ability');
    expect(refusal(() => b.createSnapshot({ account: 'a2', region: 'r1' }, { diskId: 'd1' }))).toBe('disk-must-exist');
  });

  it("applies Zenlayer's allowed disk states", () => {
    const b = backend('zenlayer-zec');
    b.seed(scope, { disks: [{ id: 'busy', instanceId: 'i1', state: 'detaching' }] });
    expect(refusal(() => b.createSnapshot(scope, { diskId: 'busy' }))).toBe('allowed-disk-states');
  });

  it("applies Alibaba's instance states (Running or Stopped) and only where the spec states the rule", () => {
    const alibaba = backend('alibaba-ecs');
    alibaba.seed(scope, { instances: [{ id: 'i-starting', state: 'starting' }, { id: 'i-stopped', state: 'stopped' }], disks: [{ id: 'on-starting', instanceId: 'i-starting' }, { id: 'on-stopped', instanceId: 'i-stopped' }] });
    expect(refusal(() => alibaba.createSnapshot(scope, { diskId: 'on-starting' }))).toBe('allowed-instance-states');
    expect(refusal(() => alibaba.createSnapshot(scope, { diskId: 'on-stopped' }))).toBe('accepted');
    const tencent = backend('tencent-cbs');
    tencent.seed(scope, { instances: [{ id: 'i-starting', state: 'starting' }], disks: [{ id: 'on-starting', instanceId: 'i-starting' }] });
    expect(refusal(() => tencent.createSnapshot(scope, { diskId: 'on-starting' }))).toBe('accepted');
  });

  it('bends only the rule a deviation names', () => {
    const b = backend('tencent-cbs', ['retention-minimum-not-enforced']);
    expect(refusal(() => b.createSnapshot(scope, { diskId: 'd1', deadline: b.clock.now() + 1000 }))).toBe('accepted');
  });
});
