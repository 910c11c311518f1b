/** Options of {@link RateLimiter}. */
export interface RateLimiterOptions {
  /**
   * Reserves a slot shared with other processes (epoch ms; src/conformance/shared-pacing.ts): the limiter then
   * paces by the wall clock across them instead of by its own record.
   */
  shared?: { reserve(key: string, intervalMs: number): Promise<number> };
  /** Time source, ms. @defaultValue performance.now */
  now?: () => number;
  /** How to wait. @defaultValue setTimeout */
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Paces calls per key (one key per target and action) to at most `perSecond`, spaced evenly rather than in
 * bursts: vendors count requests per second window (Tencent: "20 requests per second for this API"), and an
 * even pace of 1000/N ms never puts N+1 in any window. This is the generic cell rate algorithm with no burst.
 */
export class RateLimiter {
  private readonly next = new Map<string, number>();
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly shared: RateLimiterOptions['shared'];

  constructor(options: RateLimiterOptions = {}) {
    this.now = options.now ?? (() => performance.now());
    this.sleep = options.sleep ?? realSleep;
    this.shared = options.shared;
  }

  /** Waits until a call under `key` may go out at `perSecond`; returns the ms waited. */
  async acquire(key: string, perSecond: number): Promise<number> {
    if (!(perSecond > 0) || !Number.isFinite(perSecond)) return 0;
    // Rounded up to the microsecond: 1000/3 in floating point would put a fourth call at 999.9999 ms.
    const interval = Math.ceil(1_000_000 / perSecond) / 1000;
    if (this.shared) {
      const at = await this.shared.reserve(key, interval);
      const wait = at - Date.now();
      if (wait > 0) await this.sleep(wait);
      return Math.max(0, wait);
    }
    const now = this.now();
    const at = Math.max(now, this.next.get(key) ?? now);
    this.next.set(key, at + interval);
    const wait = at - now;
    if (wait > 0) await this.sleep(wait);
    return wait;
  }
}
