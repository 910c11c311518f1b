import { join } from 'node:path';
import { ADMIN_PREFIX } from '../emulator/admin.ts';
import { Deviations, type DeviationId } from '../emulator/deviations/catalogue.ts';
import { ViolationRecorder } from './violations.ts';
import { DEMO_ACCOUNT, EMULATE_HELP, EMULATED_VENDORS, emulatorOf, pad, parseOptions, standaloneOf, type EmulateContext } from './emulate-options.ts';
import type { EmulatorFrontEnd, EmulatorPrincipal } from '../emulator/front-end.ts';
import { listen, type ArrivedHttpRequest, type RunningServer } from '../emulator/http-server.ts';
import {
  loadWorldFile, readStateFile, StateFileWriter, WorldFileError,
  type BackendState, type StateFile, type VendorWorld, type WorldFile,
} from '../emulator/world-file.ts';
import { loadSpec } from '../spec/load-spec.ts';
import { SpecError } from '../spec/spec-error.ts';
import type { VendorId } from '../spec/spec-types.ts';
import type { VendorSpec } from '../spec/vendor-spec.ts';
import { adapterFor } from '../vendors/registry.ts';

/** One emulator, started. */
interface Running {
  vendor: VendorId;
  spec: VendorSpec;
  frontEnd: EmulatorFrontEnd;
  server: RunningServer;
  principals: EmulatorPrincipal[];
  region: string | undefined;
  source: 'demo' | 'seed' | 'state';
  /** What it misbehaves in on purpose (`--deviation`), as it started: a client's tests against it should notice. */
  deviations: DeviationId[];
}

/** The demo world of a vendor: the standard fixtures (vendor-shaped ids), a disk for every fixture role. */
export function demoWorld(vendor: VendorId, region: string | undefined): VendorWorld {
  const { seed } = adapterFor(vendor)!.emulator!.fixtures(region ?? 'default');
  return {
    instances: (seed.instances ?? []).map((i) => ({ id: i.id, state: i.state ?? 'running', ...(i.zone ? { zone: i.zone } : {}), ...instanceFlags(i) })),
    disks: (seed.disks ?? []).map((d) => ({
      id: d.id,
      ...(d.instanceId ? { instanceId: d.instanceId } : {}),
      usage: d.usage ?? 'data',
      state: d.state ?? (d.instanceId ? 'attached' : 'unattached'),
      snapshotAbility: d.snapshotAbility ?? true,
      sizeGiB: d.sizeGiB ?? 50,
      encrypted: d.encrypted ?? false,
      ...(d.zone ? { zone: d.zone } : {}),
    })),
  };
}

/** The instance flags that are set (`neverStarted`, `securityLocked`), so a plain instance prints as before. */
function instanceFlags(instance: { neverStarted?: boolean; securityLocked?: boolean }): { neverStarted?: true; securityLocked?: true } {
  return { ...(instance.neverStarted ? { neverStarted: true } : {}), ...(instance.securityLocked ? { securityLocked: true } : {}) };
}

/** Places a world into every account of an emulator, through its admin API (in process, no network). */
async function seedWorld(vendor: VendorId, frontEnd: EmulatorFrontEnd, world: VendorWorld, region: string | undefined, accounts: string[]): Promise<void> {
  const defaultZone = demoWorld(vendor, region).instances[0]?.zone ?? `${region ?? 'default'}-1`;
  const zoneOf = new Map(world.instances.map((i) => [i.id, i.zone ?? defaultZone]));
  const instances = world.instances.map((i) => ({ id: i.id, state: i.state, zone: i.zone ?? defaultZone, ...instanceFlags(i) }));
  const disks = world.disks.map((d) => ({ ...d, zone: d.zone ?? (d.instanceId ? zoneOf.get(d.instanceId) : undefined) ?? defaultZone }));
  for (const account of accounts) {
    const request: ArrivedHttpRequest = {
      method: 'POST', path: `${ADMIN_PREFIX}seed`, query: '', headers: { 'content-type': 'application/json' },
      body: Buffer.from(JSON.stringify({ account, region: region ?? 'default', instances, disks })),
    };
    const answer = await frontEnd.handle(request);
    if (answer.status !== 200) throw new Error(`seeding the ${vendor} emulator failed: HTTP ${answer.status} ${String(answer.body)}`);
  }
}

