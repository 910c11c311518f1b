import { afterAll, describe, inject } from 'vitest';
import { loadSpec } from '../spec/load-spec.ts';
import type { VendorSpec } from '../spec/vendor-spec.ts';
import type { Wire } from '../spec/spec-types.ts';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { callWithPolicy } from '../transport/call-policy.ts';
import type { CallResult } from '../transport/call-result.ts';
import { HttpTransport } from '../transport/http-transport.ts';
import { ExchangeLog } from '../transport/exchange-log.ts';
import { RateLimiter } from '../transport/rate-limiter.ts';
import { SharedPacing } from './shared-pacing.ts';
import { Redactor } from '../transport/redact.ts';
import { adapterFor, SPEC_FILES } from '../vendors/registry.ts';
import type { Params, VendorAdapter, VendorClient } from '../vendors/vendor-adapter.ts';
import { RUN_ENV } from './run-env.ts';
import { Ledger, ledgerFile, possiblyCreated, type LedgerEntry } from './ledger.ts';
import { DriverNotFoundError, loadSdk, type DriverClient } from '../drivers/driver.ts';
import { driverFor } from '../drivers/registry.ts';
import { runLabel, type RunLabel } from './run-label.ts';
import { mutationsAllowed, type TargetInfo } from './target.ts';
import { DiskLeases } from './disk-leases.ts';
import { compose, type Layer } from './client-layers/layer.ts';
import { mutationGuard } from './client-layers/mutation-guard.ts';
import { labelled, runLabelLayer } from './client-layers/run-label-layer.ts';
import { inFlightLayer } from './client-layers/in-flight.ts';
import { ledgerBudget } from './client-layers/ledger-budget.ts';
import { idempotencyToken } from './client-layers/idempotency-token.ts';
import { exchangeRecord } from './client-layers/exchange-record.ts';
import { transportPolicy } from './client-layers/transport-policy.ts';
import { documentedWires, selectWires, wireCaseId, wireName } from './wires.ts';
import { adminPost } from '../emulator/admin-client.ts';

/** One target as a test file uses it: its spec, and a client when the suite can talk to it. */
export interface TargetSession {
  /** Why this target forbids creating and deleting, or undefined when it allows it. */
  readOnly: string | undefined;
  info: TargetInfo;
  spec: VendorSpec;
  adapter: VendorAdapter | undefined;
  client: VendorClient | undefined;
  /** Why rules cannot run against this target, if they cannot. */
  unavailable: string | undefined;
  /** How this run marks what it creates (name prefix and tag). */
  label: RunLabel;
  /**
   * The SDK the run sends through (`--driver`), or undefined for snapconform's own client. Under a driver,
   * rules that need raw wire control skip, and a request the SDK cannot express is skipped, not sent.
   */
  driver: { id: string; version: string | undefined; cannotSend(action: string, params: Params, about?: string): string | undefined } | undefined;
  /** A resource name for a rule: the run's prefix, then `suffix`. */
  name(suffix: string): string;
  /** Adds a disk on the fixture instance (emulators only), so a rule can count snapshots from zero. */
  freshDisk(): Promise<string | undefined>;
  /**
   * A disk for a rule that creates snapshots: a fresh one on an emulator, else one of the target's attached
   * data disks, picked by `purpose` (the rule's id) so that rules spread over the disks; creates on it wait
   * for the run's own snapshots in flight (disk leases), whoever made them.
   */
  disk(purpose: string): Promise<string | undefined>;
  /** Why a create cannot carry the run's label on this target (so must not be sent), or undefined. */
  unlabelled(action: string, params: Params): string | undefined;
  /**
   * The wires the protocol and request rules send on (src/conformance/wires.ts): the target file's
   * `signatures` × `formats`, else every pair the documents allow and the client sends, the default first.
   * One `undefined` under a driver: the SDK signs and asks as it does.
   */
  wires: Array<Wire | undefined>;
  /**
   * A case sent on `wire`: its id (`<case>@rpc-v2+xml` off the default wire), what its title adds, and what
   * the report records (the wire, where the vendor has several to tell apart).
   */
  onWire(caseId: string, wire: Wire | undefined): { caseId: string; title: string; record: { wire?: Wire } };
  close(): Promise<void>;
}

const specs = new Map<string, VendorSpec>();

