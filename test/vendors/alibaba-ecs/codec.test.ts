import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadSpec } from '../../../src/spec/load-spec.ts';
import { parseAcsTime, formatAcsTime } from '../../../src/vendors/alibaba-ecs/acs-time.ts';
import { AUTH_ERRORS } from '../../../src/vendors/alibaba-ecs/auth-errors.ts';
import { decodeParams, encodeParams } from '../../../src/vendors/alibaba-ecs/codec.ts';
import { canonicalQuery, decodePairs, percentEncode } from '../../../src/vendors/alibaba-ecs/percent-encode.ts';

const spec = loadSpec('specs/alibaba-ecs.yaml');

describe('percent-encoding (§A1.1 step 2)', () => {
  it('keeps A-Z a-z 0-9 - _ . ~, encodes the rest as upper-case UTF-8 %XY', () => {
    expect(percentEncode('AZaz09-_.~')).toBe('AZaz09-_.~');
    expect(percentEncode(' *+&=/:!\'()')).toBe('%20%2A%2B%26%3D%2F%3A%21%27%28%29');
    expect(percentEncode('ü中😀')).toBe('%C3%BC%E4%B8%AD%F0%9F%98%80');
    expect(percentEncode('\uD800')).toBe('%EF%BF%BD');
  });

  it('agrees with encodeURIComponent once !\'()* are escaped (the reference JS form), and round-trips', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (s) => {
      expect(percentEncode(s)).toBe(encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`));
      expect(decodePairs(`k=${percentEncode(s)}`)).toEqual([['k', s]]);
    }));
  });

  it('builds the canonical query sorted by key in byte order, empty values as k=', () => {
    expect(canonicalQuery([['b', ''], ['B', 'x y'], ['a', '*'], ['Tag.10.Key', '1'], ['Tag.2.Key', '2']]))
      .toBe('B=x%20y&Tag.10.Key=1&Tag.2.Key=2&a=%2A&b=');
    expect(decodePairs('a=%2a&b=x+y&c=%ZZ&d')).toEqual([['a', '*'], ['b', 'x y'], ['c', '%ZZ'], ['d', '']]);
  });

  it('formats and parses yyyy-MM-ddTHH:mm:ssZ only', () => {
    expect(formatAcsTime(1678696470)).toBe('2023-03-13T08:34:30Z');
    expect(parseAcsTime('2023-03-13T08:34:30Z')).toBe(1678696470);
    for (const bad of ['2023-03-13T08:34:30.000Z', '2023-03-13T08:34:30+08:00', '2023-02-30T00:00:00Z', '1678696470', '']) expect(parseAcsTime(bad)).toBeUndefined();
  });
});

describe('codec: structured parameters ⇄ RPC pairs', () => {
  it('flattens Tag 1-based and passes JSON-array strings through', () => {
    expect(encodeParams({ DiskId: 'd-1', RetentionDays: 7, Tag: [{ Key: 'a', Value: 'b' }, { Key: 'c', Value: '' }], Skip: undefined })).toEqual([
      ['DiskId', 'd-1'], ['RetentionDays', '7'], ['Tag.1.Key', 'a'], ['Tag.1.Value', 'b'], ['Tag.2.Key', 'c'], ['Tag.2.Value', ''],
    ]);
    expect(encodeParams({ RegionId: 'cn-hangzhou', SnapshotIds: '["s-1","s-2"]' })).toEqual([['RegionId', 'cn-hangzhou'], ['SnapshotIds', '["s-1","s-2"]']]);
  });

  it('decodes to the schema types, 1-based indexes into arrays, JSON strings left alone', () => {
    const create = spec.action('CreateSnapshot').resolvedRequestSchema;
    expect(decodeParams({ DiskId: 'd-1', RetentionDays: '7', 'Tag.2.Key': 'c', 'Tag.1.Key': 'a', 'Tag.1.Value': 'b' }, create))
      .toEqual({ params: { DiskId: 'd-1', RetentionDays: 7, Tag: [{ Key: 'a', Value: 'b' }, { Key: 'c' }] }, dropped: [] });
    expect(decodeParams([['DiskIds', '["d-1"]'], ['RegionId', 'x']], spec.action('DescribeDisks').resolvedRequestSchema).params)
      .toEqual({ DiskIds: '["d-1"]', RegionId: 'x' });
    expect(decodeParams([['Force', 'true'], ['SnapshotId', 's-1']], spec.action('DeleteSnapshot').resolvedRequestSchema).params).toEqual({ Force: true, SnapshotId: 's-1' });
  });

  it('round-trips every documented request example of the spec', () => {
    let checked = 0;
    for (const action of spec.actions) {
      for (const example of action.examples.filter((e) => e.pointer.includes('/requestBody/'))) {
        checked += 1;
        expect(decodeParams(encodeParams(example.value as never), action.resolvedRequestSchema).params, `${action.action} ${example.name}`).toEqual(example.value);
      }
    }
    expect(checked).toBeGreaterThanOrEqual(5);
  });

  it('never throws nor writes into Object.prototype, whatever the names', () => {
    expect(decodeParams([['__proto__.polluted', 'x'], ['constructor.prototype.y', 'z'], ['Tag', 'a'], ['Tag.1.Key', 'k'], ['a..b', '1'], ['Ok', '1'], ['Ok', '2']]))
      .toEqual({ params: { Tag: 'a', Ok: '1' }, dropped: ['__proto__.polluted', 'constructor.prototype.y', 'Tag.1.Key', 'a..b', 'Ok'] });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    const segment = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'toString', '1', '2', 'Tag', 'Key', ''), fc.string({ maxLength: 3 }));
    const pairName = fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => s.join('.'));
    fc.assert(fc.property(fc.array(fc.tuple(pairName, fc.string({ maxLength: 3 })), { maxLength: 8 }), (pairs) => {
      decodeParams(pairs, spec.action('CreateSnapshot').resolvedRequestSchema);
      expect(Object.keys(Object.prototype)).toEqual([]);
    }), { numRuns: 500 });
  });
});

describe('auth-errors.ts agrees with the spec', () => {
  it('every code, status and message is the spec x-common-errors entry', () => {
    for (const [code, entry] of Object.entries(AUTH_ERRORS)) {
      const documented = spec.commonErrors.find((e) => e.code === code);
      expect(documented, code).toBeDefined();
      expect(entry.status, code).toBe(documented!.status);
      // The spec writes SignatureDoesNotMatch's message with a placeholder for the StringToSign.
      expect(documented!.message?.replace(/<the server's StringToSign>$/, ''), code).toBe(entry.message);
    }
    expect(spec.protocol.clockSkewSeconds?.value).toBe(900);
  });
});
