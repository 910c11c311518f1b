import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flattenParams, type ParamValue } from '../../../src/transport/flatten.ts';
import { encodeV1Pairs, signV1, signV1Request } from '../../../src/vendors/tencent-cbs/v1.signer.ts';
import { verifyV1 } from '../../../src/vendors/tencent-cbs/v1.verifier.ts';

// The published v1 vector, reproduced in ../shared/reference/tencent-cbs.md §1.3.
const DOC_KEY = 'Gu5t9xGARNpq86cd98joQYCN3EXAMPLE';
const DOC_ID = 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE';
const DOC_PARAMS: Array<[string, string]> = [
  ['Action', 'DescribeInstances'], ['InstanceIds.0', 'ins-09dx96dg'], ['Limit', '20'], ['Nonce', '11886'], ['Offset', '0'],
  ['Region', 'ap-guangzhou'], ['SecretId', DOC_ID], ['Timestamp', '1465185768'], ['Version', '2017-03-12'],
];
const DOC_QUERY = 'Action=DescribeInstances&InstanceIds.0=ins-09dx96dg&Limit=20&Nonce=11886&Offset=0&Region=ap-guangzhou&SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE&Signature=EliP9YW3pW28FpsEdkXt%2F%2BWcGeI%3D&Timestamp=1465185768&Version=2017-03-12';
const docOptions = { now: 1465185768, skewSeconds: 300, secretOf: (id: string) => (id === DOC_ID ? DOC_KEY : undefined) };

describe('v1 signer, published vector', () => {
  it('reproduces the HmacSHA1 StringToSign, signature and final URL', () => {
    const signed = signV1Request({ method: 'GET', host: 'cvm.tencentcloudapi.com', params: DOC_PARAMS, secretKey: DOC_KEY });
    expect(signed.stringToSign).toBe('GETcvm.tencentcloudapi.com/?Action=DescribeInstances&InstanceIds.0=ins-09dx96dg&Limit=20&Nonce=11886&Offset=0&Region=ap-guangzhou&SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE&Timestamp=1465185768&Version=2017-03-12');
    expect(signed.signature).toBe('EliP9YW3pW28FpsEdkXt/+WcGeI=');
    expect(signed.query).toBe(DOC_QUERY);
    expect(signed.body).toBe('');
  });

  it('reproduces the self-derived HmacSHA256 value, whatever the order the pairs come in', () => {
    const params = ([['SignatureMethod', 'HmacSHA256'], ...DOC_PARAMS] as Array<[string, string]>).reverse();
    expect(signV1({ method: 'GET', host: 'cvm.tencentcloudapi.com', params, secretKey: DOC_KEY }).signature).toBe('A8uy2/o7WBZXYCTWEFpMrVGhGBVlEGIOioeqRM+fzFs=');
  });

  it('sorts names in byte order (InstanceIds.12 before InstanceIds.2) and signs raw values', () => {
    const params = flattenParams({ InstanceIds: Array.from({ length: 13 }, (_, i) => `ins-${i}`), Deadline: '2022-01-08T09:47:55+00:00' }, 0);
    const { stringToSign } = signV1({ method: 'POST', host: '127.0.0.1:8080', params, secretKey: 'k' });
    expect(stringToSign).toMatch(/^POST127\.0\.0\.1:8080\/\?Deadline=2022-01-08T09:47:55\+00:00&InstanceIds\.0=ins-0&InstanceIds\.1=ins-1&InstanceIds\.10=ins-10&InstanceIds\.11=ins-11&InstanceIds\.12=ins-12&InstanceIds\.2=ins-2&/);
  });
});

describe('v1 verifier, published vector', () => {
  it("accepts the doc's final URL as an arrived GET and hands back the business parameters", () => {
    const verdict = verifyV1({ method: 'GET', query: DOC_QUERY, headers: { host: 'cvm.tencentcloudapi.com' }, body: new Uint8Array() }, docOptions);
    expect(verdict).toEqual({
      ok: true, secretId: DOC_ID,
      common: { action: 'DescribeInstances', region: 'ap-guangzhou', version: '2017-03-12', token: undefined, language: undefined, timestamp: 1465185768, nonce: 11886, signatureMethod: 'HmacSHA1' },
      params: [['InstanceIds.0', 'ins-09dx96dg'], ['Limit', '20'], ['Offset', '0']],
    });
  });

  it("accepts the doc's lower-case percent escapes (%2f%2b…%3d) and refuses the URL one second too late", () => {
    const query = DOC_QUERY.replace('%2F%2B', '%2f%2b').replace('%3D', '%3d');
    const arrived = { method: 'GET', query, headers: { host: 'cvm.tencentcloudapi.com:443' }, body: new Uint8Array() };
    expect(verifyV1(arrived, docOptions).ok).toBe(true);
    expect(verifyV1(arrived, { ...docOptions, now: 1465185768 + 301 })).toMatchObject({ ok: false, code: 'AuthFailure.SignatureExpire' });
  });
});

