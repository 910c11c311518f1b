/**
 * Small statistics for the benchmark: percentiles of latency samples and a rate from a count and a time.
 * Kept free of I/O so that it can be tested on its own.
 */

/**
 * The `p`-th percentile (0–100) of `samples` by the nearest-rank method: the smallest sample such that at
 * least p % of the samples are at or below it. NaN for no samples.
 */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** Events per second: `count` over `elapsedMs`; 0 when no time passed. */
export function perSecond(count: number, elapsedMs: number): number {
  return elapsedMs > 0 ? (count * 1000) / elapsedMs : 0;
}

/** Rounds to `digits` decimals, for tables and JSON that people read. */
export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
