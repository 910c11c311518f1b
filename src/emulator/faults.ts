/** The kinds of fault an emulator can inject: the one list the type and the admin API's schema are made from. */
export const FAULT_KINDS = ['latency', 'throttle', 'error5xx', 'drop', 'malformed', 'hold'] as const;

/** A kind of fault an emulator can inject. */
export type FaultKind = (typeof FAULT_KINDS)[number];

/** One fault rule: which requests it hits, how often, and what it does. */
export interface FaultRule {
  kind: FaultKind;
  /** Only requests for this action (wire name). @defaultValue every action */
  action?: string;
  /** Chance per matching request, 0–1. @defaultValue 1 */
  probability?: number;
  /** Hit at most this many requests, then retire. @defaultValue unlimited */
  count?: number;
  /**
   * For `latency`: the delay. @defaultValue 1000
   * For `hold`: the longest a request waits for the hold to be lifted (a later `faults` without it). @defaultValue 60000
   */
  latencyMs?: number;
}

/** How long a held request waits at most when its rule names no bound: a hold never waits without one. */
export const DEFAULT_HOLD_MS = 60_000;

/**
 * The faults an emulator is injecting, for clients that must survive a flaky service: latency, throttling,
 * server errors, dropped connections, malformed bodies — by action and probability, optionally for the next N
 * requests only. Consulted once per API request; the first rule that fires decides.
 */
export class FaultPlan {
  private rules: Array<FaultRule & { left: number }> = [];
  /** Lifts the current hold: resolved when the rules set next have no `hold`. */
  private lift: { promise: Promise<void>; resolve: () => void } | undefined;

  constructor(private readonly random: () => number = Math.random) {}

  set(rules: FaultRule[]): void {
    this.rules = rules.map((rule) => ({ ...rule, left: rule.count ?? Number.POSITIVE_INFINITY }));
    const holding = rules.some((rule) => rule.kind === 'hold');
    if (holding && !this.lift) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => {
        resolve = r;
      });
      this.lift = { promise, resolve };
    } else if (!holding && this.lift) {
      this.lift.resolve();
      this.lift = undefined;
    }
  }

  /**
   * Waits until the hold is lifted, or `boundMs` has passed: how a `hold` fault keeps a request back while a
   * test has the emulator's clock somewhere else, without guessing how long that takes.
   */
  async held(boundMs: number): Promise<void> {
    if (!this.lift) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.lift.promise, new Promise<void>((resolve) => {
      timer = setTimeout(resolve, boundMs);
    })]);
    clearTimeout(timer);
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
