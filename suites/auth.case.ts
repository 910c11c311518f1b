import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { minimalValidRequest, unknownParameterUndocumented } from '../src/conformance/invalid-cases.ts';
import { describeError, observe, record, skipBecause } from '../src/conformance/rule-meta.ts';
import { ruleSelected } from '../src/conformance/rule-catalogue.ts';
import { RUN_ENV } from '../src/conformance/run-env.ts';
import { describeEachTarget, EXCHANGES_DIR, politeClient, type TargetSession } from '../src/conformance/session.ts';
import type { SourceRef, SourceRefs, VendorError, Wire } from '../src/spec/spec-types.ts';
import type { ActionSpec } from '../src/spec/vendor-spec.ts';
import type { CallResult } from '../src/transport/call-result.ts';
import { ExchangeLog } from '../src/transport/exchange-log.ts';
import { HttpTransport } from '../src/transport/http-transport.ts';
import { RateLimiter } from '../src/transport/rate-limiter.ts';
import type { AuthErrorRole, Params, RawClient, WireControl } from '../src/vendors/vendor-adapter.ts';
import { expectRefusedWith } from '../properties/support/checks.ts';

// Authentication and protocol: a request that is signed wrong, by an unknown key, too long ago, with a nonce
// already used (where nonces are replay protected), for an action or version the service does not have, or
// with a parameter the request schema does not define, is refused with the error the documents name for
// that case, at its documented HTTP status. The calls are reads (the describe action), safe on any account.
// The codes come from each adapter's `authErrors` (which codes of the spec answer which case); statuses and
// sources from the spec. Every rule runs on each of the target's wires (each documented signature, asking
// for each answer format it allows: session.wires).

/** The one action every rule here sends: a read. */
const ACTION = 'describeSnapshots';
/** A version no vendor has. */
const UNKNOWN_VERSION = '2000-01-01';
/** An action name no vendor has. */
const UNKNOWN_ACTION = 'SnapconformNoSuchAction';
/** A parameter name no request schema defines. */
const UNKNOWN_PARAMETER = 'SnapconformUnknownParameter';
/** How far beyond the documented clock-skew window the stale timestamp lies. */
const STALE_BEYOND_WINDOW_SECONDS = 60;

const NEEDS_RAW = 'rule needs raw wire control';

function refs(...sources: Array<SourceRefs | undefined>): SourceRef[] {
  return sources.flatMap((s) => (s === undefined ? [] : Array.isArray(s) ? s : [s]));
}

/** The documented refusal for a role: the adapter's code, with status and source from the spec. */
interface Expected {
  /**
   * The errors allowed, each with a status the spec gives its code; marked `inferred` where the documents do
   * not name the code for this case (every documented error, when they name none: any of them then).
   */
  errors: VendorError[];
  text: string;
  source: SourceRef[];
  inferred: boolean;
}

function expectedFor(session: TargetSession, action: ActionSpec, role: AuthErrorRole, what: string): Expected {
  const { spec, adapter } = session;
  const documented = spec.documentedErrors(action.action);
  // Every entry that lists the code (an action's table and the common table may both), with its status.
  const entriesOf = (code: string) => documented.filter((e) => e.code === code || e.alternatives?.includes(code)).map((e) => ({ ...e, code, alternatives: undefined }));
  const named = adapter?.authErrors?.[role];
  if (!named) {
    // The refusal is documented (the service does not serve such a request); which code answers it is not.
    const note = 'the documents name no code for this case: any documented code, at its documented status';
    return {
      errors: documented.flatMap((e) => [e.code, ...(e.alternatives ?? [])]).flatMap(entriesOf).map((e) => ({ ...e, inferred: true, note })),
      source: refs(spec.protocol.source), inferred: true,
      text: `${what} is refused (the documents name no code for this case: a documented error at its documented status is expected, inferred)`,
    };
  }
  const codes = [named.code, ...(named.alternatives ?? [])];
  const entries = codes.map((code) => documented.find((e) => e.code === code));
  const missing = codes.filter((_, i) => !entries[i]);
  // The adapter names a code the spec does not document: the suite is wrong, not the vendor (an `error`).
  if (missing.length > 0) throw new Error(`the ${spec.vendor} adapter names ${missing.join(', ')} for ${role}, which the spec does not document`);
  const primary = entries[0]!;
  const shown: VendorError = { code: primary.code, status: primary.status, inferred: primary.inferred || named.inferredBecause !== undefined };
  const others = named.alternatives?.length ? ` (or ${named.alternatives.join(', ')})` : '';
  // The adapter's reason outranks the entry's note: the code is documented, its use for this case is not.
  const errors = codes.flatMap(entriesOf).map((e) => (named.inferredBecause ? { ...e, inferred: true, note: named.inferredBecause } : e));
  return {
    errors, source: refs(...entries.map((e) => e!.source)),
    inferred: errors.some((e) => e.inferred),
    text: `${what} is refused with ${describeError(shown)}${others}${named.inferredBecause ? `; ${named.inferredBecause}` : ''}`,
  };
}


