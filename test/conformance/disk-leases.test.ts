import { fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DiskLeases, LeaseTimeoutError } from '../../src/conformance/disk-leases.ts';

const dirs: string[] = [];
const leases = () => {
  const dir = mkdtempSync(join(tmpdir(), 'snapconform-lease-test-'));
  dirs.push(dir);
  return new DiskLeases(dir);
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('disk leases', () => {
  it('should hand a disk to one holder at a time, and the register to the next holder', async () => {
    const l = leases();
    const first = await l.acquire('t', ['disk-1'], 5000);
    first.write('disk-1', [{ id: 'snap-1', kind: 'snapshot', since: 1 }]);
    let secondHeld = false;
    const second = l.acquire('t', ['disk-1'], 60_000).then((lease) => {
      secondHeld = true;
      return lease;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(secondHeld, 'a second holder got the disk while the first held it').toBe(false);
    first.release();
    const lease = await second;
    expect(lease.inFlight.get('disk-1')).toEqual([{ id: 'snap-1', kind: 'snapshot', since: 1 }]);
    lease.release();
  });

  it('should let holders of different disks, and of the same disk on different targets, run side by side', async () => {
    const l = leases();
    const a = await l.acquire('t', ['disk-1'], 1000);
    const b = await l.acquire('t', ['disk-2'], 1000);
    const c = await l.acquire('other-target', ['disk-1'], 1000);
    for (const lease of [a, b, c]) lease.release();
  });

  it('should give up after its bound, naming the disk, when another holder keeps it', async () => {
    const l = leases();
    const held = await l.acquire('t', ['disk-1'], 1000);
    await expect(l.acquire('t', ['disk-1', 'disk-2'], 50)).rejects.toThrow(LeaseTimeoutError);
    await expect(l.acquire('t', ['disk-1'], 50)).rejects.toThrow(/disk disk-1/);
    // A failed multi-disk acquire let go of what it had taken.
    (await l.acquire('t', ['disk-2'], 1000)).release();
    held.release();
  });

  it('should take over a lock whose owner process is gone', async () => {
    const l = leases();
    // Take the lease in a child process that then exits without releasing it.
    const child = fork(join(import.meta.dirname, 'support/hold-lease.ts'), [l.dir, 't', 'disk-1'], { execArgv: ['--import', 'tsx'], stdio: 'ignore' });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
    const lease = await l.acquire('t', ['disk-1'], 10_000);
    expect(lease.inFlight.get('disk-1')).toEqual([{ id: 'from-child', kind: 'snapshot', since: 2 }]);
    lease.release();
  });

  it('should take over an ownerless lock only once it is old', async () => {
    const l = leases();
    const first = await l.acquire('t', ['disk-1'], 1000);
    first.release();
    // Find the disk's directory the lease made and leave an ownerless lock in it (a holder that died before writing its pid).
    const [targetDir] = (await import('node:fs')).readdirSync(l.dir);
    const [diskDir] = (await import('node:fs')).readdirSync(join(l.dir, targetDir!));
    mkdirSync(join(l.dir, targetDir!, diskDir!, 'lock'));
    await expect(l.acquire('t', ['disk-1'], 100)).rejects.toThrow(LeaseTimeoutError);
    writeFileSync(join(l.dir, targetDir!, diskDir!, 'lock', 'owner'), '999999999');
    (await l.acquire('t', ['disk-1'], 5000)).release();
  });
});
