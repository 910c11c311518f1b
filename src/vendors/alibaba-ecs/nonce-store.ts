/**
 * Replay protection for V2 `SignatureNonce` and V3 `x-acs-signature-nonce`. An Alibaba engineer: the nonce
 * must not repeat within 31 minutes, platform-wide; an older answer says 15; per-AccessKeyId storage is
 * enough for an emulator (../shared/reference/alibaba-ecs-and-zenlayer-zec.md §A1.5).
 */

/** 31 minutes, in seconds (§A1.5). */
export const DEFAULT_NONCE_WINDOW_SECONDS = 31 * 60;

/** Remembers which nonces an AccessKey ID has used. */
export interface NonceStore {
  /**
   * Remembers `(accessKeyId, nonce)` at `now` (unix seconds) and returns true, or returns false when the
   * pair was already remembered within the store's window (a replay).
   */
  remember(accessKeyId: string, nonce: string, now: number): boolean;
}

/**
 * An in-memory {@link NonceStore}: a nonce is remembered for `windowSeconds` after its first use, then
 * forgotten. Expired entries are swept when the map grows, so memory stays bounded by the request rate.
 */
export class MemoryNonceStore implements NonceStore {
  private readonly seen = new Map<string, number>();
  private sweepAt = 1024;

  constructor(private readonly windowSeconds: number = DEFAULT_NONCE_WINDOW_SECONDS) {}

  remember(accessKeyId: string, nonce: string, now: number): boolean {
    // NUL cannot appear in an AccessKey ID, so the key is unambiguous.
    const key = `${accessKeyId}\u0000${nonce}`;
    const expiresAt = this.seen.get(key);
    if (expiresAt !== undefined && now < expiresAt) return false;
    this.seen.set(key, now + this.windowSeconds);
    if (this.seen.size >= this.sweepAt) this.sweep(now);
    return true;
  }

  /** How many nonces are remembered (expired ones not yet swept included). */
  get size(): number {
    return this.seen.size;
  }

  private sweep(now: number): void {
    for (const [key, expiresAt] of this.seen) if (now >= expiresAt) this.seen.delete(key);
    this.sweepAt = Math.max(1024, this.seen.size * 2);
  }
}
