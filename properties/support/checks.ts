import { expect, type TestContext } from 'vitest';
import { decidedBy, describeError, failRule, inferredCheck, record } from '../../src/conformance/rule-meta.ts';
import type { TargetSession } from '../../src/conformance/session.ts';
import { readinessTimeoutMs, type TargetInfo } from '../../src/conformance/target.ts';
import { waitUntilDone } from '../../src/conformance/client-layers/in-flight.ts';
import type { Contract, VendorError } from '../../src/spec/spec-types.ts';
import { citeSource, contractValues, variantLabel } from '../../src/spec/vendor-spec.ts';
import type { CallResult } from '../../src/transport/call-result.ts';

/** The running test, as vitest hands it to a test function. */
type Test = TestContext['task'];

/** The codes the documents allow for a refusal: the code and its alternatives. */
export function codesOf(error: VendorError): string[] {
  return [error.code, ...(error.alternatives ?? [])];
}

/** Options of {@link expectRefusedWith}. */
export interface RefusalOptions {
  /**
   * Set when the documents do not say the request is refused at all (Alibaba's pages are silent on unknown
   * parameters, for instance): why, citing the spec. The whole expectation is then an inferred check.
   */
  refusalInferred?: string;
}

/** Why a code or status is not documented: each inferred error with the spec's own note. */
function whyInferred(errors: VendorError[]): string {
  return errors.map((e) => `${describeError(e)}: ${e.note ?? 'the documents do not name this code or its status for the case'}`).join('; ');
}

/**
 * Asserts that a call was refused with one of `errors` (a code or one of its alternatives) at that error's
 * status (no `errors`: only the refusal). The refusal is asserted plainly: the documents state it. The code
 * and the status are asserted plainly where the documents name them, and inside {@link inferredCheck} where
 * they do not (an error marked
 * `inferred`), so a service refusing with another code is `undocumented`, not `fail`: a code outside the list
 * is a deviation only when every listed error is documented, a status only when one of the errors with that
 * code is. With `refusalInferred`, the refusal itself is an inferred check too.
 */
export async function expectRefusedWith(task: Test, result: CallResult, errors: VendorError[], what: string, options: RefusalOptions = {}): Promise<void> {
  if (options.refusalInferred) {
    const { refusalInferred, ...rest } = options;
    return inferredCheck(task, refusalInferred, () => expectRefusedWith(task, result, errors, what, rest));
  }
  const documented = errors.length === 0 ? 'a refusal' : `a refusal with ${errorsText(errors)}`;
  if (result.ok) failRule(task, `${what} was accepted (HTTP ${result.httpStatus}); expected ${documented}`, result);
  // No error to compare with: where the documents name none, only the refusal is checked.
  if (errors.length === 0) return;
  const code = result.error?.code;
  const matching = errors.filter((e) => code !== undefined && codesOf(e).includes(code));
  if (matching.length === 0) {
    const checkCode = () => failRule(task, `${what} was refused with ${code ?? 'no readable error code'} (HTTP ${result.httpStatus}); expected ${documented}`, result);
    const inferred = errors.filter((e) => e.inferred);
    return inferred.length === 0 ? checkCode() : inferredCheck(task, whyInferred(inferred), checkCode);
  }
  const statuses = [...new Set(matching.map((e) => e.status))];
  if (statuses.includes(result.httpStatus)) return;
  const checkStatus = () => failRule(task, `${what} was refused with ${code} at HTTP ${result.httpStatus}; expected ${code} at HTTP ${statuses.join(' or ')}`, result);
  return matching.some((e) => !e.inferred) ? checkStatus() : inferredCheck(task, whyInferred(matching), checkStatus);
}

/** `InvalidParameterValue (HTTP 400) or InvalidParameter (HTTP 400)`: every code the documents allow, with its status. */
function errorsText(errors: VendorError[]): string {
  return [...new Set(errors.flatMap((e) => codesOf(e).map((c) => `${c} (HTTP ${e.status})`)))].join(' or ');
}

/**
 * Asserts that a snapshot created without a name was described with the documented default, any page's
 * (Tencent: "Unnamed" on the intl page, "not named" on the 2017 page, 未命名 on the zh pages: the contract's
 * `value` and `variants`), and records which one the service showed when the pages give several.
 */
