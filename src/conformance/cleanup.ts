import { join } from 'node:path';
import { loadSpec } from '../spec/load-spec.ts';
import type { CallResult } from '../transport/call-result.ts';
import { ExchangeLog } from '../transport/exchange-log.ts';
import { HttpTransport } from '../transport/http-transport.ts';
import { adapterFor } from '../vendors/registry.ts';
import type { VendorSpec } from '../spec/vendor-spec.ts';
import type { NeutralSnapshot, Params, VendorAdapter, VendorClient } from '../vendors/vendor-adapter.ts';
import { clientAtEndpointClock } from './endpoint-clock.ts';
import { ledgerFile, possiblyCreated, readLedger, type LedgerEntry, type PossiblyCreated } from './ledger.ts';
import { keptForObligations, readObligations } from './obligations.ts';
import { RUN_ENV } from './run-env.ts';
import { carriesLabel, runLabel } from './run-label.ts';
import { EXCHANGES_DIR, politeClient } from './session.ts';
import { boundsOf, loadTargetFile } from './target-file.ts';
import type { TargetInfo } from './target.ts';

/** A resource the cleanup did not delete, and why. */
export interface CleanupNote {
  /** The resource's id, or for a create whose id was never learnt its name (or key). */
  id: string;
  reason: string;
}

/**
 * What a cleanup did on one target. Everything the ledger lists ends in exactly one list; `deleted`, `gone`
 * and `kept` (for a later obligation check) are settled, the rest is for a person (or a later `snapconform sweep`).
 */
export interface CleanupResult {
  target: string;
  /** Deleted by this cleanup, and confirmed by a describe: no longer described, or described as being deleted. */
  deleted: string[];
  /** Already gone: not described any more (deleted by the rule that made it), or refused as not found. */
  gone: string[];
  /**
   * Still there: the delete was refused, answered success without deleting, or the cleanup's deadline passed
   * while the snapshot was busy; or left alone because the service describes it without the run's name prefix
   * or tag (the ledger alone is not proof enough to delete something).
   */
  leftBehind: CleanupNote[];
  /**
   * Not deleted because the cleanup could not tell what it is: the describe that would show the run's label
   * failed, the adapter cannot describe it, or a create's outcome is unknown and it cannot be looked up.
   */
  unconfirmed: CleanupNote[];
  /**
   * Not deleted because an open retention obligation still needs it (src/conformance/obligations.ts):
   * `snapconform obligations check` deletes it once it has checked it. Settled for now, never left behind.
   * Absent when nothing was kept.
   */
  kept?: CleanupNote[];
}

/** Options of {@link cleanUp}. */
export interface CleanupOptions {
  /** The bound on the whole cleanup of a target; what is not settled by then is reported. @defaultValue the target's `cleanupDeadlineMs`, else 10 minutes */
  deadlineMs?: number;
  /** Where every request and answer of the cleanup is recorded (`exchanges.ndjson` of the run, or the sweep's file). */
  log?: ExchangeLog;
  /** Resources to leave in place, by id, each with the reason the result lists it under (open obligations: {@link keptForObligations}). */
  keep?: ReadonlyMap<string, string>;
  /** The endpoint's clock minus ours, in ms, when known: requests are signed at the endpoint's time ({@link clientAtEndpointClock}). */
  clockOffsetMs?: number;
}

/** The cleanup's bound on a real target: long enough for a snapshot in creation to finish, never unbounded. */
export const DEFAULT_CLEANUP_DEADLINE_MS = 10 * 60_000;

// Tencent ResourceUnavailable.SnapshotCreating / ResourceBusy, Alibaba Operation.Conflict, Zenlayer
// OPERATION_DENIED_DISK_SNAPSHOT_STATUS: the refusals that mean "try again once creation has finished".
const BUSY = /Creating|Busy|Conflict|SNAPSHOT_STATUS/i;

// The state words of a resource on its way out (Zenlayer DELETING, Tencent TORECYCLE in the specs' enums):
// a delete that leads there has done its part.
export const DELETING = /delet|recycl/i;