/** The spec of a vendor, loaded once per worker. */
export function specOf(vendor: TargetInfo['vendor']): VendorSpec {
  let spec = specs.get(vendor);
  if (!spec) {
    spec = loadSpec(SPEC_FILES[vendor]);
    specs.set(vendor, spec);
  }
  return spec;
}

/** The targets of this run (from the global setup). */
export function runTargets(): TargetInfo[] {
  return inject('targets');
}

let diskCounter = 0;

export { MUTATING, MutationsNotAllowedError } from './client-layers/mutation-guard.ts';
export { BudgetExceededError } from './client-layers/ledger-budget.ts';
export { rateFor } from './client-layers/transport-policy.ts';

/** What {@link politeClient} may add around a vendor client beyond the target's own settings. */
export interface PoliteOptions {
  limiter?: RateLimiter;
  /** Where exchanges are recorded. */
  log?: ExchangeLog;
  /** The run's ledger (real endpoints only). */
  ledger?: Ledger;
  /** The run's disk leases: without them, creates do not wait for the disk (a client outside a run). */
  leases?: DiskLeases;
}

/**
 * The suite's client for a target: the vendor client wrapped in one small layer per concern
 * (src/conformance/client-layers/), outermost first —
 * 1. `mutationGuard`: no change to resources on a target that does not allow mutations;
 * 2. `runLabelLayer`: every create carries the run's label (tag beside the case's own, or name prefix);
 * 3. `inFlightLayer`: a create waits until no snapshot this run made of its disks is in flight (disk leases);
 * 4. `ledgerBudget`: every create in the ledger before it is sent, none past the budget;
 * 5. `idempotencyToken`: the vendor's token on creates, so a retry is safe;
 * 6. `exchangeRecord`: transcripts redacted, every exchange logged;
 * 7. `transportPolicy`: pacing, bounded retries, reconciliation of a create that failed in flight.
 * The next concern is one more layer.
 */
export function politeClient(info: TargetInfo, spec: VendorSpec, adapter: VendorAdapter, raw: VendorClient, options: PoliteOptions = {}): VendorClient {
  const layers: Layer[] = [
    mutationGuard(info, spec),
    runLabelLayer(info, spec, adapter),
    ...(options.leases ? [inFlightLayer(info, spec, adapter, options.leases)] : []),
    ledgerBudget(info, spec, adapter, options.ledger),
    idempotencyToken(spec),
    exchangeRecord(info, options.log),
    transportPolicy(info, spec, adapter, raw, options.limiter ?? new RateLimiter()),
  ];
  return { call: compose(layers, (action, params, options) => raw.call(action, params, options?.wire ? { wire: options.wire } : undefined)) };
}

/** Opens a session on a target; call in `beforeAll`, close in `afterAll`. */
export function openSession(info: TargetInfo): TargetSession {
  const spec = specOf(info.vendor);
  const adapter = adapterFor(info.vendor);
  const label = runLabel(info.runId);
  const transport = new HttpTransport();
  const log = exchangeLog();
  const reportDir = process.env[RUN_ENV.reportDir];
  // Only real endpoints keep a ledger: an emulator's world ends with the run.
  const ledger = reportDir && info.runId && !info.emulator ? new Ledger(ledgerFile(reportDir, info.runId)) : undefined;
  const driven = sdkDriven(info, spec);
  const unavailable = info.unavailable ?? ('unavailable' in driven ? driven.unavailable : undefined);
  const raw = 'client' in driven ? driven.client : adapter?.createClient(info, spec, transport);
  const leaseDir = inject('leaseDir');
  const client = adapter && raw && !unavailable
    ? politeClient(info, spec, adapter, raw, {
      log, ...(ledger ? { ledger } : {}),
      // The run's workers share the disk leases and the pacing of each target's requests.
      ...(leaseDir ? { leases: new DiskLeases(leaseDir), limiter: new RateLimiter({ shared: new SharedPacing(leaseDir) }) } : {}),
    })
    : undefined;
  const documented = documentedWires(spec, adapter?.signatures);
  const wires = 'client' in driven ? [undefined] : selectWires(documented, info.wires ?? {});
  return {
    info, spec, adapter, client,
    unavailable,
    label,
    wires,
    onWire: (caseId, wire) => {
      const id = wireCaseId(caseId, wire, spec);
      return { caseId: id, title: id === caseId ? '' : ` [${wireName(wire!)}]`, record: wire && documented.length > 1 ? { wire } : {} };
    },
    driver: 'client' in driven ? { id: driven.id, version: driven.version, cannotSend: (action, params, about) => driven.client.cannotSend(action, params, about) } : undefined,
    name: (suffix) => `${label.prefix}${suffix}`,
    unlabelled(action, params) {
      if (info.emulator || !adapter) return undefined;
      const result = labelled(adapter, spec, action, params, label);
      return 'problem' in result ? `not sent to a real endpoint: ${result.problem}, so the run could not find and delete what it creates` : undefined;
    },
    async disk(purpose) {
      const fresh = await this.freshDisk();
      if (fresh) return fresh;
      // Rules spread over the disks that take snapshots, so that independent rules seldom wait for one disk.
      const pool = [...(info.fixtures?.sameInstanceDisks ?? []), ...(info.fixtures?.otherInstanceDisk ? [info.fixtures.otherInstanceDisk] : [])];
      if (pool.length === 0) return undefined;
      let hash = 0;
      for (const char of purpose) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
      return pool[hash % pool.length];
    },
    readOnly: mutationsAllowed(info) ? undefined : 'the target does not allow mutations (allowMutations: false; --allow-mutations overrides)',
    async freshDisk() {
      const emulator = adapter?.emulator;
      if (!info.emulator || !emulator) return undefined;
      const instanceDisk = info.fixtures?.sameInstanceDisks[0];
      const id = emulator.diskId(`${process.pid}${++diskCounter}`);
      const { seed } = emulator.fixtures(info.region);
      const model = seed.disks?.find((d) => d.id === instanceDisk);
      const response = await fetch(`${info.endpoint}/_snapconform/seed`, adminPost({ region: info.region, disks: [{ ...model, id }] }));
      if (!response.ok) throw new Error(`seeding a fresh disk failed: HTTP ${response.status}`);
      return id;
    },
    close: async () => {
      await transport.close();
      await log?.close();
    },
  };
}

