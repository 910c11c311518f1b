import type { VendorSpec } from '../spec/vendor-spec.ts';
import type { VendorError } from '../spec/spec-types.ts';
import { handleAdmin, ADMIN_PREFIX } from './admin.ts';
import { SnapshotBackend, type IdFactory } from './backend.ts';
import { Deviations } from './deviations/catalogue.ts';
import { bendAnswer } from './deviations/answer-bends.ts';
import { DEFAULT_HOLD_MS, FaultPlan, RateGate } from './faults.ts';
import { documentedMessage } from './documented-message.ts';
import { DomainError, type DomainRefusal } from './domain-error.ts';
import type { ArrivedHttpRequest, HttpAnswer } from './http-server.ts';
import type { Disk } from './model.ts';
import { firstViolation } from './request-validation.ts';
import { rulesFromContract } from './rules.ts';
import { RequestLog, violationOf, type FaultCause } from './request-log.ts';
import { requestIsUtf8 } from './utf8.ts';

/** A key pair an emulator accepts, and the account it belongs to. */
export interface EmulatorPrincipal {
  id: string;
  secret: string;
  account: string;
}

/** A refusal in the vendor's words: the code, the HTTP status it travels with, and a message. */
export class VendorFault extends Error {
  /** `cause`: what the request broke, where the refusing code knows (request validation does). */
  constructor(readonly code: string, readonly status: number, message: string, readonly broke?: FaultCause) {
    super(message);
  }
}

/** What a vendor's emulator is started with. */
export interface VendorEmulatorOptions {
  spec: VendorSpec;
  principals: EmulatorPrincipal[];
  /** Deliberate deviations from the documents. @defaultValue none */
  deviations?: Deviations;
}

/** What every vendor front end is built from. */
export interface FrontEndOptions {
  spec: VendorSpec;
  principals: EmulatorPrincipal[];
  deviations?: Deviations;
  /** How this vendor words a disk's state (the contract's `allowed-disk-states` values). */
  renderDiskState: (disk: Disk) => string;
  ids: IdFactory;
  /** For a service whose API names no region (Zenlayer ZEC): the one scope of all its resources. */
  fixedRegion?: string;
  /** Vendor errors for domain refusals that the contract does not cover (companion actions). */
  refusals: Partial<Record<DomainRefusal, VendorError>>;
}

/**
 * The vendor-neutral half of an emulator front end: the backend with rules read from the spec's contract,
 * the admin API, request validation against the spec, and the mapping of domain refusals to the vendor's
 * documented codes. A vendor front end adds only its wire protocol: how a request is authenticated and
 * read, and how answers and faults are written.
 */
export abstract class EmulatorFrontEnd {
  readonly backend: SnapshotBackend;
  /** Every API request as answered, with the violations of the documents (src/emulator/request-log.ts). */
  readonly requests = new RequestLog();
  protected readonly spec: VendorSpec;
  protected readonly principals: Map<string, EmulatorPrincipal>;
  protected deviations: Deviations;
  private readonly options: FrontEndOptions;
  private readonly faults = new FaultPlan();
  private readonly gate = new RateGate();
  private limits = true;
  /** Whether the protocol reads the query (GET, an `Action` parameter, form encoding) — Zenlayer's does not. */
  private readonly readsQuery: boolean;

  constructor(options: FrontEndOptions) {
    this.options = options;
    this.spec = options.spec;
    this.deviations = options.deviations ?? new Deviations();
    this.principals = new Map(options.principals.map((p) => [p.id, p]));
    this.backend = new SnapshotBackend({ rules: this.rules(), ids: options.ids });
    const protocol = this.spec.protocol;
    this.readsQuery = (protocol.methods ?? [protocol.method]).includes('GET') || protocol.action.query !== undefined || /form-urlencoded/i.test(protocol.contentType);
  }

  private rules() {
    return rulesFromContract(this.spec.contract, this.options.renderDiskState, this.deviations);
  }

  /** The HTTP handler; hand it to `listen`. */
  readonly handle = async (request: ArrivedHttpRequest): Promise<HttpAnswer> => {
    if (request.path.startsWith(ADMIN_PREFIX)) return this.admin(request);
    // Read once: a form body (Alibaba RPC V2) is parsed to find it.
    const action = this.peekAction(request);
    const answer = await this.unbent(request, action);
    // A real service's `Date` header is its own clock; the retention rule places the 24-hour boundary by it
    // (RFC 9110 §6.6.1). Node would send the wall clock, which is wrong once a rule moved the emulator's clock.
    const dated = { ...answer, headers: { date: new Date(this.backend.clock.now()).toUTCString(), ...answer.headers } };
    // The answer-wide deviations (request id, content type, fields left out), in one place.
    return bendAnswer(dated, this.deviations, action !== undefined && this.spec.hasAction(action) && this.spec.action(action).canonical === 'describeSnapshots');
  };