export async function expectDefaultName(task: Test, name: string | undefined, rule: NonNullable<Contract['default-snapshot-name']>): Promise<void> {
  const names = contractValues(rule);
  // Recorded before the check: a wrong default name is what a comparison of targets must show.
  decidedBy(task, undefined, { 'default name': JSON.stringify(name ?? null) });
  const check = () => {
    if (!names.some((n) => n.value === name)) failRule(task, `the snapshot created without a name was described as ${JSON.stringify(name)}; expected the default name ${names.map((n) => JSON.stringify(n.value)).join(' or ')}`);
  };
  if (rule.inferred) await inferredCheck(task, `the default name is inferred: ${rule.note ?? citeSource(rule.source)}`, check);
  else check();
  const seen = names.find((n) => n.value === name)!;
  if (names.length > 1) record(task, { variantSeen: variantLabel(`default name '${seen.value}'`, seen) });
}

/** Asserts that a call succeeded. */
export function expectAccepted(result: CallResult, what: string): void {
  if (result.ok) return;
  const error = result.error ? `${result.error.code} (HTTP ${result.httpStatus})${result.error.message ? `: ${result.error.message}` : ''}` : `HTTP ${result.httpStatus} and no readable error`;
  failRule(undefined, `${what} was refused with ${error}; expected it to be accepted`, result);
}

/**
 * Asserts that a check found nothing (envelope findings, requests a driver sent against the documents):
 * otherwise the headline lists what it found, each item in its own words.
 */
export function expectNone(task: Test, found: ReadonlyArray<string>, what: string, failing?: CallResult): void {
  if (found.length > 0) failRule(task, `${what}: ${found.join('; ')}`, failing);
}

/** Tags as a person reads them: `key=value, key=value`, or none. */
const tagsText = (tags: ReadonlyArray<{ key: string; value: string }>) => (tags.length === 0 ? 'none' : tags.map((t) => `${t.key}=${t.value}`).join(', '));

/**
 * Asserts that a snapshot is described with the tags its create sent (in any order); otherwise the headline
 * names both sets.
 */
export function expectSameTags(task: Test | undefined, described: ReadonlyArray<{ key: string; value: string }>, sent: ReadonlyArray<{ key: string; value: string }>, snapshotId: string): void {
  const sorted = (tags: ReadonlyArray<{ key: string; value: string }>) => JSON.stringify([...tags].map((t) => [t.key, t.value]).sort());
  if (sorted(described) !== sorted(sent)) failRule(task, `the tags of snapshot ${snapshotId} were described as ${tagsText(described)}; its create sent ${tagsText(sent)}`);
}

/**
 * Runs a deterministic rule as named steps: when a step's assertion fails, the step (its name and inputs)
 * is recorded as the rule's counterexample before the failure propagates, so the report says which step
 * showed the deviation.
 */
export async function step<T>(task: Test, name: string, inputs: Record<string, unknown>, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    if ((error as Error | undefined)?.name === 'AssertionError') record(task, { counterexample: { step: name, ...inputs } });
    throw error;
  }
}

/** The DescribeDisks request parameter that names disk ids, and how it carries a list (array or JSON text). */
function diskIdsParameter(session: TargetSession, action: string): { name: string; encode: (ids: string[]) => unknown } | undefined {
  const properties = (session.spec.action(action).resolvedRequestSchema['properties'] ?? {}) as Record<string, Record<string, unknown>>;
  const name = Object.keys(properties).find((k) => k.toLowerCase() === 'diskids');
  if (!name) return undefined;
  const schema = properties[name]!;
  if (schema['type'] === 'array') return { name, encode: (ids) => ids };
  if (schema['type'] === 'string' && schema['contentMediaType'] === 'application/json') return { name, encode: (ids) => JSON.stringify(ids) };
  return undefined;
}

/** The first object in a decoded answer that holds `id` as one of its values (the disk's own entry). */
function entryFor(value: unknown, id: string): Record<string, unknown> | undefined {
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = entryFor(item, id);
      if (found) return found;
    }
    return undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  const object = value as Record<string, unknown>;
  if (Object.values(object).includes(id)) return object;
  for (const child of Object.values(object)) {
    const found = entryFor(child, id);
    if (found) return found;
  }
  return undefined;
}

/**
 * A disk as the vendor's DescribeDisks reports it, by id: the entry that carries the id, from which a rule
 * reads the fields the contract names (`allowed-disk-states.field`, `snapshot-ability.field`). Undefined
 * when the spec has no DescribeDisks that filters by id, or the answer does not list the disk.
 */
