import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flattenParams, unflattenParams, type ParamValue } from '../../src/transport/flatten.ts';

describe('flattenParams / unflattenParams', () => {
  it('flattens Tencent 0-based and Alibaba 1-based, and back', () => {
    const params = { DiskIds: ['d-1', 'd-2'], Tags: [{ Key: 'k', Value: 'v' }], Name: 'n' };
    expect(flattenParams(params, 0)).toEqual([['DiskIds.0', 'd-1'], ['DiskIds.1', 'd-2'], ['Tags.0.Key', 'k'], ['Tags.0.Value', 'v'], ['Name', 'n']]);
    expect(flattenParams(params, 1)[0]).toEqual(['DiskIds.1', 'd-1']);
    expect(unflattenParams(flattenParams(params, 0))).toEqual(params);
    expect(unflattenParams(flattenParams(params, 1))).toEqual(params);
  });

  it('round-trips arbitrary string structures', () => {
    const key = fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,8}$/).filter((k) => !['constructor', 'prototype'].includes(k));
    const value: fc.Arbitrary<ParamValue> = fc.letrec<{ v: ParamValue }>((tie) => ({
      v: fc.oneof({ depthSize: 'small' }, fc.string(), fc.array(tie('v'), { minLength: 1, maxLength: 3 }), fc.dictionary(key, tie('v'), { minKeys: 1, maxKeys: 3 })),
    })).v;
    fc.assert(fc.property(fc.dictionary(key, value, { minKeys: 1 }), (params) => {
      expect(unflattenParams(flattenParams(params, 0))).toEqual(params);
    }));
  });

  it('refuses parameter names that reach a prototype, and survives conflicting shapes', () => {
    const out = unflattenParams([['__proto__.polluted', '1'], ['constructor.prototype.x', '1'], ['toString.x', '1'], ['Tag.1.Key', 'k'], ['Tag', 'a']]);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'x')).toBe(false);
    expect(out['Tag']).toEqual([{ Key: 'k' }]);
    expect(out['toString']).toEqual({ x: '1' });
  });
});