  /** The admin API (`/_snapconform/`), with what it may change. */
  private admin(request: ArrivedHttpRequest): HttpAnswer {
    return handleAdmin(request, {
      backend: this.backend,
      deviations: () => this.deviations,
      setDeviations: (deviations) => {
        this.deviations = deviations;
        this.backend.setRules(this.rules());
      },
      defaultAccount: this.options.principals[0]?.account ?? 'default',
      fixedRegion: this.options.fixedRegion,
      faults: this.faults,
      limits: () => this.limits,
      setLimits: (on) => {
        this.limits = on;
      },
      requests: this.requests,
    });
  }

  // An API request's answer, before the answer-wide deviations.
  private readonly unbent = async (request: ArrivedHttpRequest, action: string | undefined): Promise<HttpAnswer> => {
    const requestId = this.newRequestId();
    this.keyLookedUp = undefined;
    this.arrivedParams = undefined;
    this.signatureInUse = undefined;
    const injected = this.faults.pick(action);
    if (injected?.kind === 'latency') await new Promise((resolve) => setTimeout(resolve, injected.latencyMs ?? 1000));
    else if (injected?.kind === 'hold') await this.faults.held(injected.latencyMs ?? DEFAULT_HOLD_MS);
    else if (injected?.kind === 'drop') return { status: 0, headers: {}, body: '', drop: true };
    else if (injected?.kind === 'malformed') return { status: 200, headers: { 'content-type': 'application/json' }, body: '{"Response": {"RequestId": ' };
    else if (injected?.kind === 'throttle') return this.refuse(requestId, this.throttled(action, undefined), action);
    else if (injected?.kind === 'error5xx') {
      const internal = this.commonError(/^(InternalError|INTERNAL_SERVER_ERROR)$/) ?? { code: 'InternalError', status: 500 };
      return { ...this.refuse(requestId, new VendorFault(internal.code, 500, 'An internal error occurred (injected fault).'), action), status: 500 };
    }
    const limit = action && this.spec.hasAction(action) ? this.spec.action(action).rateLimit?.perSecond : undefined;
    if (this.limits && limit !== undefined) {
      const { count, over } = this.gate.admit(action!, limit, Date.now());
      if (over) return this.refuse(requestId, this.throttled(action, { count, limit }), action);
    }
    try {
      if (!requestIsUtf8(this.readsQuery ? request.query : undefined, request.body, request.headers['content-type'])) {
        // The vendors' "incorrect parameter (format, type)" error: x-validation-errors' `type`.
        const { code, status } = this.spec.validationErrors.type;
        throw new VendorFault(code, status, 'The request is not valid UTF-8.', { rule: 'encoding' });
      }
      const answer = this.serve(request, requestId);
      this.requests.record({ requestId, action, status: answer.status, params: this.arrivedParams });
      return answer;
    } catch (error) {
      if (error instanceof VendorFault) {
        // The request itself broke the documents: a violation, attributed to the operation and parameter.
        this.requests.record({ requestId, action, status: error.status, code: error.code, violation: violationOf(this.spec, action, error.code, error.message, error.broke, this.signatureInUse), params: this.arrivedParams });
        const answer = this.refuse(requestId, error, action);
        // Deviation `error-with-wrong-status`: a refusal of the request itself (signature, action, version,
        // parameters; not a contract refusal) travels with a status the documents do not give it.
        return this.deviations.has('error-with-wrong-status') ? { ...answer, status: answer.status === 400 ? 422 : 400 } : answer;
      }
      if (error instanceof DomainError) {
        const vendorError = this.refusal(error.rule);
        this.requests.record({ requestId, action, status: vendorError.status, code: vendorError.code, params: this.arrivedParams });
        return this.refuse(requestId, new VendorFault(vendorError.code, vendorError.status, error.message), action);
      }
      // Whatever else went wrong is the emulator's fault: still answer in the vendor's envelope.
      const internal = this.commonError(/^(InternalError|INTERNAL_SERVER_ERROR)$/) ?? { code: 'InternalError', status: 500 };
      return this.fault(requestId, new VendorFault(internal.code, internal.status, `The emulator failed: ${(error as Error).message}`));
    }
  };

