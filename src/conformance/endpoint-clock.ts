import type { VendorSpec } from '../spec/vendor-spec.ts';
import type { CallResult } from '../transport/call-result.ts';
import type { HttpTransport } from '../transport/http-transport.ts';
import type { VendorAdapter, VendorClient } from '../vendors/vendor-adapter.ts';
import type { TargetInfo } from './target.ts';

/** One exchange as seen from the suite: when it left, when its answer arrived (local epoch ms), and the answer's `Date`. */
export interface ClockSample {
  sentAt: number;
  receivedAt: number;
  /** The answer's `Date` header, or undefined when it had none or an unreadable one. */
  date: string | undefined;
}

/** What the suite knows of an endpoint's clock: how far it runs from the local one, and how sure that is. */
export interface EndpointClock {
  /** Endpoint time minus local time, in ms (the middle of what the samples allow). */
  offsetMs: number;
  /** Half the width of the range the offset may lie in, in ms. */
  uncertaintyMs: number;
  /** The longest round trip seen, in ms: a request's deadline is judged up to this late. */
  maxRoundTripMs: number;
  /** False when no answer carried a readable `Date`: the offset is then 0 and the uncertainty a guess. */
  fromEndpoint: boolean;
}

/** The `Date` header's resolution: whole seconds (RFC 9110 §5.6.7, IMF-fixdate). */
const DATE_RESOLUTION_MS = 1000;
/** The uncertainty assumed when an endpoint sends no `Date`: the skew two NTP-synchronised clocks may still have, generously. */
const UNDATED_UNCERTAINTY_MS = 60_000;

/**
 * Places an endpoint's clock from the `Date` headers of its answers. An answer stamped `D` (truncated to the
 * second) was stamped while the request was out, so endpoint time minus local time lies in
 * `[D - receivedAt, D + 1 s - sentAt]`; each sample narrows the range, and the middle is the estimate.
 * Samples that contradict each other (a clock that jumped) widen it to their union instead.
 */
export function placeEndpointClock(samples: ClockSample[]): EndpointClock {
  const maxRoundTripMs = Math.max(0, ...samples.map((s) => s.receivedAt - s.sentAt));
  const ranges = samples
    .map((s) => ({ s, stamp: s.date === undefined ? Number.NaN : Date.parse(s.date) }))
    .filter(({ stamp }) => Number.isFinite(stamp))
    .map(({ s, stamp }) => ({ lo: stamp - s.receivedAt, hi: stamp + DATE_RESOLUTION_MS - s.sentAt }));
  if (ranges.length === 0) return { offsetMs: 0, uncertaintyMs: UNDATED_UNCERTAINTY_MS, maxRoundTripMs, fromEndpoint: false };
  let lo = Math.max(...ranges.map((r) => r.lo));
  let hi = Math.min(...ranges.map((r) => r.hi));
  if (lo > hi) {
    lo = Math.min(...ranges.map((r) => r.lo));
    hi = Math.max(...ranges.map((r) => r.hi));
  }
  return { offsetMs: (lo + hi) / 2, uncertaintyMs: (hi - lo) / 2, maxRoundTripMs, fromEndpoint: true };
}

/** A sample from a call made between `sentAt` and `receivedAt`. */
export function sampleOf(result: CallResult, sentAt: number, receivedAt: number): ClockSample {
  return { sentAt, receivedAt, date: result.transcript.response.headers['date'] };
}

/**
 * The band around a documented boundary (in whole seconds) that a rule leaves untested because the suite cannot
 * tell which side the endpoint will judge a value on: the clock's uncertainty, a round trip (the request is
 * judged when it arrives), and a second for deadlines that travel in whole seconds. At least two seconds.
 */
export function toleranceSeconds(clock: EndpointClock): number {
  return Math.max(2, Math.ceil((clock.uncertaintyMs + clock.maxRoundTripMs + 1000) / 1000));
}

/** How many read-only calls place an endpoint's clock before a rule or a check relies on it. */
export const CLOCK_PROBES = 3;

/**
 * Places an endpoint's clock from `probes` calls of `send` (read-only calls: each answer's `Date`, refusals
 * included, is a sample). Returns the clock and the answers, for the transcript.
 */
export async function probeEndpointClock(send: () => Promise<CallResult>, probes = CLOCK_PROBES): Promise<{ clock: EndpointClock; answers: CallResult[] }> {
  const samples: ClockSample[] = [];
  const answers: CallResult[] = [];
  for (let i = 0; i < probes; i++) {
    const sentAt = Date.now();
    const answer = await send();
    samples.push(sampleOf(answer, sentAt, Date.now()));
    answers.push(answer);
  }
  return { clock: placeEndpointClock(samples), answers };
}

/**
 * A vendor client that signs at the endpoint's time: `offsetMs` (endpoint minus local, from
 * {@link placeEndpointClock}) is added to every request's timestamp, in whole seconds, through the adapter's
 * raw client. A service refuses a signature outside its clock-skew window (minutes); a scheduled job on a
 * runner whose clock has drifted, or an emulator whose clock was moved, still gets answers. Within a second
 * of ours, or without a raw client, it is the adapter's usual client.
 */
export function clientAtEndpointClock(adapter: VendorAdapter, target: TargetInfo, spec: VendorSpec, transport: HttpTransport, offsetMs: number): VendorClient {
  const seconds = Math.round(offsetMs / 1000);
  if (seconds === 0 || !adapter.rawClient) return adapter.createClient(target, spec, transport);
  const raw = adapter.rawClient(target, spec, transport);
  return { call: (action, params) => raw.call(action, params, { timestampOffsetSeconds: seconds }) };
}
