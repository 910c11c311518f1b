/** One change to the clock, as the admin API asks for it: back to real time, frozen (now or at a time), moved. */
export interface ClockChange {
  real?: boolean;
  /** `true`: at the current instant; a number: at that epoch ms. */
  freeze?: true | number;
  advanceMs?: number;
}

/**
 * The times the clock may show: the years 1970 to 9999. Signatures print the time as `yyyy…` or in unix
 * seconds, and `Date` cannot print beyond ±8.64e15 ms at all: a clock outside the range refuses every call.
 */
export const CLOCK_RANGE = { min: 0, max: Date.UTC(9999, 11, 31, 23, 59, 59, 999) } as const;

/**
 * The emulator's sense of time: real, frozen, or real with an offset. Tests freeze and advance it to watch
 * retention deadlines pass and snapshots finish without waiting.
 */
export class EmulatorClock {
  private frozenAt: number | undefined;
  private offsetMs = 0;

  /** Now, in epoch milliseconds. */
  now(): number {
    return this.frozenAt ?? Date.now() + this.offsetMs;
  }

  /** Stops time at `at` (epoch ms) or at the current instant. */
  freeze(at: number = this.now()): void {
    this.frozenAt = at;
  }

  /** Moves time forward (frozen or not). */
  advance(ms: number): void {
    if (this.frozenAt !== undefined) this.frozenAt += ms;
    else this.offsetMs += ms;
  }

  /**
   * Applies a change whole, in the order real, freeze, advance; or, when the clock would then show a time
   * outside {@link CLOCK_RANGE}, not at all (returns false).
   */
  change(change: ClockChange): boolean {
    const real = change.real === true;
    let frozenAt = real ? undefined : this.frozenAt;
    let offsetMs = real ? 0 : this.offsetMs;
    if (change.freeze !== undefined) frozenAt = change.freeze === true ? (frozenAt ?? Date.now() + offsetMs) : change.freeze;
    const advance = change.advanceMs ?? 0;
    if (frozenAt !== undefined) frozenAt += advance;
    else offsetMs += advance;
    const shown = frozenAt ?? Date.now() + offsetMs;
    if (!(shown >= CLOCK_RANGE.min && shown <= CLOCK_RANGE.max)) return false;
    this.frozenAt = frozenAt;
    this.offsetMs = offsetMs;
    return true;
  }

  /** Back to the wall clock. */
  useRealTime(): void {
    this.frozenAt = undefined;
    this.offsetMs = 0;
  }

  /** For the admin API: what the clock is doing. */
  describe(): { now: string; mode: 'real' | 'frozen'; offsetMs: number } {
    return { now: new Date(this.now()).toISOString(), mode: this.frozenAt === undefined ? 'real' : 'frozen', offsetMs: this.offsetMs };
  }
}
