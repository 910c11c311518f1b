import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SharedPacing } from '../../src/conformance/shared-pacing.ts';
import { RateLimiter } from '../../src/transport/rate-limiter.ts';

describe('SharedPacing', () => {
  it('hands out one schedule per key across instances (the run\'s workers): no two slots closer than the interval', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'snapconform-pacing-'));
    const [a, b] = [new SharedPacing(dir), new SharedPacing(dir)];
    const slots = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).reserve('target\u0000CreateSnapshot', 50)));
    const sorted = [...slots].sort((x, y) => x - y);
    for (let i = 1; i < sorted.length; i += 1) expect(sorted[i]! - sorted[i - 1]!).toBeGreaterThanOrEqual(50);
    // Another key has a schedule of its own: its first slot is now, not after the others.
    const other = await a.reserve('target\u0000DescribeSnapshots', 50);
    expect(other).toBeLessThan(sorted[sorted.length - 1]!);
  });

  it('paces two limiters sharing it as one: 6 calls at 20/s take at least 250 ms, whichever limiter sends them', async () => {
    const shared = new SharedPacing(mkdtempSync(join(tmpdir(), 'snapconform-pacing-')));
    const limiters = [new RateLimiter({ shared }), new RateLimiter({ shared })];
    const started = Date.now();
    await Promise.all(Array.from({ length: 6 }, (_, i) => limiters[i % 2]!.acquire('k', 20)));
    expect(Date.now() - started).toBeGreaterThanOrEqual(245);
  });
});
