import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Per-target, per-disk leases and the run's register of snapshots in flight, shared by every worker of a run.
 *
 * Vendors allow one snapshot in flight per disk (Tencent `InvalidDisk.SnapshotCreating`, Alibaba
 * `IncorrectDiskStatus.CreatingSnapshot`): a suite that sends a create while its own previous snapshot of that
 * disk is still being created breaks the rule itself and blames the service for it. So every create takes the
 * lease of each disk it names, waits until every snapshot this run made of those disks is done, sends, notes
 * what it created, and lets go. Test files run in parallel worker processes, so the leases live in a
 * directory the run's main process makes (`global-setup.ts`) and removes: a lock is a directory (`mkdir` is
 * atomic across processes) holding its owner's pid, so a lock left by a worker that died is taken over; the
 * register is one small JSON file per disk, written only by the lease holder and replaced atomically.
 */

/** A snapshot (or group) this run created and has not yet seen finish. */
export interface InFlight {
  /** Snapshot id, or group id for `kind: 'group'`. */
  id: string;
  kind: 'snapshot' | 'group';
  /** When the create was answered (epoch ms). */
  since: number;
  /** Set once a wait gave up on it: it did not finish within the target's readiness timeout. */
  stuck?: string;
}

/** The disks a create holds, with what this run still has in flight on them. */
export interface DiskLease {
  /** In-flight entries by disk, as the register held them when the lease was taken. */
  readonly inFlight: ReadonlyMap<string, InFlight[]>;
  /** Replaces a disk's register (only the holder writes it). */
  write(disk: string, entries: InFlight[]): void;
  release(): void;
}

/** Waiting for a lease took longer than its bound: another rule held the disk too long. */
export class LeaseTimeoutError extends Error {
  override readonly name = 'LeaseTimeoutError';
}

const key = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 20);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A lock directory whose owner died (or never wrote its pid and is old) may be taken over. */
function stale(lock: string): boolean {
  try {
    const pid = Number(readFileSync(join(lock, 'owner'), 'utf8'));
    return Number.isInteger(pid) && pid > 0 && !alive(pid);
  } catch {
    try {
      return Date.now() - statSync(lock).mtimeMs > 60_000;
    } catch {
      return false;
    }
  }
}

/**
 * Takes a lock directory (atomic `mkdir` across processes, the owner's pid inside), taking over one whose owner
 * died; throws `timeout()` once `deadline` (epoch ms) has passed. Release it with `rmSync(lock, {recursive})`.
 */
export async function takeLock(lock: string, deadline: number, timeout: () => Error): Promise<void> {
  for (let pause = 5; ; pause = Math.min(pause * 2, 200)) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'owner'), String(process.pid));
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (stale(lock)) {
      rmSync(lock, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) throw timeout();
    await sleep(pause);
  }
}

/** The leases of one run, in `dir` (made by the run's main process). */
export class DiskLeases {
  constructor(readonly dir: string) {}

  private diskDir(target: string, disk: string): string {
    return join(this.dir, key(target), key(disk));
  }

  private read(diskDir: string): InFlight[] {
    try {
      return JSON.parse(readFileSync(join(diskDir, 'in-flight.json'), 'utf8')) as InFlight[];
    } catch {
      return [];
    }
  }

  /**
   * Takes the lease of every disk in `disks` on `target` (in a fixed order, so two creates naming the same
   * disks never wait on each other), waiting at most `waitMs` in all.
   * @throws {@link LeaseTimeoutError}
   */
  async acquire(target: string, disks: string[], waitMs: number): Promise<DiskLease> {
    const ordered = [...new Set(disks)].sort();
    const held: string[] = [];
    const deadline = Date.now() + waitMs;
    const releaseAll = () => {
      for (const diskDir of held.splice(0)) rmSync(join(diskDir, 'lock'), { recursive: true, force: true });
    };
    try {
      for (const disk of ordered) {
        const diskDir = this.diskDir(target, disk);
        mkdirSync(diskDir, { recursive: true });
        await takeLock(join(diskDir, 'lock'), deadline, () => new LeaseTimeoutError(`${target}: waited ${Math.round(waitMs / 1000)} s for disk ${disk}, which another rule of this run held all that time`));
        held.push(diskDir);
      }
    } catch (error) {
      releaseAll();
      throw error;
    }
    const inFlight = new Map(ordered.map((disk) => [disk, this.read(this.diskDir(target, disk))]));
    return {
      inFlight,
      write: (disk, entries) => {
        const diskDir = this.diskDir(target, disk);
        const file = join(diskDir, 'in-flight.json');
        writeFileSync(`${file}.${process.pid}`, JSON.stringify(entries));
        renameSync(`${file}.${process.pid}`, file);
      },
      release: releaseAll,
    };
  }
}
