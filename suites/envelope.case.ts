import { expect, test } from 'vitest';
import { expectNone } from '../properties/support/checks.ts';
import { carriesStringsOnly, invalidCases, minimalValidRequest } from '../src/conformance/invalid-cases.ts';
import { ruleSelected } from '../src/conformance/rule-catalogue.ts';
import { describeError, inferredCheck, observe, record, skipBecause } from '../src/conformance/rule-meta.ts';
import { describeEachTarget, type TargetSession } from '../src/conformance/session.ts';
import { isDefaultWire } from '../src/conformance/wires.ts';
import type { TargetInfo } from '../src/conformance/target.ts';
import type { VendorError, Wire } from '../src/spec/spec-types.ts';
import type { ActionSpec } from '../src/spec/vendor-spec.ts';
import type { CallResult } from '../src/transport/call-result.ts';
import type { Params } from '../src/vendors/vendor-adapter.ts';

// The envelope every answer travels in, checked on a small fixed set of calls — a valid describe, a valid
// create on a fixture disk, an invalid request and a create on a disk that does not exist — whatever their
// outcome: the request id is present and well-formed, an error's code is one the documents list for the
// action, the HTTP status is the documented one, and the body is the documented envelope, in the answer
// format the request asked for. The calls are made on each of the target's wires (each documented signature,
// asking for each answer format it allows: session.wires).

/** One of the calls the envelope rules look at. */
interface EnvelopeCall {
  /** `DescribeSnapshots.valid`, `CreateSnapshot.unknown-disk`, … (`…@rpc-v2+xml` off the default wire) */
  caseId: string;
  /** The signature and answer format it is sent with. */
  wire: Wire | undefined;
  /** What the test title adds for the wire. */
  onWire: { title: string; record: { wire?: Wire } };
  action: ActionSpec;
  /** What the call is, for test titles. */
  title: string;
  /** The request, or why this call cannot be made against the target. */
  prepare(): Promise<{ params: Params } | { skip: string }>;
  /** The error the documents give for the call, for a call meant to be refused. */
  expected?: VendorError;
}

/** The running test, as vitest hands it to a test function. */
type Task = Parameters<typeof record>[0];

// Keywords whose breaking no deviation of the emulator bends (not `enum`, not unknown parameters), in order of preference.
const INVALID_KEYWORDS = ['type', 'maximum', 'minimum', 'maxLength', 'minLength', 'required'];

const ENVELOPE_FINDINGS = new Set(['wrong-content-type', 'non-json-body', 'non-xml-body', 'no-envelope']);

function validParams(session: TargetSession, action: ActionSpec): Params | undefined {
  const fixtures = session.info.fixtures;
  return (fixtures && session.adapter?.validRequest(action.action, fixtures))
    ?? (minimalValidRequest(action.resolvedRequestSchema, action.validateRequest) as Params | undefined);
}