/** The world as it is now, per account (and region where requests name one), for the printout. */
function describeWorld(run: Running): Array<Record<string, unknown>> {
  const now = Date.now();
  return run.frontEnd.backend.exportState().regions
    .filter((r) => r.instances.length + r.disks.length + r.snapshots.length > 0)
    .map((r) => ({
      account: r.account,
      ...(standaloneOf(run.vendor).regionInRequests ? { region: r.region } : {}),
      instances: r.instances.map((i) => ({ id: i.id, state: i.state, zone: i.zone, ...instanceFlags(i) })),
      disks: r.disks.map((d) => ({
        id: d.id, instanceId: d.instanceId ?? null, usage: d.usage, state: d.state, snapshotAbility: d.snapshotAbility,
        sizeGiB: d.sizeGiB, type: d.type, encrypted: d.encrypted, zone: d.zone,
      })),
      snapshots: r.snapshots.map((s) => ({ id: s.id, diskId: s.diskId, name: s.name, state: now >= s.completesAt ? 'completed' : 'creating' })),
    }));
}

/** A disk CreateSnapshot accepts on every vendor: an attached data disk that can be snapshotted. */
function snippetDisk(run: Running): string | undefined {
  const account = run.principals[0]?.account;
  const regions = run.frontEnd.backend.exportState().regions.filter((r) => r.account === account);
  const disks = regions.flatMap((r) => r.disks);
  const pick = disks.find((d) => d.usage === 'data' && d.state === 'attached' && d.snapshotAbility)
    ?? disks.find((d) => d.snapshotAbility) ?? disks[0];
  return pick?.id;
}

function vendorDocument(run: Running): Record<string, unknown> {
  const profile = standaloneOf(run.vendor);
  const host = `127.0.0.1:${run.server.port}`;
  const [first] = run.principals;
  const key = (p: EmulatorPrincipal) => ({ id: p.id, secret: p.secret, account: p.account });
  return {
    endpoint: run.server.url,
    host,
    port: run.server.port,
    region: run.region ?? null,
    credentials: { ...key(first!), names: profile.credentialNames },
    accounts: run.principals.map(key),
    source: run.source,
    deviations: run.deviations,
    world: describeWorld(run),
    // The demo world's disks by fixture role: what a target file for this emulator names (README, "Fixture roles").
    ...(run.source === 'demo' ? { fixtures: adapterFor(run.vendor)!.emulator!.fixtures(run.region ?? 'default').roles } : {}),
    snippet: profile.snippet({ host, id: first!.id, secret: first!.secret, region: run.region, diskId: snippetDisk(run), spec: run.spec }),
  };
}

