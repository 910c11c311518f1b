import { describe, expect, it } from 'vitest';
import { rateFor } from '../../src/conformance/client-layers/transport-policy.ts';
import { rehearsalWorld } from '../../src/conformance/global-setup.ts';
import type { LedgerEntry } from '../../src/conformance/ledger.ts';
import { loadSpec } from '../../src/spec/load-spec.ts';
import { planTarget } from '../../src/plan/plan.ts';
import { tencentCbs } from '../../src/vendors/tencent-cbs/adapter.ts';
import { SPEC_FILES } from '../../src/vendors/registry.ts';

const line = (state: LedgerEntry['state'], key: string, extra: Partial<LedgerEntry> = {}): LedgerEntry => ({
  runId: 'r', target: 't', vendor: 'tencent-cbs', action: 'CreateSnapshot', at: '2026-12-04T00:00:00Z', state, key, ...extra,
});

describe('planTarget', () => {
  it('counts creates by rule and disk, what the budget counts, and the bound set by the busiest disk or action', () => {
    const ledger = [
      line('sending', 'a', { rule: 'snapshot.create.quota', disks: ['d1'] }), line('created', 'a', { resourceId: 's1' }),
      line('sending', 'b', { rule: 'snapshot.create.quota', disks: ['d1'] }), line('refused', 'b'),
      line('sending', 'c', { rule: 'snapshot.group.same-instance', disks: ['d1', 'd2'] }), line('unknown', 'c'),
    ];
    const base = { target: 't', vendor: 'tencent-cbs', ledger, peakLive: 2, creationMs: 10_000 };
    const plan = planTarget({ ...base, budget: 1, actions: ['CreateSnapshot', 'CreateSnapshot', 'DescribeSnapshots'], rateOf: () => 20 });
    expect(plan).toMatchObject({
      creates: 3, created: 2, withinBudget: false, byRule: { 'snapshot.create.quota': 2, 'snapshot.group.same-instance': 1 },
      byDisk: { d1: 3, d2: 1 }, lowerBoundMs: 30_000, limitedBy: 'disk d1 (3 creations)', calls: { CreateSnapshot: 2, DescribeSnapshots: 1 },
    });
    // At one request every 10 s, the three describes take longer than the disk's creations.
    const slow = planTarget({ ...base, budget: 2, creationMs: 1000, actions: ['DescribeSnapshots', 'DescribeSnapshots', 'DescribeSnapshots', 'DescribeSnapshots'], rateOf: (a) => (a === 'DescribeSnapshots' ? 0.1 : undefined) });
    expect(slow).toMatchObject({ withinBudget: true, lowerBoundMs: 40_000, limitedBy: 'action DescribeSnapshots at 0.1/s' });
  });
});

describe('rateFor', () => {
  it('paces at the lower of the documented and configured limits, divided among the shards sharing the account', () => {
    const spec = loadSpec(SPEC_FILES['tencent-cbs']);
    const documented = spec.action('CreateSnapshot').rateLimit!.perSecond;
    expect(rateFor({ emulator: false }, spec, 'CreateSnapshot', 1)).toBe(documented);
    expect(rateFor({ emulator: false }, spec, 'CreateSnapshot', 4)).toBe(documented / 4);
    expect(rateFor({ emulator: false, rateLimit: 2 }, spec, 'CreateSnapshot', 2)).toBe(1);
    expect(rateFor({ emulator: true }, spec, 'CreateSnapshot', 2)).toBeUndefined();
  });
});

describe('rehearsalWorld', () => {
  it('gives each role the target names its disk in the standard shape, and leaves out roles it does not name', () => {
    const standard = tencentCbs.emulator!.fixtures('ap-guangzhou');
    const { seed, roles } = rehearsalWorld(standard, { sameInstanceDisks: ['disk-aaaaaaaa', 'disk-bbbbbbbb', 'disk-cccccccc'], stoppedInstanceDisk: 'disk-ssssssss' });
    const shape = (id: string) => seed.disks!.find((d) => d.id === id);
    expect(seed.disks!.map((d) => d.id)).toEqual(['disk-aaaaaaaa', 'disk-bbbbbbbb', 'disk-cccccccc', 'disk-ssssssss']);
    expect(shape('disk-cccccccc')!.instanceId).toBe(standard.seed.disks![0]!.instanceId);
    const stoppedShape = standard.seed.disks!.find((d) => d.id === standard.roles.stoppedInstanceDisk)!;
    expect(shape('disk-ssssssss')!.instanceId).toBe(stoppedShape.instanceId);
    expect(roles.stoppedInstanceDisk).toBe('disk-ssssssss');
  });
});
