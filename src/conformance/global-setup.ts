import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { Deviations } from '../emulator/deviations/catalogue.ts';
import type { RunningServer } from '../emulator/http-server.ts';
import { loadSpec } from '../spec/load-spec.ts';
import { adapterFor } from '../vendors/registry.ts';
import { RUN_ENV } from './run-env.ts';
import { boundsOf, loadTargetFile } from './target-file.ts';
import { DISK_ROLES, type Fixtures, type TargetInfo } from './target.ts';
import type { SeedInput } from '../emulator/backend.ts';
import { adminPost } from '../emulator/admin-client.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The targets of this run, emulators already listening. */
    targets: TargetInfo[];
    /** Where the run's disk leases and its register of snapshots in flight live (src/conformance/disk-leases.ts). */
    leaseDir: string;
  }
}


/**
 * vitest globalSetup of a conformance run: reads the target file, starts an embedded emulator (with fresh
 * random credentials) for each `endpoint: emulator` target, seeds its fixtures, and hands the targets to
 * the test files. Emulators stop when the run ends.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const vendors = (process.env[RUN_ENV.vendors] ?? '').split(',').filter(Boolean);
  const rehearsal = process.env[RUN_ENV.rehearsal] === '1';
  const entries = loadTargetFile(process.env[RUN_ENV.targetFile] ?? 'targets/emulators.yaml', process.env, { credentials: rehearsal ? 'optional' : 'required' })
    .filter((entry) => vendors.length === 0 || vendors.includes(entry.vendor));
  const deviations = new Deviations((process.env[RUN_ENV.deviations] ?? '').split(',').filter(Boolean));
  const allowAll = process.env[RUN_ENV.allowMutations] === '1';
  const runId = process.env[RUN_ENV.runId] ?? `run-${Date.now().toString(36)}`;
  const rehearsed: Array<{ name: string; url: string }> = [];
  const servers: RunningServer[] = [];
  const targets: TargetInfo[] = [];
  for (const entry of entries) {
    const adapter = adapterFor(entry.vendor);
    const base = {
      name: entry.name, vendor: entry.vendor, region: entry.region, fixtures: entry.fixtures, rateLimit: entry.rateLimit,
      allowMutations: allowAll || entry.allowMutations, maxSnapshots: entry.maxSnapshots, runId, wires: entry.wires,
      ...boundsOf(entry),
    };
    if (!adapter) {
      targets.push({ ...base, endpoint: '', credentials: { id: '', secret: '' }, emulator: entry.endpoint === 'emulator', unavailable: `snapconform cannot speak the ${entry.vendor} protocol yet` });
      continue;
    }
    if (entry.endpoint !== 'emulator' && !(rehearsal && adapter.emulator)) {
      targets.push({ ...base, endpoint: entry.endpoint, credentials: entry.credentials!, emulator: false });
      continue;
    }
    if (!adapter.emulator) {
      targets.push({ ...base, endpoint: '', credentials: { id: '', secret: '' }, emulator: true, unavailable: `snapconform has no ${entry.vendor} emulator yet; point the target at a real endpoint` });
      continue;
    }
    const principal = { id: `AKIDSNAPCONFORM${randomBytes(8).toString('hex').toUpperCase()}`, secret: randomBytes(16).toString('hex'), account: 'snapconform' };
    // The run's deviations (--emulator-deviation) and the target's own (`deviations:` in the target file).
    const server = await adapter.emulator.start(loadSpec(adapter.specFile), principal, entry.deviations ? new Deviations([...deviations.list(), ...entry.deviations]) : deviations);
    servers.push(server);
    const standard = adapter.emulator.fixtures(entry.region);
    // A rehearsal plays a URL target: its own fixture disks (ids and roles) in the standard world's shapes.
    const plays = entry.endpoint !== 'emulator';
    const { seed, roles } = plays ? rehearsalWorld(standard, entry.fixtures) : standard;
    const seeded = await fetch(`${server.url}/_snapconform/seed`, adminPost({ region: entry.region, ...seed }));
    if (!seeded.ok) throw new Error(`seeding the ${entry.vendor} emulator failed: HTTP ${seeded.status}`);
    // Fast local runs: the suite does not pace emulator targets, so their rate limits are switched off
    // (a rule about rate limits switches them on for itself).
    await fetch(`${server.url}/_snapconform/config`, adminPost({ limits: false }));
    const credentials = { id: principal.id, secret: principal.secret };
    if (plays) {
      rehearsed.push({ name: entry.name, url: server.url });
      targets.push({ ...base, endpoint: server.url, credentials, emulator: false, rehearsal: true, fixtures: roles });
    } else {
      targets.push({ ...base, endpoint: server.url, credentials, emulator: true, fixtures: roles });
    }
  }
  project.provide('targets', targets);
  // One directory per run, shared by its workers: the leases outlive any worker, and go with the run.
  const leaseDir = mkdtempSync(join(tmpdir(), 'snapconform-leases-'));
  project.provide('leaseDir', leaseDir);
  return async () => {
    // What the plan needs that no ledger holds: the most snapshots each rehearsed target held at once.
    if (rehearsal) await writeRehearsalStats(rehearsed);
    await Promise.all(servers.map((server) => server.close()));
    rmSync(leaseDir, { recursive: true, force: true });
    // What the run created on real targets is deleted by the report's reporter (src/conformance/cleanup.ts
    // `cleanUpRun`), before the report is built, so that the report records it.
  };
}

/**
 * The emulator world that plays a URL target in a rehearsal: the standard fixtures' shapes (instances, states,
 * snapshot ability), each role's disk renamed to the disk the target names for it; roles it does not name are
 * left out. Extra same-instance disks copy the first one's shape.
 */
export function rehearsalWorld(standard: { seed: SeedInput; roles: Fixtures }, fixtures: Fixtures | undefined): { seed: SeedInput; roles: Fixtures } {
  const disks: NonNullable<SeedInput['disks']> = [];
  const shapeOf = (id: string | undefined) => standard.seed.disks?.find((d) => d.id === id);
  const same = fixtures?.sameInstanceDisks ?? [];
  same.forEach((id, i) => disks.push({ ...shapeOf(standard.roles.sameInstanceDisks[i] ?? standard.roles.sameInstanceDisks[0]), id }));
  for (const role of DISK_ROLES) {
    const id = fixtures?.[role];
    const shape = shapeOf(standard.roles[role]);
    if (id && shape && !disks.some((d) => d.id === id)) disks.push({ ...shape, id });
  }
  return { seed: { instances: standard.seed.instances ?? [], disks }, roles: fixtures ?? { sameInstanceDisks: [] } };
}

/** Where a rehearsal leaves what its emulators saw: `<report dir>/rehearsal-stats.json`, `{target: {peakSnapshots}}`. */
export function rehearsalStatsFile(reportDir: string): string {
  return join(reportDir, 'rehearsal-stats.json');
}

async function writeRehearsalStats(rehearsed: Array<{ name: string; url: string }>): Promise<void> {
  const stats: Record<string, { peakSnapshots: number }> = {};
  for (const { name, url } of rehearsed) {
    const answer = await fetch(`${url}/_snapconform/stats`);
    if (answer.ok) stats[name] = (await answer.json()) as { peakSnapshots: number };
  }
  writeFileSync(rehearsalStatsFile(process.env[RUN_ENV.reportDir] ?? 'reports'), JSON.stringify(stats));
}
