import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/transport/rate-limiter.ts';

describe('RateLimiter', () => {
  it('never lets more than N calls of one key into any one-second window', async () => {
    await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 50 }), fc.array(fc.nat(200), { minLength: 1, maxLength: 120 }), async (perSecond, gaps) => {
      let now = 0;
      const limiter = new RateLimiter({ now: () => now, sleep: async (ms) => { now += ms; } });
      const sent: number[] = [];
      for (const gap of gaps) {
        now += gap;
        await limiter.acquire('target/CreateSnapshot', perSecond);
        sent.push(now);
      }
      for (let i = 0; i < sent.length; i++) {
        const inWindow = sent.filter((t) => t >= sent[i]! && t < sent[i]! + 1000).length;
        expect(inWindow).toBeLessThanOrEqual(perSecond);
      }
    }));
  });

  it('paces keys independently and leaves unlimited keys alone', async () => {
    let now = 0;
    const limiter = new RateLimiter({ now: () => now, sleep: async (ms) => { now += ms; } });
    for (let i = 0; i < 20; i++) await limiter.acquire('a', 20);
    expect(now).toBe(950);
    expect(await limiter.acquire('b', 20)).toBe(0);
    expect(await limiter.acquire('c', Number.POSITIVE_INFINITY)).toBe(0);
  });
});