export async function describeDisk(session: TargetSession, target: TargetInfo, diskId: string): Promise<{ entry: Record<string, unknown> | undefined; result?: CallResult }> {
  const action = session.spec.forCanonical('describeDisks');
  if (!action || !session.client) return { entry: undefined };
  const ids = diskIdsParameter(session, action.action);
  if (!ids) return { entry: undefined };
  const base = (target.fixtures && session.adapter?.validRequest(action.action, target.fixtures)) || {};
  const result = await session.client.call(action.action, { ...base, [ids.name]: ids.encode([diskId]) as never });
  return { entry: result.ok ? entryFor(result.data, diskId) : undefined, result };
}

/**
 * On a real endpoint, waits until a snapshot is done (the contract's lifecycle `completed` word), within the
 * target's readiness timeout. (Creates wait for the disk by themselves: src/conformance/client-layers/
 * in-flight.ts; a rule calls this when it needs the snapshot finished for its own sake, e.g. to delete it.)
 * An emulator creates at once unless a rule raised its creation time, so nothing waits there.
 */
export async function settle(session: TargetSession, target: TargetInfo, snapshotId: string): Promise<void> {
  const { client, adapter, spec } = session;
  if (target.emulator || !client || !adapter) return;
  const limit = readinessTimeoutMs(target);
  const settled = await waitUntilDone((a, p) => client.call(a, p), spec, adapter, target.region, { id: snapshotId, kind: 'snapshot', since: Date.now() }, Date.now() + limit);
  if (!settled.done) throw new Error(`${target.name}: snapshot ${snapshotId} was still ${settled.state} after ${limit / 1000} s (readinessTimeoutSeconds)`);
}

/**
 * Deletes snapshots a rule made on a real endpoint (best effort: the run's ledger and sweep catch the rest).
 * `emulatorToo` deletes them on an emulator as well: for a rule that creates on one disk once per property
 * run, so that `--runs` can scale it without meeting the per-disk quota.
 */
export async function cleanUp(session: TargetSession, target: TargetInfo, snapshotIds: string[], options: { emulatorToo?: boolean } = {}): Promise<void> {
  const remove = session.adapter?.canonical.deleteSnapshot;
  const action = session.spec.forCanonical('deleteSnapshots');
  if ((target.emulator && !options.emulatorToo) || !remove || !action || !session.client) return;
  for (const id of snapshotIds) {
    try {
      await settle(session, target, id);
      await session.client.call(action.action, remove.params(id, target.region));
    } catch {
      // best effort
    }
  }
}

// The state words of a snapshot on its way out (Zenlayer DELETING, Tencent TORECYCLE in the specs' enums).
const DELETING = /delet|recycl/i;

/**
 * Asserts that a delete the service accepted took effect: describing the snapshot finds it gone (absent, or
 * refused with the delete action's documented not-found code) or in a deleting state, not as it was.
 */
export async function expectDeleted(task: Test, session: TargetSession, target: TargetInfo, snapshotId: string): Promise<void> {
  const describeOne = session.adapter?.canonical.describeSnapshot;
  const notFound = session.adapter?.canonical.deleteSnapshot?.notFound;
  const action = session.spec.forCanonical('describeSnapshots')?.action;
  if (!describeOne || !action || !session.client) return;
  const result = await session.client.call(action, describeOne.params(snapshotId, target.region));
  if (!result.ok && result.error?.code === notFound) return;
  if (!result.ok) failRule(task, `describing snapshot ${snapshotId} after its delete was refused with ${result.error?.code} (HTTP ${result.httpStatus}); expected it described as gone, or refused with ${notFound ?? 'the not-found code'}`, result);
  const seen = describeOne.snapshot(result);
  if (seen) record(task, { counterexample: { snapshotId, stateAfterDelete: seen.state } });
  if (seen !== undefined && !DELETING.test(seen.state)) failRule(task, `snapshot ${snapshotId} was still described as ${seen.state} after the service accepted its delete; expected it gone or deleting`, result);
}

/** A longer test timeout for real endpoints, where snapshots take minutes. */
export function timeoutFor(target: TargetInfo): number | undefined {
  return target.emulator ? undefined : 3 * 3600_000;
}
