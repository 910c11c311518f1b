/**
 * The normalized outcome of one API call, whatever the vendor: status, request id, data or error, and the
 * protocol findings the decoder noticed on the way. A malformed response is a finding here, never an
 * exception.
 */

/** Something wrong with a response's envelope or transport, as opposed to its content. */
export interface ProtocolFinding {
  kind: 'non-json-body' | 'non-xml-body' | 'no-envelope' | 'missing-request-id' | 'malformed-request-id' | 'error-status-mismatch' | 'wrong-content-type';
  detail: string;
}

/** One exchange, for reports; secrets are never in it (signatures are, keys are not). */
export interface Transcript {
  request: { method: string; url: string; headers: Record<string, string>; body: string };
  response: { status: number; headers: Record<string, string>; body: string };
}

/** A decoded response. */
export interface CallResult {
  action: string;
  httpStatus: number;
  requestId: string | undefined;
  /** True when the vendor reported success. */
  ok: boolean;
  /** The action's fields on success (the inside of Tencent's `Response`, Zenlayer's `response`). */
  data: Record<string, unknown> | undefined;
  /** The vendor's error on failure; undefined when the body was not a readable envelope. */
  error: { code: string; message: string } | undefined;
  /** The whole parsed body, for schema checks. */
  body: unknown;
  findings: ProtocolFinding[];
  transcript: Transcript;
  durationMs: number;
  /** How many times the call was sent (retries after throttling or a connection failure). */
  attempts?: number;
  /** True when the call failed in flight and its outcome was established by a describe instead. */
  reconciled?: boolean;
}

/**
 * A response field as text, whatever the JSON held: strings as they are, absent as `''`, anything else as
 * JSON. `String()` would throw on a parsed `{"toString": 1}`, and `JSON.stringify` on a value nested deeper
 * than the stack (which `JSON.parse` builds happily); decoders must never throw.
 */
export function fieldText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'object') return String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return Array.isArray(value) ? '[array]' : '[object]';
  }
}