const sdks = new Map<string, ReturnType<typeof loadSdk>>();

/**
 * The run's SDK driver for a target (`--driver`), its SDK loaded once per worker from the user's project:
 * nothing when the run has none, the reason when the driver cannot serve this target.
 */
function sdkDriven(info: TargetInfo, spec: VendorSpec): { client: DriverClient; id: string; version: string | undefined } | { unavailable: string } | Record<string, never> {
  const id = process.env[RUN_ENV.driver];
  if (!id) return {};
  const driver = driverFor(id);
  if (!driver) return { unavailable: `no SDK driver '${id}'` };
  if (driver.vendor !== info.vendor) return { unavailable: `the ${id} driver speaks ${driver.vendor}, not ${info.vendor}` };
  const from = process.env[RUN_ENV.driverPath] ?? process.cwd();
  let loaded = sdks.get(`${id}\u0000${from}`);
  if (!loaded) {
    try {
      loaded = loadSdk(driver, from);
    } catch (error) {
      if (error instanceof DriverNotFoundError) return { unavailable: error.message };
      throw error;
    }
    sdks.set(`${id}\u0000${from}`, loaded);
  }
  try {
    return { client: driver.createClient(loaded.sdk, loaded.load, info, spec), id, version: loaded.version };
  } catch (error) {
    // An SDK whose shape the driver does not know (another major version, a broken build): every rule skips, saying so.
    return { unavailable: `the ${id} driver cannot use the SDK${loaded.version ? ` ${loaded.version}` : ''} it found: ${(error as Error).message}` };
  }
}

/** Where a worker records exchanges during a run: `<report dir>/.exchanges/<pid>-<n>.ndjson`. */
export const EXCHANGES_DIR = '.exchanges';
let logCounter = 0;

function exchangeLog(): ExchangeLog | undefined {
  const dir = process.env[RUN_ENV.reportDir];
  return dir ? new ExchangeLog(join(dir, EXCHANGES_DIR, `${process.pid}-${++logCounter}.ndjson`)) : undefined;
}

/**
 * Declares a rule's tests once per target of the run: a `describe` named after the target, with a session
 * opened for it and closed after it. Rule files call this instead of looping over targets themselves.
 * The targets of a file run side by side (a real endpoint takes seconds to minutes per snapshot, and one
 * target's wait must not hold up the others); the tests of one target run one after another, as written.
 */
export function describeEachTarget(body: (target: TargetInfo, session: TargetSession) => void): void {
  for (const target of runTargets()) {
    const session = openSession(target);
    describe(target.name, { concurrent: true }, () => {
      afterAll(() => session.close());
      describe.sequential('rules', () => body(target, session));
    });
  }
}