/** The first wait before a busy snapshot is tried again, and the longest; waits double in between. */
const FIRST_WAIT_MS = 2000;
const LONGEST_WAIT_MS = 30_000;

/** The waits before a failed describe is sent again. */
const DESCRIBE_RETRY_MS = [500, 1500];

/** How long a snapshot still described after a successful delete is described again before the delete counts as failed. */
const SETTLE_MS = [1000, 2000];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** A resource as the cleanup reads it: what marks it as a run's, and its state. */
type Described = { id: string; name?: string; state?: string; tags?: Array<{ key: string; value: string }> };

/** How a describe ended: the resource, `gone` when the service does not list it, or why it cannot tell. */
type Seen = { present: Described } | { gone: true } | { unknown: string };

/** What one call answered, in a few words: its code, else its HTTP status. */
function answerText(answer: CallResult): string {
  return answer.error?.code ?? `HTTP ${answer.httpStatus}`;
}

/** One target's cleanup: the client, the bindings, the clock and the result being filled. */
class TargetCleanup {
  readonly result: CleanupResult;
  private readonly settled = new Set<string>();
  private readonly groupCreate: string | undefined;
  private readonly lifecycle: VendorSpec['contract']['snapshot-lifecycle'];

  constructor(
    private readonly target: TargetInfo,
    private readonly spec: VendorSpec,
    private readonly adapter: VendorAdapter,
    private readonly client: VendorClient,
    private readonly deadline: number,
    private readonly deadlineMs: number,
  ) {
    this.result = { target: target.name, deleted: [], gone: [], leftBehind: [], unconfirmed: [] };
    this.groupCreate = spec.forCanonical('createSnapshotGroup')?.action;
    this.lifecycle = spec.contract['snapshot-lifecycle'];
  }

  private get pastDeadline(): boolean {
    return Date.now() >= this.deadline;
  }

  /** Sends one call; a call that throws (the transport gave up) is an answer too, never an exception here. */
  private async send(action: string, params: Params): Promise<CallResult | { thrown: string }> {
    try {
      return await this.client.call(action, params);
    } catch (error) {
      return { thrown: `${action} failed: ${(error as Error).message.split('\n')[0]}` };
    }
  }

  /** How the service describes a created resource now. */
  private async describe(isGroup: boolean, id: string): Promise<Seen> {
    const { describeSnapshot, describeSnapshotGroup } = this.adapter.canonical;
    const action = this.spec.forCanonical(isGroup ? 'describeSnapshotGroups' : 'describeSnapshots')?.action;
    const bound = isGroup ? describeSnapshotGroup : describeSnapshot;
    if (!action || !bound) return { unknown: `snapconform cannot describe a ${isGroup ? 'snapshot group' : 'snapshot'} of ${this.target.vendor}` };
    let answer = await this.send(action, bound.params(id, this.target.region));
    // A failed describe is asked again a few times (a passing server error should not leave a resource), then
    // the resource is left alone: without a describe there is no proof that it is the run's.
    for (const wait of DESCRIBE_RETRY_MS) {
      if (!('thrown' in answer) && answer.ok) break;
      if (Date.now() + wait >= this.deadline) break;
      await sleep(wait);
      answer = await this.send(action, bound.params(id, this.target.region));
    }
    if ('thrown' in answer) return { unknown: answer.thrown };
    if (!answer.ok) return { unknown: `${action} answered ${answerText(answer)}` };
    const found = isGroup ? describeSnapshotGroup!.group(answer) : describeSnapshot!.snapshot(answer);
    if (!found) return { gone: true };
    // A describe that ignored the id filter would show someone else's resource: its label proves nothing.
    if (found.id !== id) return { unknown: `${action} answered with ${found.id}, not the resource asked for` };
    return { present: found };
  }

