import { describe, expect, it } from 'vitest';
import { loadSpec } from '../../src/spec/load-spec.ts';
import { adapterFor, SPEC_FILES } from '../../src/vendors/registry.ts';

// suites/auth.case.ts reads which code answers which auth or protocol case from each adapter's `authErrors`,
// and the status and source of that code from the spec: every code named there must be documented.
describe('adapter authErrors', () => {
  for (const vendor of Object.keys(SPEC_FILES) as Array<keyof typeof SPEC_FILES>) {
    it(`${vendor}: names only codes its spec documents as common errors`, () => {
      const spec = loadSpec(SPEC_FILES[vendor]);
      const adapter = adapterFor(vendor)!;
      const common = new Set(spec.commonErrors.map((e) => e.code));
      const named = Object.values(adapter.authErrors ?? {}).flatMap((e) => [e.code, ...(e.alternatives ?? [])]);
      expect(named.length).toBeGreaterThan(0);
      expect(named.filter((code) => !common.has(code))).toEqual([]);
      expect(adapter.rawClient).toBeTypeOf('function');
    });
  }

  it('names a replayed-nonce code exactly where the spec documents nonce replay protection', () => {
    for (const vendor of Object.keys(SPEC_FILES) as Array<keyof typeof SPEC_FILES>) {
      const spec = loadSpec(SPEC_FILES[vendor]);
      const nonce = adapterFor(vendor)!.authErrors?.replayedNonce;
      const replayEntry = spec.commonErrors.find((e) => /nonce/i.test(e.meaning) && /replay|already used|used already/i.test(e.meaning));
      expect(nonce?.code, vendor).toBe(replayEntry?.code);
    }
  });
});
