import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { placeEndpointClock, toleranceSeconds } from '../../src/conformance/endpoint-clock.ts';

const stamp = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toUTCString();

describe('placeEndpointClock', () => {
  it('contains the true offset, whatever the offset, latency and moment of the samples', () => {
    fc.assert(fc.property(
      fc.integer({ min: -86_400_000, max: 86_400_000 }),
      fc.array(fc.record({ at: fc.integer({ min: 1_700_000_000_000, max: 1_800_000_000_000 }), out: fc.integer({ min: 0, max: 200 }), back: fc.integer({ min: 0, max: 200 })}), { minLength: 1, maxLength: 5 }),
      (offset, exchanges) => {
        const samples = exchanges.map(({ at, out, back }) => ({ sentAt: at, receivedAt: at + out + back, date: stamp(at + out + offset) }));
        const clock = placeEndpointClock(samples);
        expect(clock.fromEndpoint).toBe(true);
        expect(Math.abs(clock.offsetMs - offset)).toBeLessThanOrEqual(clock.uncertaintyMs + 1e-9);
        expect(clock.uncertaintyMs).toBeLessThanOrEqual(500 + 200);
      },
    ));
  });

  it('narrows with more samples: a fast exchange pins the offset to about half a second', () => {
    const offset = 3_600_000 + 250;
    const samples = [0, 1, 2].map((i) => ({ sentAt: 1_750_000_000_000 + i * 333, receivedAt: 1_750_000_000_000 + i * 333 + 2, date: stamp(1_750_000_000_000 + i * 333 + 1 + offset) }));
    const clock = placeEndpointClock(samples);
    expect(clock.uncertaintyMs).toBeLessThanOrEqual(502);
    expect(toleranceSeconds(clock)).toBe(2);
  });

  it('falls back to the local clock with a wide band when no answer carries a readable Date', () => {
    const clock = placeEndpointClock([{ sentAt: 0, receivedAt: 10, date: undefined }, { sentAt: 0, receivedAt: 10, date: 'yesterday-ish' }]);
    expect(clock).toMatchObject({ offsetMs: 0, fromEndpoint: false });
    expect(toleranceSeconds(clock)).toBeGreaterThanOrEqual(60);
  });
});
