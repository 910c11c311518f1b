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
