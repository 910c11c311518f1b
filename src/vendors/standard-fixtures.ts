import type { SeedInput } from '../emulator/backend.ts';
import type { Fixtures } from '../conformance/target.ts';

/**
 * The fixtures every emulator is seeded with, one disk per role a rule may need: two disks on one
 * instance (for groups), a system disk on it, a disk on another instance, an unattached disk, and a disk
 * without snapshot ability. Only the id shapes differ by vendor.
 */
export function standardFixtures(zone: string, instanceId: (n: number) => string, diskId: (n: number) => string): { seed: SeedInput; roles: Fixtures } {
  const [first, second] = [instanceId(1), instanceId(2)];
  const disk = Array.from({ length: 6 }, (_, i) => diskId(i + 1));
  return {
    seed: {
      instances: [{ id: first, zone }, { id: second, zone }],
      disks: [
        { id: disk[0]!, instanceId: first, zone },
        { id: disk[1]!, instanceId: first, zone },
        { id: disk[2]!, instanceId: first, zone, usage: 'system' },
        { id: disk[3]!, instanceId: second, zone },
        { id: disk[4]!, zone },
        { id: disk[5]!, instanceId: second, zone, snapshotAbility: false },
      ],
    },
    roles: {
      sameInstanceDisks: [disk[0]!, disk[1]!],
      systemDisk: disk[2]!,
      otherInstanceDisk: disk[3]!,
      unattachedDisk: disk[4]!,
      noSnapshotAbilityDisk: disk[5]!,
    },
  };
}
