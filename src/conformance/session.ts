import { afterAll, describe, inject } from 'vitest';
import { loadSpec } from '../spec/load-spec.ts';
import type { VendorSpec } from '../spec/vendor-spec.ts';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { callWithPolicy } from '../transport/call-policy.ts';
import type { CallResult } from '../transport/call-result.ts';
import { HttpTransport } from '../transport/http-transport.ts';
import { ExchangeLog } from '../transport/exchange-log.ts';
import { RateLimiter } from '../transport/rate-limiter.ts';
import { Redactor } from '../transport/redact.ts';
import { adapterFor, SPEC_FILES } from '../vendors/registry.ts';
import type { Params, VendorAdapter, VendorClient } from '../vendors/vendor-adapter.ts';
import { RUN_ENV } from './run-env.ts';
import { Ledger, ledgerFile, possiblyCreated, type LedgerEntry } from './ledger.ts';
import { DriverNotFoundError, loadSdk, type DriverClient } from '../drivers/driver.ts';
import { driverFor } from '../drivers/registry.ts';
import { runLabel, type RunLabel } from './run-label.ts';
import { mutationsAllowed, type TargetInfo } from './target.ts';

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

/**
 * The requests per second for an action: the lower of the documented limit and the target file's. An
 * embedded emulator is not paced unless the target file asks (it enforces no limit of its own yet).
 */
export function rateFor(info: TargetInfo, spec: VendorSpec, action: string): number | undefined {
  const configured = typeof info.rateLimit === 'number' ? info.rateLimit : info.rateLimit?.[action];
  const documented = info.emulator ? undefined : spec.action(action).rateLimit?.perSecond;
  const limits = [configured, documented].filter((n): n is number => n !== undefined);
  return limits.length > 0 ? Math.min(...limits) : undefined;
}

/** Canonical operations that change resources: refused on a target without `allowMutations`. */
export const MUTATING: ReadonlySet<string> = new Set(['createSnapshot', 'createSnapshotGroup', 'deleteSnapshots', 'deleteSnapshotGroup']);

/** A rule tried to change resources on a target that does not allow it; nothing was sent. */
export class MutationsNotAllowedError extends Error {
  override readonly name = 'MutationsNotAllowedError';
}

/** A create would go past the target's `maxSnapshots`; nothing was sent. */
export class BudgetExceededError extends Error {
  override readonly name = 'BudgetExceededError';
}

/** The id a successful create answered with (snapshot or group), for the ledger. */
function createdId(adapter: VendorAdapter, result: CallResult): string | undefined {
  return adapter.canonical.createSnapshot?.snapshotId(result) ?? adapter.canonical.createSnapshotGroup?.groupId(result);
}

/**
 * Marks a create with the run's label (src/conformance/run-label.ts), whichever rule sent it, so that what
 * the run creates can be told apart on a real account: a create that names no tags gets the run's tag, and a
 * snapshot group without a name (the documents give groups no default name) gets one with the run's prefix.
 * A create that names tags (even none) keeps them: its rule chose them (request cases about tags, the
 * roundtrip rule, which adds the tag itself). A snapshot's name is never added: an unnamed create is how the
 * documented default name is tested; the tag marks it.
 */
function withRunLabel(adapter: VendorAdapter, spec: VendorSpec, action: string, params: Params, label: RunLabel): Params {
  const canonical = spec.action(action).canonical;
  const binding = canonical === 'createSnapshot' ? adapter.canonical.createSnapshot : canonical === 'createSnapshotGroup' ? adapter.canonical.createSnapshotGroup : undefined;
  if (!binding) return params;
  const labelled = { ...params };
  if (binding.tagsParameter && labelled[binding.tagsParameter] === undefined) labelled[binding.tagsParameter] = [{ Key: label.tag.key, Value: label.tag.value }];
  if (canonical === 'createSnapshotGroup' && labelled[binding.nameParameter] === undefined) labelled[binding.nameParameter] = `${label.prefix}group`;
  return labelled;
}

/**
 * Wraps a vendor client in the transport policy: each call paced per target and action, retried on
 * throttling and connection failures, a create given the vendor's idempotency token (Alibaba `ClientToken`)
 * so that a retry is safe, a create without one reconciled by the adapter instead of resent, and every
 * transcript redacted before anything records it. A change to resources is refused before it is sent when the
 * target does not allow mutations; every create is written to the ledger first, and refused past the budget,
 * and carries the run's label (name prefix or tag).
 */
