import { expect, test } from 'vitest';
import { invalidCases, minimalValidRequest } from '../src/conformance/invalid-cases.ts';
import { ruleSelected } from '../src/conformance/rule-catalogue.ts';
import { observe, record, skipBecause } from '../src/conformance/rule-meta.ts';
import { describeEachTarget } from '../src/conformance/session.ts';
import type { LoggedRequest } from '../src/emulator/request-log.ts';
import type { CallResult } from '../src/transport/call-result.ts';
import type { Params } from '../src/vendors/vendor-adapter.ts';
import { admin } from '../properties/support/emulator.ts';
import { expectNone } from '../properties/support/checks.ts';

// Rules that exist only under --driver: they judge the SDK, not the service. What the SDK put on the wire is
// read from the emulator's request log (`GET /_snapconform/requests`): the violations of the documents the
// emulator saw, and the parameters as they arrived.

/** The emulator's log after `after`. */
async function requestsAfter(target: Parameters<typeof admin>[0], after: number): Promise<LoggedRequest[]> {
  return (await admin(target, `requests?after=${after}`))['requests'] as LoggedRequest[];
}

/** The newest sequence number in the emulator's log. */
async function lastSeq(target: Parameters<typeof admin>[0]): Promise<number> {
  return (await admin(target, `requests?after=${Number.MAX_SAFE_INTEGER}`))['lastSeq'] as number;
}

/** Leaves of `given` that did not arrive with the same value (form encodings carry every value as text), with both values. */
function notArrived(given: unknown, arrived: unknown, at = ''): Array<{ parameter: string; given: unknown; arrived: unknown }> {
  const path = (key: string | number) => (at ? `${at}.${key}` : String(key));
  if (given === undefined) return [];
  if (Array.isArray(given)) {
    return given.flatMap((item, i) => notArrived(item, Array.isArray(arrived) ? arrived[i] : undefined, path(i)));
  }
  if (given !== null && typeof given === 'object') {
    const into = arrived !== null && typeof arrived === 'object' ? arrived as Record<string, unknown> : {};
    return Object.entries(given).flatMap(([key, value]) => notArrived(value, into[key], path(key)));
  }
  return arrived !== undefined && String(arrived) === String(given) ? [] : [{ parameter: at || '(request)', given, arrived }];
}

