import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEVIATIONS, isDeviationId } from '../emulator/deviations/catalogue.ts';
import type { VendorId } from '../spec/spec-types.ts';
import { adapterFor, SPEC_FILES } from '../vendors/registry.ts';
import type { VendorEmulator } from '../vendors/vendor-adapter.ts';

// `snapconform emulate`'s vocabulary: the vendors it offers, its help, its options and their checks.
// The command itself is src/cli/emulate.ts.

/** A vendor's emulator; every vendor `emulate` offers has one (the vendor list comes from the registry). */
export function emulatorOf(vendor: VendorId): VendorEmulator {
  const emulator = adapterFor(vendor)?.emulator;
  if (!emulator) throw new Error(`no emulator for ${vendor}`);
  return emulator;
}

/** How `emulate` presents a vendor's emulator (region, default keys, snippet). */
export const standaloneOf = (vendor: VendorId) => emulatorOf(vendor).standalone;

/** What `emulate` borrows from the CLI's entry point. */
export interface EmulateContext {
  /** The project root (specs are read from there). */
  root: string;
  version: string;
  /** Writes one line to stderr and exits 2. */
  fail(message: string): never;
  /** @defaultValue process.stdout / process.stderr */
  out?: (text: string) => void;
}

/**
 * How long a standalone emulator takes to create a snapshot unless told otherwise: a few seconds, like a
 * small disk on a real service, so that clients written against it wait for creation as they must on one.
 */
export const DEFAULT_CREATION_MS = 3000;

/** The account of the default credentials and of the demo world. */
export const DEMO_ACCOUNT = 'demo';

/** The vendors with an embedded emulator, in the registry's order. */
export const EMULATED_VENDORS: VendorId[] = (Object.keys(SPEC_FILES) as VendorId[]).filter((v) => adapterFor(v)?.emulator !== undefined);

export const pad = (text: string, width: number) => text.padEnd(width);

export const EMULATE_HELP = `Usage:
  snapconform emulate [--vendor <ids>] [--port <n>] [--seed <world.yaml>] [--state <state.json>] [--json]
                      [--creation-ms <n>] [--deviation [<vendor>:]<id>]… [--strict [--violations <file.ndjson>]]

Runs the embedded emulators as a standalone server, for other projects' CI. Emulators listen on 127.0.0.1
only. Stop with SIGINT (Ctrl+C) or SIGTERM: the servers close, the state is written, exit 0.

Options:
  --vendor <ids>     ${EMULATED_VENDORS.join(', ')}; repeatable or comma-separated
                     (default: the vendors of --seed, else all three)
  --port <n>         the first vendor's port; the next vendors take n+1, n+2 (default 0: an ephemeral
                     port each)
  --seed <file>      the world to start from, with its own credentials (format: examples/world.yaml);
                     without it, the demo world
  --state <file>     keep the state across restarts: read at start if it exists (a vendor it holds
                     starts from it, not from the seed), written atomically after changes (at most every
                     second) and on shutdown
  --creation-ms <n>  how long a snapshot takes to create, in ms (default ${DEFAULT_CREATION_MS}: a few seconds, as on
                     a real service, so that a client meets "one snapshot in flight per disk"; 0 creates
                     at once; the admin API's config changes it at run time)
  --json             print exactly one JSON document on stdout (endpoints, credentials, world, an SDK
                     snippet per vendor), for scripts
  --strict           record every request that breaks the documents (parameters, types, signature,
                     protocol), print a summary at shutdown, and exit 1 if there was any: for an SDK's
                     own integration tests, so CI can gate on them
  --violations <f>   with --strict: one JSON line per violation (operation, parameter, rule, detail,
                     source reference), appended as they happen
  --deviation <id>   misbehave on purpose, to see whether your tests notice (repeatable; <vendor>:<id> for
                     one vendor only; the admin API switches them at run time too). Ids:
                     ${Object.keys(DEVIATIONS).join(', ')}

Demo world, per vendor, in account "${DEMO_ACCOUNT}": an instance with a system disk and two data disks, a
second instance with one data disk, and an unattached data disk (the ids are printed at start).

Default credentials (a seed file's accounts: replace them):
${EMULATED_VENDORS.map((v) => {
  const p = standaloneOf(v);
  return `  ${pad(v, 14)}${p.credentialNames.id} ${p.credentials.id}\n  ${pad('', 14)}${p.credentialNames.secret} ${p.credentials.secret}`;
}).join('\n')}

Exit codes: 0 stopped cleanly · 1 --strict saw contract violations · 2 bad input (unknown vendor, port
in use, bad seed or state file) · 3 internal error (e.g. the state could not be written at shutdown)
`;