export function politeClient(info: TargetInfo, spec: VendorSpec, adapter: VendorAdapter, raw: VendorClient, limiter = new RateLimiter(), log?: ExchangeLog, ledger?: Ledger): VendorClient {
  const redactor = new Redactor([info.credentials.secret, info.credentials.token]);
  const idempotency = spec.contract.idempotency;
  return {
    async call(action: string, params: Params): Promise<CallResult> {
      const canonical = spec.action(action).canonical;
      if (MUTATING.has(canonical) && !mutationsAllowed(info)) {
        throw new MutationsNotAllowedError(`${info.name}: ${action} would change resources, and this target does not allow mutations (allowMutations: false; --allow-mutations overrides)`);
      }
      const tokened = idempotency?.action === action;
      const tokenedParams = tokened && params[idempotency.parameter] === undefined ? { ...params, [idempotency.parameter]: randomUUID() } : params;
      const sent = withRunLabel(adapter, spec, action, tokenedParams, runLabel(info.runId));
      const startedAt = Date.now();
      const creates = canonical === 'createSnapshot' || canonical === 'createSnapshotGroup';
      const key = randomUUID();
      if (creates && ledger) {
        const runId = info.runId ?? 'unknown-run';
        const budget = info.maxSnapshots ?? Number.MAX_SAFE_INTEGER;
        const made = budget < Number.MAX_SAFE_INTEGER ? possiblyCreated(ledger.entries().filter((e) => e.target === info.name && e.runId === runId)).length : 0;
        if (made >= budget) {
          throw new BudgetExceededError(`${info.name}: the run has created ${made} resources, its budget (maxSnapshots: ${info.maxSnapshots})`);
        }
        const name = adapter.canonical.createSnapshot ? sent[adapter.canonical.createSnapshot.nameParameter] : undefined;
        ledger.append({ runId, target: info.name, vendor: info.vendor, action, at: new Date().toISOString(), state: 'sending', key, ...(typeof name === 'string' ? { name } : {}) });
      }
      const record = (state: LedgerEntry['state'], resourceId?: string) => {
        if (creates && ledger) ledger.append({ runId: info.runId ?? 'unknown-run', target: info.name, vendor: info.vendor, action, at: new Date().toISOString(), state, key, ...(resourceId ? { resourceId } : {}) });
      };
      let result: CallResult;
      try {
        result = await callWithPolicy({
        key: `${info.name}/${action}`,
        perSecond: rateFor(info, spec, action),
        send: () => raw.call(action, sent),
        unsafeToRepeat: (canonical === 'createSnapshot' || canonical === 'createSnapshotGroup') && !tokened,
        reconcile: adapter.reconcileCreate ? () => adapter.reconcileCreate!(raw, action, sent, startedAt) : undefined,
        }, limiter);
      } catch (error) {
        record('unknown');
        throw error;
      }
      record(result.ok ? 'created' : 'refused', createdId(adapter, result));
      const transcript = redactor.transcript(result.transcript);
      log?.append({
        target: info.name, action, startedAt: new Date(startedAt).toISOString(), durationMs: Math.round(result.durationMs),
        attempts: result.attempts ?? 1, reconciled: result.reconciled ?? false, request: transcript.request, response: transcript.response,
      });
      return { ...result, transcript };
    },
  };
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
  const client = adapter && raw && !unavailable
    ? politeClient(info, spec, adapter, raw, new RateLimiter(), log, ledger)
    : undefined;
  return {
    info, spec, adapter, client,
    unavailable,
    label,
    driver: 'client' in driven ? { id: driven.id, version: driven.version, cannotSend: (action, params, about) => driven.client.cannotSend(action, params, about) } : undefined,
    name: (suffix) => `${label.prefix}${suffix}`,
    readOnly: mutationsAllowed(info) ? undefined : 'the target does not allow mutations (allowMutations: false; --allow-mutations overrides)',
    async freshDisk() {
      const emulator = adapter?.emulator;
      if (!info.emulator || !emulator) return undefined;
      const instanceDisk = info.fixtures?.sameInstanceDisks[0];
      const id = emulator.diskId(`${process.pid}${++diskCounter}`);
      const { seed } = emulator.fixtures(info.region);
      const model = seed.disks?.find((d) => d.id === instanceDisk);
      const response = await fetch(`${info.endpoint}/_snapconform/seed`, {
        method: 'POST',
        body: JSON.stringify({ region: info.region, disks: [{ ...model, id }] }),
      });
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
 */
export function describeEachTarget(body: (target: TargetInfo, session: TargetSession) => void): void {
  for (const target of runTargets()) {
    const session = openSession(target);
    afterAll(() => session.close());
    describe(target.name, () => body(target, session));
  }
}
