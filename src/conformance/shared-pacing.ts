import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { takeLock } from './disk-leases.ts';

/**
 * The pacing slots of one run, shared by its worker processes: for each target and action, a file holding the
 * next free slot (epoch ms). Rule files run in parallel workers; were each to pace on its own, n workers would
 * send n times a vendor's documented rate ("20 requests per second for this API") to one account. The files
 * live in the run's lease directory (src/conformance/global-setup.ts), under a lock per key.
 */
export class SharedPacing {
  constructor(readonly dir: string) {}

  /**
   * Reserves the next slot under `key`, `intervalMs` after the last one reserved (or now, if that has passed),
   * and returns it (epoch ms): the caller sends then.
   */
  async reserve(key: string, intervalMs: number): Promise<number> {
    const folder = join(this.dir, 'pacing', createHash('sha256').update(key).digest('hex').slice(0, 20));
    mkdirSync(folder, { recursive: true });
    const lock = join(folder, 'lock');
    await takeLock(lock, Date.now() + 60_000, () => new Error(`pacing ${key}: its lock was held for a minute`));
    try {
      const file = join(folder, 'next');
      let next = 0;
      try {
        next = Number(readFileSync(file, 'utf8')) || 0;
      } catch {
        // the first reservation of this key
      }
      const at = Math.max(Date.now(), next);
      writeFileSync(`${file}.${process.pid}`, String(at + intervalMs));
      renameSync(`${file}.${process.pid}`, file);
      return at;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}
