import type { SeedInput } from '../emulator/backend.ts';
import type { Fixtures } from '../conformance/target.ts';

/**
 * The fixtures every emulator is seeded with, one disk per role a rule may need: two disks on one running
 * instance (for groups), a system disk on it, a disk on a second running instance, an unattached disk, a disk
 * without snapshot ability, a disk being re-initialized (a state the documents forbid snapshots in), a disk
 * of a Stopped instance, of a never-started instance, of an instance locked for security, and a disk for the
 * quota rule to fill. Only the id shapes differ by vendor (`instanceId(1..5)`, `diskId(1..11)`).
 */
export function standardFixtures(zone: string, instanceId: (n: number) => string, diskId: (n: number) => string): { seed: SeedInput; roles: Fixtures } {
  const [first, second, stopped, neverStarted, locked] = [1, 2, 3, 4, 5].map(instanceId) as [string, string, string, string, string];
  const disk = Array.from({ length: 11 }, (_, i) => diskId(i + 1));
  return {
    seed: {
      instances: [
        { id: first, zone }, { id: second, zone },
        { id: stopped, zone, state: 'stopped' },
        { id: neverStarted, zone, state: 'stopped', neverStarted: true },
        { id: locked, zone, securityLocked: true },
      ],
      disks: [
        { id: disk[0]!, instanceId: first, zone },
        { id: disk[1]!, instanceId: first, zone },
        { id: disk[2]!, instanceId: first, zone, usage: 'system' },
        { id: disk[3]!, instanceId: second, zone },
        { id: disk[4]!, zone },
        { id: disk[5]!, instanceId: second, zone, snapshotAbility: false },
        { id: disk[6]!, instanceId: second, zone, state: 'rollbacking' },
        { id: disk[7]!, instanceId: stopped, zone },
        { id: disk[8]!, instanceId: neverStarted, zone },
        { id: disk[9]!, instanceId: locked, zone },
        { id: disk[10]!, instanceId: second, zone },
      ],
    },
    roles: {
      sameInstanceDisks: [disk[0]!, disk[1]!],
      systemDisk: disk[2]!,
      otherInstanceDisk: disk[3]!,
      unattachedDisk: disk[4]!,
      noSnapshotAbilityDisk: disk[5]!,
      forbiddenStateDisk: disk[6]!,
      stoppedInstanceDisk: disk[7]!,
      neverStartedInstanceDisk: disk[8]!,
      securityLockedInstanceDisk: disk[9]!,
      quotaDisk: disk[10]!,
    },
  };
}
