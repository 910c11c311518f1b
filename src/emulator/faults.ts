/** The kinds of fault an emulator can inject. */
export type FaultKind = 'latency' | 'throttle' | 'error5xx' | 'drop' | 'malformed';

/** One fault rule: which requests it hits, how often, and what it does. */
export interface FaultRule {
  kind: FaultKind;
  /** Only requests for this action (wire name). @defaultValue every action */
  action?: string;
  /** Chance per matching request, 0–1. @defaultValue 1 */
  probability?: number;
  /** Hit at most this many requests, then retire. @defaultValue unlimited */
  count?: number;
  /** For `latency`: the delay. @defaultValue 1000 */
  latencyMs?: number;
}

/**
 * The faults an emulator is injecting, for clients that must survive a flaky service: latency, throttling,
 * server errors, dropped connections, malformed bodies — by action and probability, optionally for the next N
 * requests only. Consulted once per API request; the first rule that fires decides.
 */
export class FaultPlan {
  private rules: Array<FaultRule & { left: number }> = [];

  constructor(private readonly random: () => number = Math.random) {}

  set(rules: FaultRule[]): void {
    this.rules = rules.map((rule) => ({ ...rule, left: rule.count ?? Number.POSITIVE_INFINITY }));
  }

  list(): FaultRule[] {
    return this.rules.map(({ left: _left, ...rule }) => rule);
  }

  /** The fault to apply to a request for `action`, if any fires. */
  pick(action: string | undefined): FaultRule | undefined {
    for (const rule of this.rules) {
      if (rule.left <= 0 || (rule.action !== undefined && rule.action !== action)) continue;
      if (this.random() >= (rule.probability ?? 1)) continue;
      rule.left -= 1;
      return rule;
    }
    return undefined;
  }
}

/**
 * Per-second request counting for documented rate limits (Tencent: "A maximum of 20 requests can be initiated
 * per second for this API"): fixed one-second windows per key, as the limit is worded.
 */
export class RateGate {
  private readonly windows = new Map<string, { second: number; count: number }>();

  /** Counts a request under `key` at `nowMs`; returns the count in its second, and whether it is over `limit`. */
  admit(key: string, limit: number, nowMs: number): { count: number; over: boolean } {
    const second = Math.floor(nowMs / 1000);
    const window = this.windows.get(key);
    const current = window && window.second === second ? window : { second, count: 0 };
    current.count += 1;
    this.windows.set(key, current);
    return { count: current.count, over: current.count > limit };
  }
}