  /** The delete of one resource: a group as a group (its members with it), anything else as a snapshot. */
  private deletion(isGroup: boolean, id: string): { action: string; params: Params; notFound: string | undefined } | undefined {
    const binding = isGroup ? this.adapter.canonical.deleteSnapshotGroup : this.adapter.canonical.deleteSnapshot;
    const action = this.spec.forCanonical(isGroup ? 'deleteSnapshotGroup' : 'deleteSnapshots')?.action;
    if (!binding || !action) return undefined;
    // The not-found code is trusted only where the spec documents it for this delete.
    const notFound = binding.notFound !== undefined && this.spec.documentedErrors(action).some((e) => e.code === binding.notFound) ? binding.notFound : undefined;
    return { action, params: binding.params(id, this.target.region), notFound };
  }

  /** Whether a described state means "still being created": the contract's creating word. */
  private creating(state: string | undefined): boolean {
    return state !== undefined && this.lifecycle !== undefined && state === this.lifecycle.creating;
  }

  /** Describes after a delete until it shows the resource gone or going, or the settle waits run out. */
  private async confirm(isGroup: boolean, id: string): Promise<Seen> {
    let seen = await this.describe(isGroup, id);
    for (const wait of SETTLE_MS) {
      if (!('present' in seen) || DELETING.test(seen.present.state ?? '') || this.creating(seen.present.state) || this.pastDeadline) break;
      await sleep(Math.min(wait, this.deadline - Date.now()));
      seen = await this.describe(isGroup, id);
    }
    return seen;
  }

  /**
   * Deletes one resource the ledger names, if a successful describe shows it carries the label of the run
   * that created it, and confirms the delete by describing again.
   */
  async remove(isGroup: boolean, id: string, runId: string): Promise<void> {
    if (this.settled.has(id)) return;
    this.settled.add(id);
    const what = isGroup ? 'snapshot group' : 'snapshot';
    if (this.pastDeadline) {
      this.result.unconfirmed.push({ id, reason: `not looked at: the cleanup's deadline (${this.deadlineMs / 1000} s) had passed` });
      return;
    }
    const first = await this.describe(isGroup, id);
    if ('unknown' in first) {
      this.result.unconfirmed.push({ id, reason: `not deleted: could not tell whether it carries the run's label (${first.unknown})` });
      return;
    }
    if ('gone' in first) {
      this.result.gone.push(id);
      return;
    }
    if (!carriesLabel(first.present, runLabel(runId))) {
      this.result.leftBehind.push({ id, reason: `left alone: the service describes it without the run's name prefix or tag` });
      return;
    }
    if (DELETING.test(first.present.state ?? '')) {
      this.result.gone.push(id);
      return;
    }
    const deletion = this.deletion(isGroup, id);
    if (!deletion) {
      this.result.leftBehind.push({ id, reason: `snapconform cannot delete a ${what} of ${this.target.vendor}` });
      return;
    }
    let wait = FIRST_WAIT_MS;
    for (;;) {
      const answer = await this.send(deletion.action, deletion.params);
      const refusedAsGone = !('thrown' in answer) && !answer.ok && deletion.notFound !== undefined && answer.error?.code === deletion.notFound;
      const said = 'thrown' in answer ? answer.thrown : answer.ok ? 'success' : answerText(answer);
      let busy = !('thrown' in answer) && !answer.ok && !refusedAsGone && BUSY.test(answer.error?.code ?? '');
      if ('thrown' in answer || answer.ok || refusedAsGone) {
        // The answer alone is not proof: a delete may answer success and delete nothing (Zenlayer lists the ids
        // it could not delete in a success), and one that failed in flight may have been carried out.
        const after = await this.confirm(isGroup, id);
        if ('gone' in after || ('present' in after && DELETING.test(after.present.state ?? ''))) {
          (refusedAsGone ? this.result.gone : this.result.deleted).push(id);
          return;
        }
        if ('unknown' in after) {
          this.result.unconfirmed.push({ id, reason: `${deletion.action} answered ${said}, and the describe that would confirm it failed (${after.unknown})` });
          return;
        }
        busy = this.creating(after.present.state);
        if (!busy) {
          this.result.leftBehind.push({
            id,
            reason: 'thrown' in answer ? answer.thrown
              : answer.ok ? `delete answered success but the ${what} is still described`
                : `delete answered ${said} (not found) but the ${what} is still described`,
          });
          return;
        }
      }
      if (!busy) {
        this.result.leftBehind.push({ id, reason: `${deletion.action} answered ${said}` });
        return;
      }
      // Only "still being created" is worth waiting for, and only until the deadline.
      if (Date.now() + wait >= this.deadline) {
        this.result.leftBehind.push({ id, reason: `still being created when the cleanup's deadline (${this.deadlineMs / 1000} s) passed (last answer: ${said})` });
        return;
      }
      await sleep(wait);
      wait = Math.min(wait * 2, LONGEST_WAIT_MS);
    }
  }