function humanText(runs: Running[], context: { version: string; seed?: string; state?: string; creationMs: number }): string {
  const lines: string[] = [];
  const sources = [...new Set(runs.map((r) => r.source))].map((s) => (s === 'demo' ? 'the demo world' : s === 'seed' ? `seed ${context.seed!}` : `state ${context.state!}`));
  lines.push(`snapconform ${context.version} emulate — ${runs.length} emulator${runs.length === 1 ? '' : 's'} on 127.0.0.1; world: ${sources.join(' and ')}`);
  lines.push(`snapshots take ${context.creationMs} ms to create (--creation-ms)`);
  for (const run of runs) {
    const profile = standaloneOf(run.vendor);
    const doc = vendorDocument(run);
    lines.push('');
    lines.push(`${run.vendor}  ${run.server.url}${run.region ? `  region ${run.region}` : ''}`);
    // Said before anything else about it: whoever reads the banner must not take a bent emulator for a faithful one.
    if (run.deviations.length > 0) lines.push(`  deviations   ${run.deviations.join(', ')} (misbehaving on purpose: --deviation)`);
    for (const p of run.principals) {
      lines.push(`  credentials  ${profile.credentialNames.id} ${p.id}  ${profile.credentialNames.secret} ${p.secret}  (account ${p.account})`);
    }
    const world = doc['world'] as Array<{ account: string; region?: string; instances: Array<{ id: string; state: string; zone: string; neverStarted?: boolean; securityLocked?: boolean }>; disks: Array<Record<string, unknown>>; snapshots: Array<{ id: string; diskId: string; name: string; state: string }> }>;
    if (world.length === 0) lines.push('  world        empty');
    for (const w of world) {
      lines.push(`  world        account ${w.account}${w.region ? `, region ${w.region}` : ''}`);
      const idWidth = Math.max(0, ...w.disks.map((d) => String(d['id']).length)) + 2;
      const disk = (d: Record<string, unknown>) => {
        const flags = [d['snapshotAbility'] ? '' : 'cannot be snapshotted', d['encrypted'] ? 'encrypted' : ''].filter(Boolean);
        return `      ${pad(String(d['id']), idWidth)}${pad(String(d['usage']), 8)}${pad(String(d['state']), 12)}${d['sizeGiB']} GiB${flags.length ? `  (${flags.join(', ')})` : ''}`;
      };
      const byUsage = (a: Record<string, unknown>, b: Record<string, unknown>) => (a['usage'] === 'system' ? -1 : 0) - (b['usage'] === 'system' ? -1 : 0);
      for (const instance of w.instances) {
        const flags = [instance.neverStarted ? 'never started' : '', instance.securityLocked ? 'locked for security' : ''].filter(Boolean);
        lines.push(`    instance ${instance.id}  ${instance.state}  ${instance.zone}${flags.length ? `  (${flags.join(', ')})` : ''}`);
        for (const d of w.disks.filter((x) => x['instanceId'] === instance.id).sort(byUsage)) lines.push(disk(d));
      }
      const loose = w.disks.filter((x) => !w.instances.some((i) => i.id === x['instanceId']));
      if (loose.length > 0) {
        lines.push('    not attached');
        for (const d of loose) lines.push(disk(d));
      }
      lines.push(`    snapshots    ${w.snapshots.length === 0 ? 'none' : w.snapshots.map((s) => `${s.id} (${s.diskId}, ${s.name}, ${s.state})`).join(', ')}`);
    }
    lines.push(`  ${profile.snippetTitle}`);
    for (const line of String(doc['snippet']).split('\n')) lines.push(line === '' ? '' : `    ${line}`);
  }
  lines.push('');
  lines.push(`Stop with Ctrl+C, or kill -TERM ${process.pid} (SIGINT/SIGTERM): the servers close${context.state ? `, the state is saved to ${context.state}` : ''}, exit 0.`);
  return `${lines.join('\n')}\n`;
}

/**
 * `snapconform emulate`: starts the emulators, seeds them (demo world, seed file or state file), prints
 * where they are, and serves until SIGINT or SIGTERM. Resolves with the exit code once stopped.
 */
