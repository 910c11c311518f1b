import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TargetInfo } from '../../src/conformance/target.ts';
import { adminPost } from '../../src/emulator/admin-client.ts';

/**
 * Helpers for rules that arrange an embedded emulator through its admin API (`/_snapconform/`) — raise the
 * creation time, move the clock — without disturbing the rules that run meanwhile in other workers; and a
 * lock that keeps such rules from running at the same time. The admin helpers are only ever called when
 * `target.emulator` is true (a rule skips that part of itself on a real endpoint); the lock serves any target.
 */

/** Calls the admin API of an emulator target; throws (an `error` outcome, not a deviation) when it refuses. */
export async function admin(target: TargetInfo, route: string, body?: Record<string, unknown>): Promise<Record<string, unknown>> {
  if (!target.emulator) throw new Error(`${target.name}: the admin API exists only on an embedded emulator`);
  const response = await fetch(`${target.endpoint}/_snapconform/${route}`, body === undefined ? {} : adminPost(body));
  const text = await response.text();
  if (!response.ok) throw new Error(`${target.name}: admin ${route} answered HTTP ${response.status}: ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

/** The emulator's now, in epoch ms (it may run ahead of the wall clock after a rule advanced it). */
export async function emulatorNow(target: TargetInfo): Promise<number> {
  const config = await admin(target, 'config');
  return Date.parse(String((config['clock'] as { now: string }).now));
}

/**
 * The longest the emulator holds an API request while a rule has its clock somewhere else: far more than the
 * few admin calls in between take on any machine, a bound only so that a rule that died mid-way cannot hold
 * the emulator for ever.
 */
const HOLD_BOUND_MS = 120_000;

/**
 * Runs `body` (admin calls only) while the emulator holds every API request that arrives until `body` is done
 * (a `hold` fault, put in front of any faults already set and taken away after). The emulator serves a request
 * synchronously once the hold is lifted, so no request of another rule is served while `body` has the clock
 * out of place: those that arrive meanwhile are served late, not wrong — however long a loaded machine takes.
 */
export async function holdingRequests<T>(target: TargetInfo, body: () => Promise<T>): Promise<T> {
  const before = ((await admin(target, 'config'))['faults'] ?? []) as unknown[];
  await admin(target, 'faults', { faults: [{ kind: 'hold', latencyMs: HOLD_BOUND_MS }, ...before] });
  try {
    return await body();
  } finally {
    await admin(target, 'faults', { faults: before });
  }
}

/** The API requests the emulator answered from `from` to `to` (epoch ms, this machine's clock), by action. */
async function answeredBetween(target: TargetInfo, from: number, to: number): Promise<string[]> {
  const { requests } = await admin(target, 'requests') as { requests: Array<{ at: string; action?: string }> };
  return requests.filter((r) => Date.parse(r.at) >= from && Date.parse(r.at) <= to).map((r) => r.action ?? '(no action)');
}

/**
 * Lets the emulator look at the region at a moment `aheadMs` after its now, then puts its clock back.
 * Deletions due by then (retention deadlines) happen, and are permanent; nothing else changes. The clock
 * goes back because every signature is checked against it (a request signed with the wall clock is refused
 * while the emulator lives a day ahead), so the rule observes through the API only afterwards; meanwhile
 * the emulator holds API requests (see {@link holdingRequests}). The seed call, with nothing to seed, is what
 * makes the emulator visit the region.
 */
export async function visitLater(target: TargetInfo, aheadMs: number): Promise<void> {
  await holdingRequests(target, async () => {
    await admin(target, 'clock', { advanceMs: aheadMs });
    try {
      await admin(target, 'seed', { region: target.region, disks: [] });
    } finally {
      await admin(target, 'clock', { advanceMs: -aheadMs });
    }
  });
}

/** The lanes of {@link createAlone}: the one create it sends is served after FAST_MS, every other request after SLOW_MS. */
const FAST_MS = 50;
const SLOW_MS = 2000;

/**
 * Sends one create (`send`, a request for `action`) that the emulator serves with `creationMs`, while every
 * other request is held back until the creation time is normal again, so that only this snapshot takes
 * long to create. Latency faults make two lanes: the next request for `action` waits FAST_MS, all others
 * SLOW_MS; the creation time is raised before `send` and lowered as soon as it returns, well inside SLOW_MS.
 * Should another rule's create take the fast lane first (ours then takes SLOW_MS), that one was created
 * slowly too: the clock moves past its creation before anything else is served, and the attempt is made
 * again (a send that was only slow, on a busy machine, with no other create answered meanwhile, is not
 * overtaken). The caller moves the clock past its own snapshot's creation when done with it.
 */
export async function createAlone<T>(target: TargetInfo, action: string, creationMs: number, send: () => Promise<T>): Promise<T> {
  const config = await admin(target, 'config');
  const faults = (config['faults'] ?? []) as unknown[];
  const normal = typeof config['creationMs'] === 'number' ? config['creationMs'] : 0;
  for (let attempt = 1; attempt <= 3; attempt += 1) {
    await admin(target, 'faults', { faults: [{ kind: 'latency', action, count: 1, latencyMs: FAST_MS }, { kind: 'latency', latencyMs: SLOW_MS }, ...faults] });
    let result: T;
    let overtaken: boolean;
    try {
      const started = Date.now();
      try {
        await admin(target, 'config', { creationMs });
        result = await send();
      } finally {
        await admin(target, 'config', { creationMs: normal });
      }
      // Past half the slow lane, another create may have taken the fast one; or a busy machine was only slow, which
      // the request log tells apart: another create of `action` answered meanwhile.
      overtaken = Date.now() - started >= SLOW_MS / 2 && (await answeredBetween(target, started, Date.now())).filter((a) => a === action).length > 1;
      if (overtaken) await admin(target, 'clock', { advanceMs: creationMs + 1000 });
    } finally {
      await admin(target, 'faults', { faults });
    }
    if (!overtaken) return result;
  }
  throw new Error(`${target.name}: other rules' creates kept overtaking this rule's create (three attempts)`);
}

/** How long a rule waits for the lock: less than a test's timeout on an emulator; on a real endpoint, where a rule holding it waits for snapshots to finish, as long as a test may take. */
const lockWaitMs = (target: TargetInfo) => (target.emulator ? 110_000 : 3 * 3600_000);
const STALE_LOCK_MS = 300_000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Runs `body` while no other rule holding this lock runs against the same target (test files run in
 * parallel workers; the lock is a directory, so it holds across processes). Rules that change an
 * emulator's creation time or clock, or that count a disk's snapshots, take it so they never disturb each
 * other. A lock left by a process that is gone is taken over.
 */
export async function exclusively<T>(target: TargetInfo, body: () => Promise<T>): Promise<T> {
  const key = createHash('sha256').update(`${target.name}\u0000${target.endpoint}`).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), `snapconform-rule-lock-${key}`);
  const owner = join(dir, 'owner');
  const deadline = Date.now() + lockWaitMs(target);
  for (;;) {
    try {
      mkdirSync(dir);
      writeFileSync(owner, String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let stale = false;
    try {
      const pid = Number(readFileSync(owner, 'utf8'));
      stale = Number.isInteger(pid) && pid > 0 && !alive(pid);
    } catch {
      // No owner written yet: stale only if the directory is old.
      try {
        stale = Date.now() - statSync(dir).mtimeMs > STALE_LOCK_MS;
      } catch {
        // gone meanwhile: try again
      }
    }
    if (stale) {
      // Another waiter may have taken the lock over meanwhile: remove it only if it is still the dead one's.
      let still = false;
      try {
        const pid = Number(readFileSync(owner, 'utf8'));
        still = !(Number.isInteger(pid) && pid > 0 && alive(pid));
      } catch {
        still = true;
      }
      if (still) rmSync(dir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`${target.name}: waited ${lockWaitMs(target) / 1000} s for another rule to release ${dir}`);
    await sleep(15);
  }
  try {
    return await body();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