  /**
   * Writes a refusal in the vendor's envelope, in the documents' words: the message they give for its code,
   * the parameter at fault filled in (src/emulator/documented-message.ts). The refusing code's own message
   * stays in the request log (a violation's detail), where it explains more than the documented text does.
   */
  private refuse(requestId: string, fault: VendorFault, action: string | undefined): HttpAnswer {
    const parameter = fault.broke?.parameter === undefined ? undefined : this.wireParameterName(fault.broke.parameter);
    const message = documentedMessage(this.spec, action, fault.code, fault.message, parameter);
    return this.fault(requestId, message === fault.message ? fault : new VendorFault(fault.code, fault.status, message, fault.broke));
  }

  /**
   * A parameter's name as the vendor's wire spells it, from its dotted path in the structured request
   * (`Tag.0.Key`); as is by default (JSON bodies, 0-based flattening). A front end whose wire counts list
   * items from 1 says so here.
   */
  protected wireParameterName(path: string): string {
    return path;
  }

  /**
   * The action a request names, read where the spec's x-protocol says it travels (a header such as
   * `X-TC-Action`), else an `Action` parameter of the query or form (Tencent v1, Alibaba RPC V2).
   */
  protected peekAction(request: ArrivedHttpRequest): string | undefined {
    const header = this.spec.protocol.action.header;
    const fromHeader = header ? request.headers[header.toLowerCase()] : undefined;
    if (fromHeader) return fromHeader;
    const form = /^application\/x-www-form-urlencoded/i.test(request.headers['content-type'] ?? '') ? request.body.toString('utf8') : '';
    return new URLSearchParams(request.query).get('Action') ?? new URLSearchParams(form).get('Action') ?? undefined;
  }

  /** A common error of the spec whose code matches. */
  private commonError(code: RegExp): { code: string; status: number; message?: string } | undefined {
    return this.spec.commonErrors.find((e) => code.test(e.code));
  }

  /** The vendor's throttling refusal (Tencent RequestLimitExceeded, Alibaba Throttling, Zenlayer REQUEST_LIMIT_EXCEEDED). */
  private throttled(action: string | undefined, over: { count: number; limit: number } | undefined): VendorFault {
    const error = this.commonError(/^(RequestLimitExceeded|Throttling|REQUEST_LIMIT_EXCEEDED)$/) ?? { code: 'RequestLimitExceeded', status: 429 };
    // Tencent's wording, as observed (reference §2.2); other vendors' documented message where the spec has one.
    const message = over
      ? `Your current request times equals to \`${over.count}\` in a second, which exceeds the frequency limit \`${over.limit}\` for a second. Please reduce the frequency of calls.`
      : error.message ?? `Requests for ${action ?? 'this action'} are being throttled (injected fault).`;
    return new VendorFault(error.code, error.status, message);
  }

  /** Answers one API request (not an admin one); throws {@link VendorFault} or DomainError to refuse. */
  protected abstract serve(request: ArrivedHttpRequest, requestId: string): HttpAnswer;

  /** Writes a refusal in the vendor's envelope. */
  protected abstract fault(requestId: string, fault: VendorFault): HttpAnswer;

  /** A request id in the vendor's shape. */
  protected abstract newRequestId(): string;

  /** The account of a key id that the signature check accepted (deviation `unknown-key-accepted`: the default one for an unknown key). */
  protected accountOf(id: string): string {
    return (this.principals.get(id) ?? this.options.principals[0]!).account;
  }

  /** The code an unknown action is refused with: `documented`, or under `unknown-action-wrong-code` the invalid-value one. */
  protected unknownActionCode(documented: string): string {
    return this.deviations.has('unknown-action-wrong-code') ? this.spec.validationErrors.type.code : documented;
  }

  /** Whether the API version a request names is served: the spec's, or any under `unknown-version-accepted`. */
  protected versionServed(version: string | undefined): boolean {
    return version === this.spec.version || this.deviations.has('unknown-version-accepted');
  }

  /** The parameters of the current request as read off the wire, for the request log. */
  private arrivedParams: unknown;

  /**
   * The signature the current request carries (a name or id of `x-protocol.signatures`), where a vendor
   * front end tells it before verifying: a violation of the signature then cites that method's section.
   */
  protected signatureInUse: string | undefined;

