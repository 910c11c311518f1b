import type { CallResult } from './call-result.ts';
import { TransportError, type TransportFailure } from './http-transport.ts';
import type { RateLimiter } from './rate-limiter.ts';

/**
 * How a call is paced and retried. Every call ends in bounded time: at most `maxAttempts` sends, each bounded
 * by the transport's total time limit, with at most `maxDelayMs` between two (a `Retry-After` asking for more
 * is cut to it), so an endpoint that throttles forever ends in a throttled result after `maxAttempts` sends.
 */
export interface RetryOptions {
  /** Attempts in all, the first included. @defaultValue 4 */
  maxAttempts?: number;
  /** The first backoff; each retry doubles it. @defaultValue 200 ms */
  baseDelayMs?: number;
  /** The longest backoff. @defaultValue 5000 ms */
  maxDelayMs?: number;
  /** @defaultValue Math.random */
  random?: () => number;
  /** @defaultValue setTimeout */
  sleep?: (ms: number) => Promise<void>;
}

/** One call to run under the policy. */
export interface PolicedCall {
  /** Rate-limit key, e.g. `tencent-cbs-emulator/CreateSnapshot`. */
  key: string;
  /** The documented (or configured) rate for the key; undefined for none. */
  perSecond: number | undefined;
  send(): Promise<CallResult>;
  /**
   * True for a call that must not be repeated blindly (a create without an idempotency token): if the
   * connection fails after the request may have arrived, its outcome is unknown.
   */
  unsafeToRepeat: boolean;
  /**
   * Finds out what an unknown-outcome call did (a describe by name, disk and time): the created resource as
   * a successful result, `null` when nothing was created, undefined when it cannot tell.
   */
  reconcile?: () => Promise<CallResult | null | undefined>;
}

/** The outcome of a create could not be established: the call failed in flight and reconciling did not tell. */
export class OutcomeUnknownError extends Error {
  override readonly name = 'OutcomeUnknownError';
}

// Throttling, in each vendor's words: Tencent RequestLimitExceeded(.*), Alibaba Throttling(.*),
// Zenlayer REQUEST_LIMIT_EXCEEDED with HTTP 429 (../shared/reference §2.2, §A2, §B2).
const THROTTLING = /^(RequestLimitExceeded|Throttling|REQUEST_LIMIT_EXCEEDED)/;

// A dropped connection or a missed time limit may be the network's passing fault; an answer over the size cap
// would come again as large, and a cancelled call was meant to stop.
const RESENDABLE: ReadonlySet<TransportFailure> = new Set(['connection', 'timeout']);

/** True when the service refused the call for its rate: safe to retry, even a create. */
export function isThrottled(result: CallResult): boolean {
  return result.httpStatus === 429 || (result.error !== undefined && THROTTLING.test(result.error.code));
}

/** The wait a throttled answer asks for: `Retry-After` (seconds or a date) or Alibaba's `x-acs-retry-after` (ms). */
function retryAfterMs(result: CallResult): number | undefined {
  const headers = result.transcript.response.headers;
  const acs = headers['x-acs-retry-after'];
  if (acs !== undefined && /^\d+$/.test(acs)) return Number(acs);
  const value = headers['retry-after'];
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/**
 * Sends a call politely: paced by the rate limiter, retried with exponential backoff and full jitter when the
 * service throttles (honouring Retry-After) or the connection fails or times out — except that a call unsafe
 * to repeat is never resent after any transport failure: its outcome is reconciled instead, and if that
 * cannot tell, an {@link OutcomeUnknownError} is thrown (an `error` outcome, not a guess). An answer over the
 * size cap or a cancelled call is not resent. The bounds are {@link RetryOptions}'.
 */
export async function callWithPolicy(call: PolicedCall, limiter: RateLimiter, options: RetryOptions = {}): Promise<CallResult> {
  const maxAttempts = options.maxAttempts ?? 4;
  const base = options.baseDelayMs ?? 200;
  const cap = options.maxDelayMs ?? 5000;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const backoff = (attempt: number) => Math.floor(random() * Math.min(cap, base * 2 ** (attempt - 1)));

  let last: CallResult | undefined;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    await limiter.acquire(call.key, call.perSecond ?? Number.POSITIVE_INFINITY);
    let result: CallResult;
    try {
      result = await call.send();
    } catch (error) {
      if (!(error instanceof TransportError)) throw error;
      // A timed-out or oversized create may have been carried out all the same: its outcome is unknown, like
      // one whose connection dropped, so every kind of transport failure goes through reconciliation.
      if (call.unsafeToRepeat) {
        const found = call.reconcile ? await call.reconcile() : undefined;
        if (found) return { ...found, attempts: attempt, reconciled: true };
        if (found === undefined) throw new OutcomeUnknownError(`${error.message}; the create may or may not have happened, and reconciling could not tell`, { cause: error });
        // Reconciled: nothing was created, so one more attempt is not a duplicate.
      }
      if (attempt === maxAttempts || !RESENDABLE.has(error.kind)) throw error;
      await sleep(backoff(attempt));
      continue;
    }
    result.attempts = attempt;
    if (!isThrottled(result) || attempt === maxAttempts) return result;
    last = result;
    await sleep(Math.min(cap, retryAfterMs(result) ?? backoff(attempt)));
  }
  return last!;
}
