import type { SourceRefs } from '../spec/spec-types.ts';
import type { JsonSchema, VendorSpec } from '../spec/vendor-spec.ts';
import { protocolRuleSource } from './protocol-sources.ts';

/** A request that broke the documents: what an SDK, or a client under test, sent wrong. */
export interface Violation {
  /** The action (operation) the request named, if any. */
  operation: string | undefined;
  /** The parameter at fault, as a dotted path (`Tags.0.Key`), where the refusal concerns one. */
  parameter?: string;
  /**
   * What was broken: a JSON Schema keyword of the request schema (`required`, `type`, `maxLength`, …), or
   * `signature`, `content-type`, `action`, `version` and the like for the protocol.
   */
  rule: string;
  detail: string;
  /** Where the documents state the rule. */
  source?: SourceRefs;
}

/** One API request as the emulator answered it. */
export interface LoggedRequest {
  /** Increasing number of the entry. */
  seq: number;
  at: string;
  requestId: string;
  action: string | undefined;
  status: number;
  /** The vendor error code the answer carried, if it was a refusal. */
  code?: string;
  /** Set when the request itself broke the documents (not a business refusal such as a quota). */
  violation?: Violation;
  /** The parameters as the emulator read them off the wire (structured, as the spec describes them), once read. */
  params?: unknown;
}

/** Entries kept in memory: enough for a suite run's rules to find their own requests. */
const CAPACITY = 5000;

/**
 * The emulator's log of API requests: every answer with its request id and error code, and for requests
 * that broke the documents, the violation. The admin API serves it (`GET /_snapconform/requests`), driver
 * rules read it to attribute findings to an SDK, and `snapconform emulate --strict` streams its violations
 * to a file. A bounded ring: the oldest entries go first.
 */
export class RequestLog {
  private readonly entries: LoggedRequest[] = [];
  private seq = 0;
  private readonly listeners: Array<(entry: LoggedRequest) => void> = [];

  record(entry: Omit<LoggedRequest, 'seq' | 'at'>): void {
    const logged = { seq: (this.seq += 1), at: new Date().toISOString(), ...entry };
    this.entries.push(logged);
    // Trimmed in batches, so that recording stays O(1) on average under load.
    if (this.entries.length >= 2 * CAPACITY) this.entries.splice(0, this.entries.length - CAPACITY);
    for (const listener of this.listeners) listener(logged);
  }

  /** The last entries (at most CAPACITY) after `afterSeq` (all by default), oldest first. */
  list(afterSeq = 0): LoggedRequest[] {
    return this.entries.slice(-CAPACITY).filter((e) => e.seq > afterSeq);
  }

  /** The number of the newest entry (0 before any). */
  get lastSeq(): number {
    return this.seq;
  }

  /** Calls `listener` with every entry recorded from now on. */
  onRecord(listener: (entry: LoggedRequest) => void): void {
    this.listeners.push(listener);
  }

  clear(): void {
    this.entries.length = 0;
  }
}

/** What a refusal of the request itself says was broken, when the refusing code knows (request validation does). */
export interface FaultCause {
  rule: string;
  /** Dotted path of the parameter. */
  parameter?: string;
}

/** The protocol rule a refusal without a known cause broke, read from its code (vendors name these alike). */
function protocolRule(code: string): string {
  // Before the signature: the vendors word an expired request as an auth or signature failure
  // (Tencent AuthFailure.SignatureExpire, Alibaba SignatureNonceUsed), yet it breaks the time rules.
  if (/timestamp|expire|nonce/i.test(code)) return 'timestamp';
  if (/signature|authfailure|accesskey|secretid|token/i.test(code)) return 'signature';
  if (/action/i.test(code)) return 'action';
  if (/version/i.test(code)) return 'version';
  if (/content.?type|protocol|size/i.test(code)) return 'protocol';
  return 'request';
}

/**
 * The violation behind a refusal of the request itself: the cause where the refusing code gave one, else the
 * protocol rule its code names, with the documents' source: for a protocol rule (signature, timestamp, action,
 * version) the signing and common-parameter sections (src/emulator/protocol-sources.ts; `signature`: the
 * signature the request carried, where the front end knows), else the parameter's `x-source` or the action's.
 */
export function violationOf(spec: VendorSpec, action: string | undefined, code: string, detail: string, cause: FaultCause | undefined, signature?: string): Violation {
  const rule = cause?.rule ?? protocolRule(code);
  const protocolSource = protocolRuleSource(spec, rule, signature);
  if (protocolSource) return { operation: action, ...(cause?.parameter ? { parameter: cause.parameter } : {}), rule, detail, source: protocolSource };
  const known = action !== undefined && spec.hasAction(action) ? spec.action(action) : undefined;
  let source: SourceRefs | undefined = known?.source;
  if (known && cause?.parameter) {
    let schema: JsonSchema | undefined = known.resolvedRequestSchema;
    for (const segment of cause.parameter.split('.')) {
      schema = /^\d+$/.test(segment) ? (schema?.['items'] as JsonSchema | undefined) : ((schema?.['properties'] ?? {}) as Record<string, JsonSchema>)[segment];
      const own = schema?.['x-source'] as SourceRefs | undefined;
      if (own) source = own;
    }
  }
  return { operation: action, ...(cause?.parameter ? { parameter: cause.parameter } : {}), rule, detail, ...(source ? { source } : {}) };
}