function envelopeCalls(target: TargetInfo, session: TargetSession, wire: Wire | undefined): EnvelopeCall[] {
  const { spec, adapter } = session;
  const calls: EnvelopeCall[] = [];
  // Each call's case id and title tell its wire; the creates of each wire go to their own disk and name.
  const onWire = (caseId: string) => {
    const on = session.onWire(caseId, wire);
    return { caseId: on.caseId, wire, onWire: { title: on.title, record: on.record } };
  };
  const suffix = isDefaultWire(wire, spec) ? '' : `-${wire!.signature}-${wire!.format}`;
  const describeAction = spec.forCanonical('describeSnapshots');
  const createAction = spec.forCanonical('createSnapshot');
  const create = adapter?.canonical.createSnapshot;
  if (describeAction) {
    calls.push({
      ...onWire(`${describeAction.action}.valid`), action: describeAction, title: `a valid ${describeAction.action}`,
      prepare: async () => {
        const params = validParams(session, describeAction);
        return params ? { params } : { skip: `no valid ${describeAction.action} request to send` };
      },
    });
    const valid = validParams(session, describeAction);
    const cases = valid
      ? invalidCases(describeAction.resolvedRequestSchema, valid as never, describeAction.validateRequest, { stringsOnly: carriesStringsOnly(describeAction.contentType) })
      : [];
    // A case whose refusal the documents state (not an inferred constraint, not an unknown name on the wire):
    // the call is there to show an error envelope.
    const refused = cases.filter((c) => !c.inferredConstraint && !c.unknownOnWire);
    const invalid = INVALID_KEYWORDS.map((keyword) => refused.find((c) => c.keyword === keyword)).find((c) => c !== undefined);
    const expected = invalid && spec.errorForKeyword(describeAction.action, invalid.path.split('.'), invalid.keyword);
    calls.push({
      ...(expected ? { expected } : {}),
      ...onWire(`${describeAction.action}.invalid${invalid ? `-${invalid.keyword}` : ''}`), action: describeAction,
      title: invalid ? `a ${describeAction.action} whose ${invalid.path} breaks \`${invalid.keyword}\`` : `an invalid ${describeAction.action}`,
      prepare: async () => (invalid ? { params: invalid.request as Params } : { skip: `no constraint of ${describeAction.action} to break` }),
    });
  }
  if (createAction) {
    const notCreating = () => session.readOnly ?? (!create ? 'the adapter binds no createSnapshot' : undefined);
    calls.push({
      ...onWire(`${createAction.action}.valid`), action: createAction, title: `a valid ${createAction.action} on a fixture disk`,
      prepare: async () => {
        const reason = notCreating();
        if (reason || !create) return { skip: reason ?? 'not applicable' };
        const disk = await session.disk(`envelope${suffix}`);
        if (!disk) return { skip: 'no disk fixture' };
        return { params: create.params({ diskId: disk, name: session.name(`envelope${suffix}`) }) };
      },
    });
    const mustExist = spec.contract['disk-must-exist']?.error;
    calls.push({
      ...(mustExist ? { expected: mustExist } : {}),
      ...onWire(`${createAction.action}.unknown-disk`), action: createAction, title: `a ${createAction.action} on a disk that does not exist`,
      prepare: async () => {
        const reason = notCreating();
        if (reason || !create) return { skip: reason ?? 'not applicable' };
        // A disk id of the vendor's shape that no fixture and no fresh disk has.
        const disk = adapter?.emulator?.diskId('nosuchdisk0');
        if (!disk) return { skip: 'no disk id of this vendor\'s shape to name' };
        return { params: create.params({ diskId: disk, name: session.name(`envelope-unknown-disk${suffix}`) }) };
      },
    });
  }
  return calls;
}