const SECRET_ID = 'AKIDTESTTESTTESTTESTTESTTESTTESTTEST';
const SECRET_KEY = 'test-secret-key-0123456789';
const options = (now: number, secret = SECRET_KEY) => ({ now, skewSeconds: 300, secretOf: (id: string) => (id === SECRET_ID ? secret : undefined) });

// Values with the characters that encoding gets wrong: `:` `+` `&` `=` `%` space, CJK, astral emoji.
// U+FFFD is left out: a one-byte change can turn `EF BF BD` into a truncated sequence that decodes to U+FFFD again.
const tricky = fc.constantFrom(':', '+', '&', '=', '%', ' ', '/', '?', '#', '未', '命', '名', '😀', 'a', '0');
const valueArb = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 12 }), fc.string({ unit: tricky, maxLength: 12 })).filter((v) => !v.includes('\uFFFD'));
const businessArb = fc.record({
  DiskId: valueArb,
  SnapshotName: fc.option(valueArb, { nil: undefined }),
  Deadline: fc.constant('2022-01-08T09:47:55+00:00'),
  DiskIds: fc.array(valueArb, { maxLength: 13 }),
  Tags: fc.array(fc.record({ Key: valueArb, Value: valueArb }), { maxLength: 3 }),
  Limit: fc.nat(100),
}) as fc.Arbitrary<{ [key: string]: ParamValue }>;
const requestArb = fc.record({
  method: fc.constantFrom('GET' as const, 'POST' as const),
  signatureMethod: fc.constantFrom(undefined, 'HmacSHA1', 'HmacSHA256'),
  timestamp: fc.integer({ min: 1_500_000_000, max: 2_000_000_000 }),
  nonce: fc.nat(65535),
  token: fc.option(valueArb, { nil: undefined }),
  business: businessArb,
});
type Req = typeof requestArb extends fc.Arbitrary<infer T> ? T : never;

const PORT = 40123;
function pairsOf(r: Req): Array<[string, string]> {
  const common: Array<[string, string | undefined]> = [
    ['Action', 'CreateSnapshot'], ['Region', 'ap-guangzhou'], ['Timestamp', String(r.timestamp)], ['Nonce', String(r.nonce)],
    ['SecretId', SECRET_ID], ['Version', '2017-03-12'], ['SignatureMethod', r.signatureMethod], ['Token', r.token],
    ['RequestClient', 'SDK_NODEJS_4.1.313'],
  ];
  return [...flattenParams(r.business, 0), ...common.filter((p): p is [string, string] => p[1] !== undefined)];
}

/** Signs a request as the SDK does (endpoint with port) and shapes it as it arrives at 127.0.0.1:PORT. */
function arrive(r: Req, host = `127.0.0.1:${PORT}`, secretKey = SECRET_KEY) {
  const wire = signV1Request({ method: r.method, host, params: pairsOf(r), secretKey });
  return withWire(r.method, r.method === 'GET' ? wire.query : wire.body);
}
function withWire(method: 'GET' | 'POST', encoded: string) {
  const headers: Record<string, string> = { host: `127.0.0.1:${PORT}` };
  if (method === 'POST') headers['content-type'] = 'application/x-www-form-urlencoded';
  return { method, headers, query: method === 'GET' ? encoded : '', body: Buffer.from(method === 'POST' ? encoded : '') };
}
const wireOf = (request: ReturnType<typeof withWire>) => (request.method === 'GET' ? request.query : request.body.toString('utf8'));