describeEachTarget((target, session) => {
  if (!session.driver) return;
  const { spec, adapter } = session;
  const describeSnapshots = spec.forCanonical('describeSnapshots')?.action;
  const createAction = spec.forCanonical('createSnapshot')?.action;
  const notHere = () => session.unavailable
    ?? (!target.emulator ? 'needs an emulator: what the SDK sent is read from its request log' : undefined)
    ?? session.readOnly;

  if (ruleSelected('sdk.request-conformance')) test(`should send what the documents require, as the suite gave it to ${session.driver.id}`, async (context) => {
    const { task } = context;
    record(task, {
      ruleId: 'sdk.request-conformance', caseId: `${session.driver!.id}`, vendor: target.vendor, target: target.name,
      expectation: { text: `every request ${session.driver!.id} sends for the canonical operations breaks no rule of the ${target.vendor} spec (parameters, types, array flattening, signature, content type), and carries every parameter it was given`, source: spec.forCanonical('createSnapshot')?.source },
    });
    const reason = notHere() ?? (!adapter?.canonical.createSnapshot || !adapter.canonical.describeSnapshot || !createAction || !describeSnapshots ? 'the adapter binds no createSnapshot/describeSnapshot' : undefined);
    if (reason || !adapter || !session.client) skipBecause(context, reason ?? 'no client');
    const disk = await session.freshDisk();
    if (!disk) skipBecause(context, 'the emulator could not add a fresh disk');
    const create = adapter.canonical.createSnapshot!;
    const describeOne = adapter.canonical.describeSnapshot!;
    const retention = spec.contract['minimum-retention'] ?? spec.contract['retention-auto-delete'];
    const after = await lastSeq(target);
    const sent: Array<{ operation: string; params: Params; result: CallResult }> = [];
    const send = async (operation: string, params: Params) => {
      const result = await session.client!.call(operation, params);
      observe(task, result);
      sent.push({ operation, params, result });
      return result;
    };
    // Every parameter the canonical create has: a name, tags where the vendor takes them, a retention deadline.
    const deadline = retention ? new Date(Math.ceil((Date.now() + 3 * 86_400_000) / 1000) * 1000) : undefined;
    const created = await send(createAction!, create.params({
      diskId: disk!, name: session.name('sdk'), ...(deadline ? { deadline } : {}),
      ...(create.tagsParameter ? { tags: [session.label.tag, { key: 'sdk', value: session.driver!.id }] } : {}),
    }));
    const id = create.snapshotId(created);
    if (id) await send(describeSnapshots!, describeOne.params(id, target.region));
    const describeDisks = spec.forCanonical('describeDisks')?.action;
    const disks = describeDisks && target.fixtures ? adapter.validRequest(describeDisks, target.fixtures) : undefined;
    if (describeDisks && disks) await send(describeDisks, disks);
    if (id && adapter.canonical.deleteSnapshot) await send(spec.forCanonical('deleteSnapshots')!.action, adapter.canonical.deleteSnapshot.params(id, target.region));

    const log = await requestsAfter(target, after);
    const findings = sent.flatMap(({ operation, params, result }) => {
      const arrived = log.find((entry) => result.requestId !== undefined && entry.requestId === result.requestId);
      if (!arrived) return [{ operation, rule: 'request-id', detail: `the SDK's answer carries no request id the service gave (${result.requestId ?? 'none'}): the request cannot be found` }];
      if (arrived.violation) return [{ operation, parameter: arrived.violation.parameter, rule: arrived.violation.rule, detail: arrived.violation.detail, source: arrived.violation.source }];
      return notArrived(params, arrived.params).map(({ parameter, given, arrived: got }) => ({
        operation, parameter, rule: 'parameter-dropped', detail: `given to the SDK as ${JSON.stringify(given)}, arrived as ${JSON.stringify(got ?? null)}`,
      }));
    });
    record(task, { counterexample: findings.length > 0 ? findings : sent.map((s) => ({ operation: s.operation, params: s.params })) });
    expectNone(task, findings.map((f) => `${f.operation}${'parameter' in f && f.parameter ? ` ${f.parameter}` : ''} (${f.rule}): ${f.detail}`), `${session.driver!.id} sent requests the documents refuse, or without parameters it was given`);
    for (const { operation, result } of sent) expect(result.ok, `${operation} through ${session.driver!.id} was refused with ${result.error?.code}: ${result.error?.message}`).toBe(true);
  });

  if (ruleSelected('sdk.error-surfacing')) test(`should surface every documented error through ${session.driver.id} with its code and request id`, async (context) => {
    const { task } = context;
    record(task, {
      ruleId: 'sdk.error-surfacing', caseId: `${session.driver!.id}`, vendor: target.vendor, target: target.name,
      expectation: { text: `a documented error the service answers reaches the caller of ${session.driver!.id} with the same code and request id, not as a generic exception` },
    });
    const reason = notHere() ?? (!createAction || !adapter?.canonical.createSnapshot ? 'the adapter binds no createSnapshot' : undefined);
    if (reason || !adapter || !session.client) skipBecause(context, reason ?? 'no client');
    const create = adapter.canonical.createSnapshot!;
    const action = spec.action(createAction!);
    // A business refusal (a disk that does not exist) and a refused request (the first case that breaks one
    // constraint and that the SDK can send).
    const valid = (target.fixtures && adapter.validRequest(createAction!, target.fixtures)) ?? (minimalValidRequest(action.resolvedRequestSchema, action.validateRequest) as Params);
    const invalid = invalidCases(action.resolvedRequestSchema, valid as never, action.validateRequest)
      .find((c) => !session.driver!.cannotSend(createAction!, c.request, c.path) && c.keyword !== 'required');
    const provocations: Array<{ what: string; params: Params }> = [
      { what: 'a create on a disk that does not exist', params: create.params({ diskId: adapter.emulator?.diskId('404') ?? 'no-such-disk', name: session.name('sdk-error') }) },
      ...(invalid ? [{ what: `a create that breaks \`${invalid.keyword}\` (${invalid.description})`, params: invalid.request as Params }] : []),
    ];
    const findings: Array<Record<string, unknown>> = [];
    for (const { what, params } of provocations) {
      const after = await lastSeq(target);
      // An SDK that turns an error into a generic exception throws: that is what this rule is about, so the
      // exception is what the SDK surfaced (no code, no request id).
      const result = await session.client.call(createAction!, params).catch((error: unknown): Pick<CallResult, 'ok' | 'error' | 'requestId'> => ({
        ok: false, requestId: undefined, error: { code: '', message: `${(error as Error).name}: ${(error as Error).message}` },
      }));
      if ('transcript' in result) observe(task, result as CallResult);
      // What the service answered: the entry with the SDK's request id, else the one refusal of this create.
      const log = (await requestsAfter(target, after)).filter((e) => e.action === createAction && e.code !== undefined);
      const answered = log.find((e) => e.requestId === result.requestId) ?? (log.length === 1 ? log[0] : undefined);
      if (!answered) {
        findings.push({ what, problem: 'the service\'s answer cannot be found in its request log (no matching request id)', surfaced: { code: result.error?.code, requestId: result.requestId } });
        continue;
      }
      if (result.ok || result.error?.code !== answered.code || result.requestId !== answered.requestId) {
        findings.push({ what, answered: { code: answered.code, requestId: answered.requestId, status: answered.status }, surfaced: result.ok ? 'success' : { code: result.error?.code || '(no code)', requestId: result.requestId ?? '(no request id)', message: result.error?.message } });
      }
    }
    record(task, { counterexample: findings.length > 0 ? findings : provocations });
    expectNone(task, findings.map((f) => `${f['what']}: ${f['problem'] ?? `answered ${JSON.stringify(f['answered'])}, surfaced ${JSON.stringify(f['surfaced'])}`}`), `${session.driver!.id} did not surface a documented error as the service answered it`);
  });
});