  /**
   * A create whose id was never learnt (its outcome is unknown): looked up by the name it gave, where the
   * adapter can look snapshots up by name; whatever that finds carrying the run's label is deleted as above.
   */
  async findAndRemove(created: PossiblyCreated, knownIds: ReadonlySet<string>): Promise<void> {
    const label = created.name ?? `(unnamed create, ledger key ${created.key})`;
    const finder = this.adapter.canonical.findSnapshotsByName;
    const action = this.spec.forCanonical('describeSnapshots')?.action;
    if (created.action === this.groupCreate || !finder || !action) {
      this.result.unconfirmed.push({ id: label, reason: `the create's outcome is unknown (no id was returned), and snapconform cannot look it up on ${this.target.vendor}` });
      return;
    }
    if (created.name === undefined) {
      this.result.unconfirmed.push({ id: label, reason: `the create's outcome is unknown (no id was returned), and it gave no name to look it up by` });
      return;
    }
    if (this.pastDeadline) {
      this.result.unconfirmed.push({ id: label, reason: `not looked up: the cleanup's deadline (${this.deadlineMs / 1000} s) had passed` });
      return;
    }
    const answer = await this.send(action, finder.params(created.name, this.target.region));
    if ('thrown' in answer || !answer.ok) {
      this.result.unconfirmed.push({ id: label, reason: `the create's outcome is unknown, and looking it up by name failed (${'thrown' in answer ? answer.thrown : `${action} answered ${answerText(answer)}`})` });
      return;
    }
    const named = finder.snapshots(answer).filter((s: NeutralSnapshot) => s.name === created.name && !knownIds.has(s.id));
    if (named.length === 0) {
      this.result.gone.push(`${label} (the create made nothing, or it is gone)`);
      return;
    }
    for (const snapshot of named) await this.remove(false, snapshot.id, created.runId);
  }
}

/**
 * Deletes what the ledger says the suite created on a target, and nothing else: only ids the service itself
 * returned to a create of this tool, and of those only resources that a successful describe shows carrying
 * the creating run's name prefix or tag (`src/conformance/run-label.ts`). When it cannot tell, it leaves the
 * resource and says so (`unconfirmed`). Each delete is confirmed by describing again; a snapshot still being
 * created is tried again with growing waits; the whole cleanup ends by `options.deadlineMs`, reporting what
 * is left. A create whose outcome is unknown is looked up by its name.
 */