  /** The key id a verifier of the current request looked up (verifiers look the key up just before the signature). */
  private keyLookedUp: string | undefined;

  /** The secret of a key id, for the verifiers; undefined for an unknown key. */
  protected readonly secretOf = (id: string): string | undefined => {
    this.keyLookedUp = id;
    // Deviation `unknown-key-accepted`: an unknown key id is checked against the default principal's secret.
    const principal = this.principals.get(id) ?? (this.deviations.has('unknown-key-accepted') ? this.options.principals[0] : undefined);
    return principal?.secret;
  };

  /**
   * The clock-skew window to verify request timestamps with: `window` seconds, or no limit under the
   * `clock-skew-not-enforced` deviation. Vendor front ends pass every verifier's window through here.
   */
  protected skewWindow(window: number): number {
    return this.deviations.has('clock-skew-not-enforced') ? Number.POSITIVE_INFINITY : window;
  }

  /**
   * Under the `signature-not-checked` deviation, the key id of a request that its verifier refused for its
   * signature alone (the key exists: the verifier found its secret); else undefined, and the refusal stands.
   * Vendor front ends ask this once, where they read their verifier's verdict.
   */
  protected keyDespiteSignature(refusedForSignature: boolean): string | undefined {
    if (!refusedForSignature || !this.deviations.has('signature-not-checked')) return undefined;
    const id = this.keyLookedUp;
    return id !== undefined && this.principals.has(id) ? id : undefined;
  }

  /** Refuses parameters that break the action's schema with the error the spec names for the broken keyword. */
  protected validate(action: string, params: unknown): void {
    this.arrivedParams = params;
    const { validateRequest: validate, resolvedRequestSchema: schema } = this.spec.action(action);
    let violation = firstViolation(validate, params, this.deviations, schema);
    if (violation?.keyword === 'additionalProperties' && this.deviations.has('unknown-parameter-accepted')) {
      // Deviation `unknown-parameter-accepted`: unknown names are ignored; what remains is still validated.
      const known = structuredClone(params);
      while (violation?.keyword === 'additionalProperties') {
        deleteAt(known, violation.segments);
        violation = firstViolation(validate, known, this.deviations, schema);
      }
    }
    if (!violation) return;
    // Deviation `required-wrong-code`: a missing parameter gets the code for a wrong value.
    const keyword = violation.keyword === 'required' && this.deviations.has('required-wrong-code') ? 'type' : violation.keyword;
    const error = this.spec.errorForKeyword(action, violation.segments, keyword);
    throw new VendorFault(error?.code ?? 'InvalidParameter', error?.status ?? 400, `Parameter \`${violation.path}\` is invalid: ${violation.detail}.`, { rule: violation.keyword, parameter: violation.path });
  }

  /** The vendor error for a domain refusal: the spec's contract, or the front end's table for companions. */
  private refusal(rule: DomainRefusal): VendorError {
    const body = (this.spec.contract as Record<string, { error?: VendorError; mismatchError?: VendorError } | undefined>)[rule];
    const fromContract = body?.error ?? body?.mismatchError;
    const documented = fromContract ?? this.options.refusals[rule] ?? { code: 'InternalError', status: 500 };
    // Deviations `quota-wrong-code`, `one-in-flight-wrong-code`: another documented refusal's error instead.
    const swapped = rule === 'snapshot-quota-per-disk' && this.deviations.has('quota-wrong-code') ? 'disk-must-exist'
      : rule === 'one-in-flight-per-disk' && this.deviations.has('one-in-flight-wrong-code') ? 'snapshot-quota-per-disk' : undefined;
    if (swapped) return this.refusal(swapped);
    // Deviation `undocumented-error-code`: an unknown disk gets a code no document lists (at the documented status).
    if (rule === 'disk-must-exist' && this.deviations.has('undocumented-error-code')) return { code: 'InternalServerFault', status: documented.status };
    return documented;
  }
}

/** Removes `segments` (an unknown parameter, as a violation names it) from a structured request, in place. */
function deleteAt(params: unknown, segments: string[]): void {
  let node = params;
  for (const segment of segments.slice(0, -1)) {
    if (node === null || typeof node !== 'object') return;
    node = (node as Record<string, unknown>)[segment];
  }
  if (node !== null && typeof node === 'object') delete (node as Record<string, unknown>)[segments[segments.length - 1]!];
}
