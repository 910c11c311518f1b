/**
 * The standalone emulators (`snapconform emulate`) used as URL targets, the way a user points the suite at
 * another team's service: a child process per fleet, a target file naming its endpoints with the demo
 * world's disks as fixture roles, and at the end what the services still hold (read from `--state`). Used by
 * `npm run realistic` and by the realistic-mode tests in `npm test`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { adminPost } from './admin-client.ts';

/** The CLI as a user runs it. */
export const BIN = new URL('../../bin/snapconform.js', import.meta.url).pathname;

interface WorldDisk { id: string; instanceId: string | null; usage: string; state: string; snapshotAbility: boolean }
interface VendorDoc {
  endpoint: string;
  region: string | null;
  credentials: { id: string; secret: string };
  world: Array<{ region?: string; instances: Array<{ id: string; state: string }>; disks: WorldDisk[]; snapshots: Array<{ id: string; name: string }> }>;
  /** The demo world's disks by fixture role (absent for a seeded world). */
  fixtures?: Record<string, unknown>;
}

/** A running `snapconform emulate` and what it printed. */
export interface StandaloneFleet {
  dir: string;
  vendors: Record<string, VendorDoc>;
  /** A target file for the fleet: every vendor a URL target, fixture roles from the demo world. */
  targetFile: string;
  /** Stops the emulators (SIGTERM) and returns the snapshots each vendor still holds, by vendor. */
  stop(): Promise<Record<string, Array<{ id: string; name: string; diskId: string }>>>;
  /** A vendor's emulator's now, epoch ms (its admin API, on the emulator's own port). */
  now(vendor: string): Promise<number>;
  /**
   * Moves a vendor's emulator's clock ahead by `ms` (admin API `clock`): what a day of waiting does to a real
   * service. Its `Date` headers follow, and it then refuses requests signed with the wall clock as stale.
   */
  advanceClock(vendor: string, ms: number): Promise<void>;
}

/** Options of {@link startFleet}. */
export interface FleetOptions {
  vendors?: string[];
  /** How long a snapshot takes to create (emulator time), applied through `--creation-ms`. */
  creationMs?: number;
  deviations?: string[];
  /** Target-file fields added to every target (e.g. `readinessTimeoutSeconds`). */
  targetExtras?: Record<string, unknown>;
}

/** Starts `snapconform emulate --json --state …` and writes a target file for it. */
export async function startFleet(options: FleetOptions = {}): Promise<StandaloneFleet> {
  const dir = mkdtempSync(join(tmpdir(), 'snapconform-fleet-'));
  const state = join(dir, 'state.json');
  const args = [BIN, 'emulate', '--json', '--state', state,
    ...(options.vendors?.length ? ['--vendor', options.vendors.join(',')] : []),
    ...(options.creationMs !== undefined ? ['--creation-ms', String(options.creationMs)] : []),
    ...(options.deviations ?? []).flatMap((d) => ['--deviation', d])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const doc = await firstJson(child);
  const vendors = doc['vendors'] as Record<string, VendorDoc>;
  const targets = Object.entries(vendors).map(([vendor, v]) => {
    const world = v.world[0]!;
    // `emulate --json` names the demo world's disk for every fixture role; a seeded world is read by shape.
    const fixtures: Record<string, unknown> = v.fixtures ? { ...v.fixtures } : rolesByShape(world);
    return {
      name: `${vendor}-url`, vendor, endpoint: v.endpoint, region: world.region ?? v.region ?? 'none',
      credentials: { id: v.credentials.id, secret: v.credentials.secret },
      allowMutations: true, fixtures, ...options.targetExtras,
    };
  });
  const targetFile = join(dir, 'targets.yaml');
  writeFileSync(targetFile, stringify({ targets }));
  const admin = async (vendor: string, route: string, body?: unknown) => {
    const endpoint = vendors[vendor]?.endpoint;
    if (!endpoint) throw new Error(`the fleet runs no ${vendor} emulator`);
    const response = await fetch(`${endpoint}/_snapconform/${route}`, body === undefined ? {} : adminPost(body));
    if (!response.ok) throw new Error(`${vendor}: admin ${route} answered HTTP ${response.status}: ${await response.text()}`);
    return await response.json() as Record<string, unknown>;
  };
  return {
    dir, vendors, targetFile,
    async now(vendor) {
      return Date.parse(String((((await admin(vendor, 'config'))['clock']) as { now: string }).now));
    },
    async advanceClock(vendor, ms) {
      await admin(vendor, 'clock', { advanceMs: ms });
    },
    async stop() {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
      const saved = JSON.parse(readFileSync(state, 'utf8')) as { vendors: Record<string, { regions?: Array<{ snapshots: Array<{ id: string; name: string; diskId: string }> }> }> };
      return Object.fromEntries(Object.entries(saved.vendors).map(([vendor, s]) => [vendor, (s.regions ?? []).flatMap((r) => r.snapshots.map(({ id, name, diskId }) => ({ id, name, diskId })))]));
    },
  };
}

/** Fixture roles read from a world's shape: data disks of running instances, the unattached, system and no-ability disks. */
function rolesByShape(world: VendorDoc['world'][number]): Record<string, unknown> {
  const running = world.instances.filter((i) => i.state === 'running').map((i) => i.id);
  const dataOn = (instance: string | undefined) => world.disks.filter((d) => d.instanceId === instance && d.usage === 'data' && d.snapshotAbility).map((d) => d.id);
  const fixtures: Record<string, unknown> = { sameInstanceDisks: dataOn(running[0]) };
  const other = dataOn(running[1])[0];
  if (other) fixtures['otherInstanceDisk'] = other;
  const unattached = world.disks.find((d) => d.instanceId === null);
  if (unattached) fixtures['unattachedDisk'] = unattached.id;
  const system = world.disks.find((d) => d.usage === 'system');
  if (system) fixtures['systemDisk'] = system.id;
  const noAbility = world.disks.find((d) => !d.snapshotAbility);
  if (noAbility) fixtures['noSnapshotAbilityDisk'] = noAbility.id;
  return fixtures;
}

/** Reads the child's stdout until it holds one whole JSON document (`emulate --json` prints exactly one). */
function firstJson(child: ChildProcess): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr!.on('data', (chunk: Buffer) => { err += chunk.toString(); });
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      try {
        resolve(JSON.parse(out) as Record<string, unknown>);
      } catch {
        // not whole yet
      }
    });
    child.once('exit', (code) => reject(new Error(`snapconform emulate exited ${code} before printing its endpoints: ${err.trim()}`)));
  });
}
