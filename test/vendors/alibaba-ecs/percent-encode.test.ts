import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { percentEncode } from '../../../src/vendors/alibaba-ecs/percent-encode.ts';

// The rule as the reference states it (§A1.1 step 2), byte by byte: the fast paths must agree with it.
const encoder = new TextEncoder();
function byTheRule(value: string): string {
  let out = '';
  for (const char of value) {
    if (/^[A-Za-z0-9\-_.~]$/.test(char)) out += char;
    else for (const byte of encoder.encode(char)) out += '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

describe('percentEncode', () => {
  it('encodes every string as the byte-by-byte rule does, lone surrogates included', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.string()), (value) => {
      expect(percentEncode(value)).toBe(byTheRule(value));
    }), { numRuns: 5000 });
  });

  it('keeps the cases the SDKs get wrong: space, *, ~, !\'() and a lone surrogate', () => {
    expect(percentEncode("a b*~!'()")).toBe('a%20b%2A~%21%27%28%29');
    expect(percentEncode('x\ud800y')).toBe('x%EF%BF%BDy');
  });
});