/** `emulate`'s options, checked. */
export interface Options {
  vendors: VendorId[];
  /** Deviation ids by vendor; `*` for every vendor. */
  deviations: Map<VendorId | '*', string[]>;
  /** Record contract violations, summarise them at shutdown, exit 1 if any. */
  strict: boolean;
  /** Where strict mode writes one JSON line per violation. */
  violations?: string;
  port: number;
  seed?: string;
  state?: string;
  json: boolean;
  /** How long a snapshot takes to create, in ms. */
  creationMs: number;
}

export function parseOptions(args: string[], context: EmulateContext): Options | 'help' {
  const { fail } = context;
  const parse = () => parseArgs({
    args,
    options: {
      vendor: { type: 'string', multiple: true, default: [] },
      port: { type: 'string', default: '0' },
      seed: { type: 'string' },
      state: { type: 'string' },
      json: { type: 'boolean', default: false },
      'creation-ms': { type: 'string', default: String(DEFAULT_CREATION_MS) },
      deviation: { type: 'string', multiple: true, default: [] },
      strict: { type: 'boolean', default: false },
      violations: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  let values: ReturnType<typeof parse>['values'];
  try {
    ({ values } = parse());
  } catch (error) {
    return fail(`${(error as Error).message} (see snapconform emulate --help)`);
  }
  if (values.help) return 'help';
  const vendors: VendorId[] = [];
  for (const name of values.vendor.flatMap((v) => v.split(',')).map((v) => v.trim())) {
    if (name === '') fail(`--vendor needs a vendor id; known: ${EMULATED_VENDORS.join(', ')}`);
    if (!EMULATED_VENDORS.includes(name as VendorId)) fail(`unknown vendor '${name}' for --vendor; known: ${EMULATED_VENDORS.join(', ')}`);
    if (!vendors.includes(name as VendorId)) vendors.push(name as VendorId);
  }
  if (!/^\d+$/.test(values.port) || Number(values.port) > 65535) fail(`--port must be a port number from 0 to 65535, got '${values.port}'`);
  // `--deviation <id>` bends every emulator; `--deviation <vendor>:<id>` only that vendor's.
  const deviations = new Map<VendorId | '*', string[]>();
  for (const entry of values.deviation.flatMap((d) => d.split(',')).map((d) => d.trim()).filter(Boolean)) {
    const [vendor, id] = entry.includes(':') ? entry.split(':', 2) as [string, string] : ['*', entry];
    if (vendor !== '*' && !EMULATED_VENDORS.includes(vendor as VendorId)) fail(`unknown vendor '${vendor}' in --deviation ${entry}; known: ${EMULATED_VENDORS.join(', ')}`);
    if (!isDeviationId(id)) fail(`unknown deviation '${id}' for --deviation; known: ${Object.keys(DEVIATIONS).join(', ')}`);
    deviations.set(vendor as VendorId | '*', [...(deviations.get(vendor as VendorId | '*') ?? []), id]);
  }
  const creationMs = values['creation-ms'];
  // A day at most: longer would only ever look like a hang.
  if (!/^\d+$/.test(creationMs) || Number(creationMs) > 86_400_000) fail(`--creation-ms must be a whole number of milliseconds from 0 to 86400000, got '${creationMs}'`);
  if (values.violations !== undefined && !values.strict) fail('--violations needs --strict (it records what strict mode finds)');
  return {
    vendors,
    deviations,
    strict: values.strict,
    ...(values.violations !== undefined ? { violations: resolve(values.violations) } : {}),
    port: Number(values.port),
    ...(values.seed !== undefined ? { seed: resolve(values.seed) } : {}),
    ...(values.state !== undefined ? { state: resolve(values.state) } : {}),
    json: values.json,
    creationMs: Number(creationMs),
  };
}