export async function cleanUp(target: TargetInfo, entries: LedgerEntry[], options: CleanupOptions = {}): Promise<CleanupResult> {
  const deadlineMs = options.deadlineMs ?? target.cleanupDeadlineMs ?? DEFAULT_CLEANUP_DEADLINE_MS;
  const adapter = adapterFor(target.vendor);
  const listed = possiblyCreated(entries.filter((e) => e.target === target.name));
  // What an open obligation still needs stays, listed as kept: the obligation check deletes it later.
  const kept = listed.flatMap((c) => (c.resourceId && options.keep?.has(c.resourceId) ? [{ id: c.resourceId, reason: options.keep.get(c.resourceId)! }] : []));
  const withKept = (result: CleanupResult): CleanupResult => (kept.length > 0 ? { ...result, kept } : result);
  const mine = listed.filter((c) => !(c.resourceId && options.keep?.has(c.resourceId)));
  if (mine.length === 0) return withKept({ target: target.name, deleted: [], gone: [], leftBehind: [], unconfirmed: [] });
  if (!adapter) {
    return withKept({ target: target.name, deleted: [], gone: [], leftBehind: [], unconfirmed: mine.map((c) => ({ id: c.resourceId ?? c.name ?? c.key, reason: `snapconform cannot speak the ${target.vendor} protocol` })) });
  }
  const spec = loadSpec(adapter.specFile);
  const transport = new HttpTransport();
  // The cleanup is the run's (or the user's, through sweep) own request to delete what it made: allowed even
  // where rules may not create.
  const client = politeClient({ ...target, allowMutations: true }, spec, adapter, clientAtEndpointClock(adapter, target, spec, transport, options.clockOffsetMs ?? 0), { ...(options.log ? { log: options.log } : {}) });
  const cleanup = new TargetCleanup(target, spec, adapter, client, Date.now() + deadlineMs, deadlineMs);
  const groupCreate = spec.forCanonical('createSnapshotGroup')?.action;
  const knownIds = new Set(listed.flatMap((c) => (c.resourceId ? [c.resourceId] : [])));
  try {
    // Known ids first: a lookup by name then skips what they already account for.
    for (const created of mine) {
      if (created.resourceId) await cleanup.remove(created.action === groupCreate, created.resourceId, created.runId);
    }
    for (const created of mine) {
      if (!created.resourceId) await cleanup.findAndRemove(created, knownIds);
    }
  } finally {
    await transport.close();
  }
  return withKept(cleanup.result);
}

/** Whether a cleanup left anything a person must look at: a resource left behind, or one it could not confirm. */
export function leftSomething(result: CleanupResult): boolean {
  return result.leftBehind.length + result.unconfirmed.length > 0;
}

/**
 * The end-of-run cleanup (called by the report's reporter before the report is built): every real target of
 * the run — read from the run's target file the way the global setup reads it — cleaned of what the run's
 * ledger lists, each request recorded beside the workers' exchanges so that `exchanges.ndjson` has them too.
 * Returns one result per real target the suite can speak to, or undefined when the run has no ledger to go
 * by (no report directory or run id) or no real target.
 */
export async function cleanUpRun(reportDir: string, runId: string, env: NodeJS.ProcessEnv = process.env, options: Omit<CleanupOptions, 'log'> = {}): Promise<CleanupResult[] | undefined> {
  const file = env[RUN_ENV.targetFile];
  if (!file) return undefined;
  const vendors = (env[RUN_ENV.vendors] ?? '').split(',').filter(Boolean);
  const allowAll = env[RUN_ENV.allowMutations] === '1';
  const real = loadTargetFile(file, env)
    .filter((entry) => entry.endpoint !== 'emulator' && (vendors.length === 0 || vendors.includes(entry.vendor)) && adapterFor(entry.vendor));
  if (real.length === 0) return undefined;
  const ledger = readLedger(ledgerFile(reportDir, runId));
  // The run's open obligations keep their snapshots: `snapconform obligations check` needs them later.
  const open = readObligations(reportDir).open.filter((o) => o.runId === runId);
  const log = new ExchangeLog(join(reportDir, EXCHANGES_DIR, `cleanup-${process.pid}.ndjson`));
  try {
    const results: CleanupResult[] = [];
    for (const entry of real) {
      const target: TargetInfo = {
        name: entry.name, vendor: entry.vendor, endpoint: entry.endpoint, region: entry.region, credentials: entry.credentials!,
        emulator: false, rateLimit: entry.rateLimit, allowMutations: allowAll || entry.allowMutations, runId, ...boundsOf(entry),
      };
      results.push(await cleanUp(target, ledger, { ...options, log, keep: keptForObligations(open, entry.name) }));
    }
    return results;
  } finally {
    await log.close();
  }
}