describe('v1 verifier, properties', () => {
  it('accepts every request the signer signed, GET and POST, SHA1 and SHA256, with the host signed with or without the port', () => {
    fc.assert(fc.property(requestArb, fc.boolean(), (r, withPort) => {
      const verdict = verifyV1(arrive(r, withPort ? `127.0.0.1:${PORT}` : '127.0.0.1'), options(r.timestamp + 10));
      expect(verdict).toMatchObject({ ok: true, secretId: SECRET_ID, common: { action: 'CreateSnapshot', token: r.token, nonce: r.nonce, signatureMethod: r.signatureMethod ?? 'HmacSHA1' } });
      const byName = (a: [string, string], b: [string, string]) => (a[0] < b[0] ? -1 : 1);
      expect(verdict.ok && [...verdict.params].sort(byName)).toEqual(flattenParams(r.business, 0).sort(byName));
    }));
  });

  it('rejects a request when any single byte of any parameter value changes', () => {
    fc.assert(fc.property(requestArb, fc.nat(), fc.nat(), fc.integer({ min: 1, max: 255 }), (r, which, at, flip) => {
      const pairs = [...new URLSearchParams(wireOf(arrive(r)))].filter(([, value]) => value !== '');
      const i = which % pairs.length;
      const bytes = Buffer.from(pairs[i]![1]);
      bytes[at % bytes.length] = bytes[at % bytes.length]! ^ flip;
      // The changed value is sent byte for byte as %XX, so it arrives exactly as changed (even as invalid UTF-8).
      const changed = [...bytes].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
      const encoded = pairs.map(([name, value], j) => `${encodeURIComponent(name)}=${j === i ? changed : encodeURIComponent(value)}`).join('&');
      expect(verifyV1(withWire(r.method, encoded), options(r.timestamp)).ok).toBe(false);
    }));
  });

  it('rejects a changed Timestamp, a wrong secret or a wrong port with AuthFailure.SignatureFailure', () => {
    fc.assert(fc.property(requestArb, fc.integer({ min: -300, max: 300 }).filter((d) => d !== 0), (r, delta) => {
      const request = arrive(r);
      const moved = wireOf(request).replace(`Timestamp=${r.timestamp}`, `Timestamp=${r.timestamp + delta}`);
      expect(verifyV1(withWire(r.method, moved), options(r.timestamp))).toMatchObject({ ok: false, code: 'AuthFailure.SignatureFailure' });
      expect(verifyV1(request, options(r.timestamp, SECRET_KEY + 'x'))).toMatchObject({ ok: false, code: 'AuthFailure.SignatureFailure' });
      expect(verifyV1(arrive(r, `127.0.0.1:${PORT + 1}`), options(r.timestamp))).toMatchObject({ ok: false, code: 'AuthFailure.SignatureFailure' });
    }));
  });

  it('refuses clock skew beyond 300 s with AuthFailure.SignatureExpire', () => {
    fc.assert(fc.property(requestArb, fc.integer({ min: 301, max: 10_000_000 }), fc.boolean(), (r, skew, late) => {
      const request = arrive(r);
      expect(verifyV1(request, options(r.timestamp + (late ? 300 : -300))).ok).toBe(true);
      expect(verifyV1(request, options(r.timestamp + (late ? skew : -skew)))).toMatchObject({ ok: false, code: 'AuthFailure.SignatureExpire' });
    }));
  });
});

describe('v1 verifier, common parameters and shapes', () => {
  const base: Req = { method: 'POST', signatureMethod: 'HmacSHA256', timestamp: 1_800_000_000, nonce: 0, token: undefined, business: { DiskId: 'disk-1' } };
  const without = (name: string) => encodeV1Pairs([...new URLSearchParams(wireOf(arrive(base)))].filter(([n]) => n !== name));

  it('accepts Nonce=0, which the SDK can send', () => {
    expect(verifyV1(arrive(base), options(base.timestamp))).toMatchObject({ ok: true, common: { nonce: 0 } });
  });

  it('requires Signature, SecretId, Timestamp and Nonce', () => {
    for (const name of ['Signature', 'SecretId', 'Timestamp', 'Nonce']) {
      expect(verifyV1(withWire('POST', without(name)), options(base.timestamp))).toMatchObject({ ok: false, code: 'MissingParameter' });
    }
    const negative = wireOf(arrive(base)).replace('Nonce=0', 'Nonce=-1');
    expect(verifyV1(withWire('POST', negative), options(base.timestamp))).toMatchObject({ ok: false, code: 'InvalidParameter' });
  });

  it('refuses an unknown SecretId, a repeated Signature and a POST that is not a form', () => {
    const request = arrive(base);
    expect(verifyV1(request, { ...options(base.timestamp), secretOf: () => undefined })).toMatchObject({ ok: false, code: 'AuthFailure.SecretIdNotFound' });
    const twice = `${wireOf(request)}&Signature=x`;
    expect(verifyV1(withWire('POST', twice), options(base.timestamp))).toMatchObject({ ok: false, code: 'InvalidParameter' });
    expect(verifyV1({ ...request, headers: { ...request.headers, 'content-type': 'application/json' } }, options(base.timestamp))).toMatchObject({ ok: false, code: 'UnsupportedProtocol' });
    expect(verifyV1({ ...request, headers: { ...request.headers, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' } }, options(base.timestamp)).ok).toBe(true);
  });
});