export async function emulate(args: string[], context: EmulateContext): Promise<number> {
  const out = context.out ?? ((text: string) => process.stdout.write(text));
  const { fail } = context;
  const options = parseOptions(args, context);
  if (options === 'help') {
    out(EMULATE_HELP);
    return 0;
  }

  const specs = new Map<VendorId, VendorSpec>();
  const specOf = (vendor: VendorId): VendorSpec => {
    let spec = specs.get(vendor);
    if (!spec) {
      try {
        spec = loadSpec(join(context.root, adapterFor(vendor)!.specFile));
      } catch (error) {
        if (error instanceof SpecError) fail(error.message);
        throw error;
      }
      specs.set(vendor, spec);
    }
    return spec;
  };

  let seed: WorldFile | undefined;
  let state: StateFile | undefined;
  try {
    if (options.seed !== undefined) {
      seed = loadWorldFile(options.seed, {
        vendors: EMULATED_VENDORS,
        idPatterns: (vendor) => {
          const patterns = specOf(vendor as VendorId).contract['id-patterns'];
          const regex = (p: { pattern: string } | undefined) => (p ? new RegExp(p.pattern, 'u') : undefined);
          return { disk: regex(patterns?.disk), instance: regex(patterns?.instance) };
        },
      });
    }
    if (options.state !== undefined) state = readStateFile(options.state);
  } catch (error) {
    if (error instanceof WorldFileError) fail(error.message);
    throw error;
  }
  const vendors = options.vendors.length > 0 ? options.vendors
    : seed ? EMULATED_VENDORS.filter((v) => v in seed!.vendors) : EMULATED_VENDORS;
  if (options.port !== 0 && options.port + vendors.length - 1 > 65535) {
    fail(`--port ${options.port} leaves no room for ${vendors.length} emulators (ports up to ${options.port + vendors.length - 1})`);
  }

  const runs: Running[] = [];
  let writer: StateFileWriter | undefined;
  let recorder: ViolationRecorder | undefined;
  try {
    recorder = options.strict ? new ViolationRecorder(options.violations) : undefined;
  } catch (error) {
    fail(`${options.violations}: cannot write the violations file: ${(error as Error).message}`);
  }
  for (const [index, vendor] of vendors.entries()) {
    const profile = standaloneOf(vendor);
    const spec = specOf(vendor);
    const fromSeed = seed?.vendors[vendor];
    const region = fromSeed?.region ?? profile.region;
    const principals: EmulatorPrincipal[] = fromSeed?.accounts?.map((a) => ({ id: a.id, secret: a.secret, account: a.name }))
      ?? [{ ...profile.credentials, account: DEMO_ACCOUNT }];
    const deviations = new Deviations([...(options.deviations.get('*') ?? []), ...(options.deviations.get(vendor) ?? [])]);
    const frontEnd = emulatorOf(vendor).create({ spec, principals, deviations });
    frontEnd.backend.creationMs = options.creationMs;
    frontEnd.backend.defaultCreationMs = options.creationMs;
    const saved: BackendState | undefined = state?.vendors[vendor];
    let source: Running['source'];
    if (saved) {
      frontEnd.backend.importState(saved);
      source = 'state';
    } else {
      await seedWorld(vendor, frontEnd, fromSeed ?? demoWorld(vendor, region), region, [...new Set(principals.map((p) => p.account))]);
      source = fromSeed ? 'seed' : 'demo';
    }
    const port = options.port === 0 ? 0 : options.port + index;
    let server: RunningServer;
    try {
      server = await listen(async (request) => {
        try {
          return await frontEnd.handle(request);
        } finally {
          writer?.changed();
        }
      }, { port, host: '127.0.0.1' });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') fail(`port ${port} is in use (wanted for ${vendor}); pick another --port, or --port 0 for ephemeral ports`);
      if (code === 'EACCES') fail(`port ${port} is not allowed for this user (wanted for ${vendor}); pick a port above 1023`);
      throw error;
    }
    recorder?.watch(vendor, frontEnd.requests);
    runs.push({ vendor, spec, frontEnd, server, principals, region, source, deviations: deviations.list() });
  }

  if (options.state !== undefined) {
    const kept = Object.fromEntries(Object.entries(state?.vendors ?? {}).filter(([v]) => !vendors.includes(v as VendorId)));
    writer = new StateFileWriter(options.state, () => ({ ...kept, ...Object.fromEntries(runs.map((r) => [r.vendor, r.frontEnd.backend.exportState()])) }), {
      onError: (error) => process.stderr.write(`snapconform: could not write the state file ${options.state}: ${error.message}\n`),
    });
    try {
      writer.flush();
    } catch (error) {
      fail(`${options.state}: cannot write the state file: ${(error as Error).message}`);
    }
  }

  // The signal handlers are in place before anything is printed: whoever reads "Stop with" may signal at once.
  const stopped = new Promise<number>((resolveExit) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      void Promise.all(runs.map((r) => r.server.close())).then(() => {
        let code = 0;
        try {
          writer?.flush();
        } catch (error) {
          process.stderr.write(`snapconform: could not write the state file ${options.state}: ${(error as Error).message}\n`);
          code = 3;
        }
        if (!options.json) out(`snapconform: ${signal}: emulators stopped${writer ? `, state saved to ${writer.file}` : ''}\n`);
        // Strict mode: the summary on stderr (stdout may be a --json consumer's), exit 1 when anything broke the documents.
        if (recorder) {
          process.stderr.write(recorder.summary());
          if (recorder.count > 0 && code === 0) code = 1;
        }
        resolveExit(code);
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });

  if (options.json) {
    const document = {
      snapconform: context.version,
      pid: process.pid,
      stop: `send SIGINT or SIGTERM to pid ${process.pid}`,
      seed: options.seed ?? null,
      state: options.state ?? null,
      creationMs: options.creationMs,
      vendors: Object.fromEntries(runs.map((r) => [r.vendor, vendorDocument(r)])),
    };
    out(`${JSON.stringify(document, null, 2)}\n`);
  } else {
    out(humanText(runs, { version: context.version, creationMs: options.creationMs, ...(options.seed ? { seed: options.seed } : {}), ...(options.state ? { state: options.state } : {}) }));
  }

  return stopped;
}