/** The rules, each checked on every call. */
const RULES: Array<{ id: string; text: (call: EnvelopeCall, session: TargetSession) => string; check: (result: CallResult, call: EnvelopeCall, session: TargetSession, task: Task) => void | Promise<void> }> = [
  {
    id: 'envelope.request-id',
    text: (_call, { spec }) => `the answer carries a request id matching ${spec.envelope.requestIdPattern}${spec.envelope.requestIdInferred ? ' (the pattern is inferred from the examples)' : ''}`,
    check: async (result, _call, { spec }, task) => {
      expectNone(task, result.findings.filter((f) => f.kind === 'missing-request-id').map((f) => `${f.kind}: ${f.detail}`), 'the answer\'s request id', result);
      expect(result.requestId, 'the request id').toBeDefined();
      // The documents give examples of the id, not always a pattern: the shape is then inferred (x-envelope).
      const shape = () => expectNone(task, result.findings.filter((f) => f.kind === 'malformed-request-id').map((f) => `${f.kind}: ${f.detail}`), 'the answer\'s request id', result);
      if (spec.envelope.requestIdInferred) await inferredCheck(task, `the request-id pattern ${spec.envelope.requestIdPattern} is inferred from the documents' examples (x-envelope.requestIdInferred)`, shape);
      else shape();
    },
  },
  {
    id: 'envelope.documented-error-code',
    text: (call) => `an error's code is one the documents list for ${call.action.action} (its errors and the common errors)${call.expected?.inferred ? `; for this call the documents name no code (${describeError(call.expected)} is inferred)` : ''}`,
    check: async (result, call, { spec }, task) => {
      if (!result.error) return;
      const documented = new Set(spec.documentedErrors(call.action.action).flatMap((e) => [e.code, ...(e.alternatives ?? [])]));
      const listed = () => expect(documented.has(result.error!.code), `error code ${result.error!.code} is not documented for ${call.action.action}`).toBe(true);
      // Where the documents do not say which code answers the call, an unlisted code contradicts nothing they state.
      if (call.expected?.inferred) await inferredCheck(task, `the documents name no code for ${call.title}: ${describeError(call.expected)} is inferred (${call.expected.note ?? 'no note'}), and the code the service uses may be missing from the lists`, listed);
      else listed();
    },
  },
  {
    id: 'envelope.error-status',
    text: (call, { spec }) => (spec.envelope.errorStatus === 'always-200'
      ? 'every answer, error or not, is HTTP 200'
      : `a success is HTTP 200; an error travels with the status documented for its code (${call.action.action}'s errors and the common errors)`),
    check: async (result, call, { spec }, task) => {
      if (!result.error) {
        expect(result.httpStatus, 'HTTP status of a success').toBe(200);
        return;
      }
      if (spec.envelope.errorStatus === 'always-200') {
        expect(result.httpStatus, `HTTP status of error ${result.error.code}`).toBe(200);
        return;
      }
      const entries = spec.documentedErrors(call.action.action).filter((e) => e.code === result.error!.code || e.alternatives?.includes(result.error!.code));
      // An undocumented code has no documented status (envelope.documented-error-code reports the code):
      // it must still be an error status.
      if (entries.length === 0) {
        expect(result.httpStatus >= 400 && result.httpStatus <= 599, `HTTP ${result.httpStatus} for error ${result.error.code}`).toBe(true);
        return;
      }
      const status = () => expect([...new Set(entries.map((e) => e.status))], `HTTP status of error ${result.error!.code}`).toContain(result.httpStatus);
      // A status only observed or guessed (every entry for the code inferred) is no documented status.
      if (entries.every((e) => e.inferred)) await inferredCheck(task, `the documents do not state the status of ${result.error.code}: ${entries.map((e) => e.note ?? describeError(e)).join('; ')}`, status);
      else status();
    },
  },
  {
    id: 'envelope.content-type',
    text: (call, { spec }) => {
      const format = spec.envelope.formats?.find((f) => f.id === call.wire?.format);
      return `the answer is ${format?.contentType ?? spec.envelope.contentType ?? 'application/json'}, labelled so, in the documented envelope${format ? ` (the ${format.id} answer format the request asked for)` : ''}`;
    },
    check: (result, _call, _session, task) => {
      expectNone(task, result.findings.filter((f) => ENVELOPE_FINDINGS.has(f.kind)).map((f) => `${f.kind}: ${f.detail}`), 'the answer\'s envelope', result);
    },
  },
];

describeEachTarget((target, session) => {
  const sent = new Map<string, Promise<{ params: Params; result: CallResult } | { skip: string }>>();
  // Each call is sent once, by the first rule that looks at it; the others read the same answer.
  const send = (call: EnvelopeCall) => {
    let pending = sent.get(call.caseId);
    if (!pending) {
      pending = (async () => {
        if (session.unavailable || !session.client) return { skip: session.unavailable ?? 'no client' };
        if (session.driver) return { skip: `needs the wire: under --driver ${session.driver.id} the SDK reads the envelope (headers, raw body) and hands over only its result` };
        const prepared = await call.prepare();
        if ('skip' in prepared) return prepared;
        return { params: prepared.params, result: await session.client.call(call.action.action, prepared.params, call.wire ? { wire: call.wire } : {}) };
      })();
      sent.set(call.caseId, pending);
    }
    return pending;
  };
  for (const call of session.wires.flatMap((wire) => envelopeCalls(target, session, wire))) {
    for (const rule of RULES.filter((r) => ruleSelected(r.id))) {
      test(`${rule.id}: ${call.title}${call.onWire.title}`, async (context) => {
        const { task } = context;
        record(task, {
          ruleId: rule.id,
          caseId: call.caseId,
          vendor: target.vendor,
          target: target.name,
          expectation: { text: rule.text(call, session), source: session.spec.envelope.source, inferred: rule.id === 'envelope.request-id' ? session.spec.envelope.requestIdInferred : undefined },
          ...call.onWire.record,
        });
        const outcome = await send(call);
        if ('skip' in outcome) skipBecause(context, outcome.skip);
        record(task, { counterexample: outcome.params });
        observe(task, outcome.result);
        await rule.check(outcome.result, call, session, task);
      });
    }
  }
});