let logCounter = 0;

/** Sends the describe call with one departure from the SDKs' wire. */
type Sender = (wire: WireControl) => (params: Params) => Promise<CallResult>;
type Task = Parameters<typeof record>[0];

describeEachTarget((target, session) => {
  const { spec, adapter } = session;
  const action = spec.forCanonical(ACTION);
  const transport = new HttpTransport();
  const dir = process.env[RUN_ENV.reportDir];
  const log = dir ? new ExchangeLog(join(dir, EXCHANGES_DIR, `${process.pid}-wire-${++logCounter}.ndjson`)) : undefined;
  const limiter = new RateLimiter();
  afterAll(async () => {
    await transport.close();
    await log?.close();
  });

  const params = (): Params | undefined => {
    if (!action) return undefined;
    const fixtures = target.fixtures;
    return (fixtures && adapter?.validRequest(action.action, fixtures)) ?? (minimalValidRequest(action.resolvedRequestSchema, action.validateRequest) as Params | undefined);
  };

  /**
   * A raw client behind the same transport policy as every other call (pacing, redaction, the exchange log),
   * signing and asking as `on` says.
   */
  const wireClient = (on: Wire | undefined): Sender | undefined => {
    if (!adapter?.rawClient || session.unavailable || session.driver) return undefined;
    const raw: RawClient = adapter.rawClient(target, spec, transport);
    return (wire) => (p) => politeClient(target, spec, adapter, { call: (a, q) => raw.call(a, q, on ? { ...wire, wire: on } : wire) }, { limiter, ...(log ? { log } : {}) }).call(action!.action, p);
  };

  /** One rule's test: the record, the skips every rule shares, then `run`. */
  interface RuleDef {
    ruleId: string;
    title: string;
    /** The case, for the expected code; undefined when the rule finds its expectation elsewhere. */
    role?: AuthErrorRole;
    /** The request, in words. */
    what: string;
    /** Why the rule does not apply to this target, if it does not. */
    skip?: () => string | undefined;
    /** Overrides the expectation derived from `role`. */
    expectation?: (expected: Expected | undefined) => { text: string; source?: SourceRefs; inferred?: boolean } | undefined;
    run: (send: Sender | undefined, request: Params, expected: Expected | undefined, task: Task, wire: Wire | undefined) => Promise<void>;
  }

  const declare = (def: RuleDef) => {
    if (!ruleSelected(def.ruleId)) return;
    for (const wire of session.wires) declareOn(def, wire);
  };

  const declareOn = (def: RuleDef, wire: Wire | undefined) => {
    const on = session.onWire(action ? `${action.action}.${def.ruleId.split('.')[1]}` : def.ruleId, wire);
    test(`${def.title}${on.title}`, async (context) => {
      const { task } = context;
      record(task, {
        ruleId: def.ruleId,
        caseId: on.caseId,
        vendor: target.vendor,
        target: target.name,
        expectation: { text: def.what },
        ...on.record,
      });
      const expected = action && def.role ? expectedFor(session, action, def.role, def.what) : undefined;
      record(task, { expectation: def.expectation?.(expected) ?? (expected ? { text: expected.text, source: expected.source, inferred: expected.inferred } : { text: def.what }) });
      const reason = session.unavailable ?? (!action ? `the ${target.vendor} spec binds no ${ACTION}` : undefined) ?? def.skip?.();
      if (reason) skipBecause(context, reason);
      const request = params();
      if (!request) skipBecause(context, `no valid ${action!.action} request to start from`);
      const send = wireClient(wire);
      if (!send && def.role) skipBecause(context, session.driver ? `${NEEDS_RAW}: under --driver ${session.driver.id} the SDK builds and signs every request` : NEEDS_RAW);
      record(task, { counterexample: request });
      await def.run(send, request!, expected, task, wire);
    });
  };

  /** A rule that sends one call wrong in one way and expects the documented refusal. */
  const refusedWhenSent = (wire: WireControl, what: string) => async (send: Sender | undefined, request: Params, expected: Expected | undefined, task: Task) => {
    const result = await send!(wire)(request);
    observe(task, result);
    await expectRefusedWith(task, result, expected!.errors, what);
  };

  declare({
    ruleId: 'auth.wrong-signature', title: 'should refuse a request signed with a wrong secret',
    role: 'wrongSignature', what: 'a request signed with a wrong secret',
    run: refusedWhenSent({ wrongSecret: true }, 'a wrong signature'),
  });

  declare({
    ruleId: 'auth.unknown-key', title: 'should refuse a request signed by a key the service does not know',
    role: 'unknownKey', what: 'a request by an unknown key id',
    run: refusedWhenSent({ unknownKey: true }, 'an unknown key'),
  });

  const window = spec.protocol.clockSkewSeconds;
  const staleBy = window ? window.value + STALE_BEYOND_WINDOW_SECONDS : 0;
  declare({
    ruleId: 'auth.expired-timestamp', title: 'should refuse a request whose timestamp lies outside the documented clock-skew window',
    role: 'expired', what: window ? `a request stamped ${staleBy} s ago (the window is ${window.value} s)` : 'a stale request',
    skip: () => (window ? undefined : `the ${target.vendor} spec documents no clock-skew window (x-protocol.clockSkewSeconds)`),
    // The window is a documented fact too: cite it beside the code.
    expectation: (expected) => expected && { text: expected.text, source: refs(window?.source, expected.source), inferred: Boolean(window?.inferred) || expected.inferred },
    run: refusedWhenSent({ timestampOffsetSeconds: -staleBy }, 'a stale timestamp'),
  });

  declare({
    ruleId: 'auth.replayed-nonce', title: 'should refuse a request that repeats the nonce of an earlier one',
    role: 'replayedNonce', what: 'a request repeating an earlier nonce',
    skip: () => (adapter?.authErrors?.replayedNonce ? undefined : `the ${target.vendor} spec documents no replay protection (no error for a reused nonce)`),
    expectation: () => (adapter?.authErrors?.replayedNonce ? undefined : { text: 'the documents describe no replay protection: no error answers a reused nonce', source: spec.protocol.source }),
    async run(send, request, expected, task) {
      // Both calls through one raw client: the second repeats the first one's nonce.
      const first = await send!({})(request);
      expect(first.ok, `the first call, with a fresh nonce, was refused: ${first.error?.code}`).toBe(true);
      const replay = await send!({ repeatNonce: true })(request);
      observe(task, replay);
      await expectRefusedWith(task, replay, expected!.errors, 'a replayed nonce');
    },
  });

  declare({
    ruleId: 'protocol.unknown-action', title: 'should refuse an action the service does not have',
    role: 'unknownAction', what: `an unknown action (${UNKNOWN_ACTION})`,
    run: refusedWhenSent({ action: UNKNOWN_ACTION }, 'an unknown action'),
  });

  declare({
    ruleId: 'protocol.unknown-version', title: 'should refuse an API version the service does not have',
    role: 'unknownVersion', what: `an unknown API version (${UNKNOWN_VERSION})`,
    skip: () => (spec.version === UNKNOWN_VERSION ? 'the probe version is the spec\'s own' : undefined),
    run: refusedWhenSent({ version: UNKNOWN_VERSION }, 'an unknown version'),
  });

  // No wire control needed: an ordinary, correctly signed call with one parameter too many, refused with
  // the spec's error for breaking `additionalProperties`.
  const closed = action?.resolvedRequestSchema['additionalProperties'] === false;
  const unknownParameter = action ? spec.errorForKeyword(action.action, [UNKNOWN_PARAMETER], 'additionalProperties') as (VendorError & { source?: SourceRefs }) | undefined : undefined;
  const refusalUndocumented = unknownParameterUndocumented(spec.validationErrors);
  declare({
    ruleId: 'protocol.unknown-parameter', title: 'should refuse a parameter the request schema does not define',
    what: `a request with an unknown parameter (${UNKNOWN_PARAMETER})`,
    skip: () => (closed
      ? session.driver?.cannotSend(action!.action, { ...params(), [UNKNOWN_PARAMETER]: 'x' })
      : `the ${target.vendor} spec does not say ${action!.action} refuses unknown parameters (its request schema is open)`),
    expectation: () => unknownParameter && {
      text: `a request with an unknown parameter (${UNKNOWN_PARAMETER}) is refused with ${describeError(unknownParameter)}${refusalUndocumented ? ` (not documented: ${refusalUndocumented})` : ''}`,
      source: unknownParameter.source, inferred: unknownParameter.inferred || refusalUndocumented !== undefined,
    },
    async run(_send, request, _expected, task, wire) {
      const result = await session.client!.call(action!.action, { ...request, [UNKNOWN_PARAMETER]: 'x' }, wire ? { wire } : {});
      observe(task, result);
      await expectRefusedWith(task, result, [unknownParameter!], 'a request with an unknown parameter', refusalUndocumented ? { refusalInferred: refusalUndocumented } : {});
    },
  });
});
