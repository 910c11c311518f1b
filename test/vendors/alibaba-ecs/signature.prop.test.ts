import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatAcsTime } from '../../../src/vendors/alibaba-ecs/acs-time.ts';
import { buildAcs3Request } from '../../../src/vendors/alibaba-ecs/acs3.signer.ts';
import { verifyAcs3 } from '../../../src/vendors/alibaba-ecs/acs3.verifier.ts';
import type { VerifyOptions } from '../../../src/vendors/alibaba-ecs/auth-errors.ts';
import { MemoryNonceStore } from '../../../src/vendors/alibaba-ecs/nonce-store.ts';
import { canonicalQuery, decodePairs, type ParamPair } from '../../../src/vendors/alibaba-ecs/percent-encode.ts';
import { buildRpcV2Request, rpcV2CommonParams, signRpcV2 } from '../../../src/vendors/alibaba-ecs/rpc-v2.signer.ts';
import { V2_COMMON_PARAMETERS, verifyRpcV2 } from '../../../src/vendors/alibaba-ecs/rpc-v2.verifier.ts';
import { verifyAlibabaRequest } from '../../../src/vendors/alibaba-ecs/verify-request.ts';
import type { ArrivedRequest } from '../../../src/vendors/tencent-cbs/tc3.verifier.ts';

const ID = 'LTAI5tTESTTESTTEST';
const SECRET = 'test-secret-0123456789';
const HOST = '127.0.0.1:40123';

// Values full of what percent-encoding gets wrong: space, `*`, `~`, `&`, `=`, `+`, `%`, `!'()`, multi-byte UTF-8.
// U+FFFD is left out: a byte-mutated value may decode to it (see the mutation property).
const char = fc.oneof(
  fc.constantFrom(' ', '*', '~', '&', '=', '+', '%', '.', '-', '_', '/', '!', "'", '(', ')', '#', '?', 'ü', '中', '😀', '\n'),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }).filter((c) => !c.includes('\uFFFD')),
);
const value = fc.string({ unit: char, maxLength: 24 });
const name = fc.stringMatching(/^[A-Z][A-Za-z0-9]{0,10}(\.[1-9](\.(Key|Value))?)?$/).filter((n) => !V2_COMMON_PARAMETERS.has(n));
const params = fc.uniqueArray(fc.tuple(name, value), { selector: ([n]) => n, maxLength: 6 });

const requestArb = fc.record({
  scheme: fc.constantFrom('v2', 'v3'),
  method: fc.constantFrom('GET', 'POST'),
  placement: fc.constantFrom('query', 'form'),
  params,
  timestamp: fc.integer({ min: 946_684_800, max: 4_102_444_800 }),
  nonce: fc.stringMatching(/^[0-9a-f]{32,64}$/),
}) as fc.Arbitrary<{ scheme: 'v2' | 'v3'; method: 'GET' | 'POST'; placement: 'query' | 'form'; params: ParamPair[]; timestamp: number; nonce: string }>;
type Req = typeof requestArb extends fc.Arbitrary<infer T> ? T : never;

/** Signs `r` as our client would and shapes it as it arrives at a server on HOST. */
function arrive(r: Req, secret = SECRET): ArrivedRequest {
  if (r.scheme === 'v2') {
    const all = [...rpcV2CommonParams({ action: 'CreateSnapshot', version: '2014-05-26', accessKeyId: ID, timestamp: r.timestamp, nonce: r.nonce }), ...r.params];
    const wire = buildRpcV2Request(r.method, all, secret, r.placement);
    return { method: r.method, query: wire.query, headers: { ...wire.headers, host: HOST }, body: Buffer.from(wire.body) };
  }
  const wire = buildAcs3Request({
    method: r.method, host: HOST, action: 'CreateSnapshot', version: '2014-05-26', params: r.params, placement: r.placement,
    date: formatAcsTime(r.timestamp), nonce: r.nonce, accessKeyId: ID, accessKeySecret: secret,
  });
  return { method: r.method, query: wire.query, headers: { ...wire.headers, host: HOST }, body: Buffer.from(wire.body) };
}

const options = (now: number, extra: Partial<VerifyOptions> = {}): VerifyOptions =>
  ({ now, secretOf: (id) => (id === ID ? SECRET : undefined), nonces: new MemoryNonceStore(), ...extra });
const verify = (request: ArrivedRequest, opts: VerifyOptions) => verifyAlibabaRequest(request, opts);

/** Percent-encodes raw bytes (which need not be valid UTF-8). */
const encodeBytes = (bytes: Uint8Array) => [...bytes].map((b) => (/[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');

/** Rewrites one business parameter's value on the wire, in the query or the form body, keeping the signature. */
function withWireValue(request: ArrivedRequest, target: string, encodedValue: string): ArrivedRequest {
  const rewrite = (text: string) => text.split('&').map((pair) => (pair.startsWith(`${target}=`) ? `${target}=${encodedValue}` : pair)).join('&');
  const body = Buffer.from(request.body).toString('utf8');
  if (body.includes(`${target}=`)) return { ...request, body: Buffer.from(rewrite(body)), headers: { ...request.headers } };
  return { ...request, query: rewrite(request.query) };
}

describe('Alibaba signatures, properties (V2 and V3, GET and POST, query and form)', () => {
  it('verify(sign(r)) accepts, and returns exactly the business parameters', () => {
    fc.assert(fc.property(requestArb, (r) => {
      const verdict = verify(arrive(r), options(r.timestamp));
      expect(verdict).toMatchObject({ ok: true, accessKeyId: ID, action: 'CreateSnapshot', version: '2014-05-26' });
      expect(verdict.ok && verdict.params).toEqual(Object.fromEntries(r.params));
    }), { numRuns: 300 });
  });

  it('refuses a request when any single byte of a parameter value changes on the wire', () => {
    const withParam = requestArb.filter((r) => r.params.length > 0);
    fc.assert(fc.property(withParam, fc.nat(), fc.nat(), fc.integer({ min: 1, max: 255 }), (r, which, at, flip) => {
      const [target, original] = r.params[which % r.params.length]!;
      const bytes = Buffer.from(original, 'utf8');
      const mutated = bytes.length === 0 ? Buffer.from([flip]) : Buffer.from(bytes.map((b, i) => (i === at % bytes.length ? b ^ flip : b)));
      const request = withWireValue(arrive(r), target, encodeBytes(mutated));
      expect(verify(request, options(r.timestamp))).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch', status: 400 });
    }), { numRuns: 300 });
  });

  it('V3: refuses any single changed byte of the body (x-acs-content-sha256 and the hashed payload)', () => {
    const withBody = requestArb.filter((r) => r.scheme === 'v3' && r.method === 'POST' && r.placement === 'form' && r.params.length > 0);
    fc.assert(fc.property(withBody, fc.nat(), fc.integer({ min: 1, max: 255 }), (r, at, flip) => {
      const request = arrive(r);
      const body = Buffer.from(request.body);
      const i = at % body.length;
      body[i] = body[i]! ^ flip;
      expect(verifyAcs3({ ...request, body }, options(r.timestamp))).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
    }), { numRuns: 200 });
  });

  it('V2 form body: a changed byte is refused exactly when it changes the decoded parameters', () => {
    const inForm = requestArb.filter((r) => r.scheme === 'v2' && r.method === 'POST' && r.placement === 'form');
    fc.assert(fc.property(inForm, fc.nat(), fc.integer({ min: 1, max: 255 }), (r, at, flip) => {
      const request = arrive(r);
      const body = Buffer.from(request.body);
      const i = at % body.length;
      body[i] = body[i]! ^ flip;
      const same = canonicalQuery(decodePairs(body.toString('utf8'))) === canonicalQuery(decodePairs(Buffer.from(request.body).toString('utf8')));
      // `%2A` → `%2a` decodes to the same `*`: the gateway signs decoded values, so that request is still valid.
      const verdict = verifyRpcV2({ ...request, body }, options(r.timestamp));
      expect(verdict.ok).toBe(same);
    }), { numRuns: 300 });
  });

  it('refuses a changed signed header (V3), timestamp (V2 and V3) or secret', () => {
    fc.assert(fc.property(requestArb, (r) => {
      const request = arrive(r);
      const refused = { ok: false, code: 'SignatureDoesNotMatch', status: 400 };
      if (r.scheme === 'v3') {
        for (const [header, changed] of [['x-acs-action', 'DeleteSnapshot'], ['x-acs-version', '2014-05-27'], ['host', '127.0.0.1:40124'], ['x-acs-signature-nonce', r.nonce + '0']]) {
          expect(verify({ ...request, headers: { ...request.headers, [header as string]: changed } }, options(r.timestamp))).toMatchObject(refused);
        }
        const later = { ...request, headers: { ...request.headers, 'x-acs-date': formatAcsTime(r.timestamp + 1) } };
        expect(verify(later, options(r.timestamp))).toMatchObject(refused);
      } else {
        const later = r.placement === 'form' && r.method === 'POST'
          ? { ...request, body: Buffer.from(Buffer.from(request.body).toString('utf8').replace(/Timestamp=[^&]*/, `Timestamp=${encodeURIComponent(formatAcsTime(r.timestamp + 1))}`)) }
          : { ...request, query: request.query.replace(/Timestamp=[^&]*/, `Timestamp=${encodeURIComponent(formatAcsTime(r.timestamp + 1))}`) };
        expect(verify(later, options(r.timestamp))).toMatchObject(refused);
      }
      expect(verify(arrive(r, SECRET + 'x'), options(r.timestamp))).toMatchObject(refused);
    }), { numRuns: 200 });
  });

  it('refuses a replayed nonce with SignatureNonceUsed, per AccessKeyId, for the window only', () => {
    fc.assert(fc.property(requestArb, fc.integer({ min: 0, max: 900 }), (r, later) => {
      const nonces = new MemoryNonceStore(31 * 60);
      const request = arrive(r);
      expect(verify(request, options(r.timestamp, { nonces })).ok).toBe(true);
      expect(verify(request, options(r.timestamp + later, { nonces }))).toEqual({
        ok: false, code: 'SignatureNonceUsed', status: 400, message: 'Specified signature nonce was used already.',
      });
      // Another key may use the same nonce; a forged request does not burn it.
      expect(nonces.remember('another-key', r.nonce, r.timestamp)).toBe(true);
      expect(nonces.remember(ID, r.nonce, r.timestamp + 31 * 60)).toBe(true);
    }), { numRuns: 100 });
    const r: Req = { scheme: 'v3', method: 'POST', placement: 'query', params: [], timestamp: 1_800_000_000, nonce: 'ab'.repeat(16) };
    const nonces = new MemoryNonceStore();
    expect(verify(arrive(r, 'wrong'), options(r.timestamp, { nonces })).ok).toBe(false);
    expect(verify(arrive(r), options(r.timestamp, { nonces })).ok).toBe(true);
  });

  it('refuses skew beyond the window with InvalidTimeStamp.Expired (default 900 s, configurable)', () => {
    fc.assert(fc.property(requestArb, fc.integer({ min: 1, max: 10_000_000 }), fc.boolean(), (r, beyond, future) => {
      const request = arrive(r);
      const skewed = future ? r.timestamp - 900 - beyond : r.timestamp + 900 + beyond;
      expect(verify(request, options(skewed))).toEqual({ ok: false, code: 'InvalidTimeStamp.Expired', status: 400, message: 'Specified time stamp or date value is expired.' });
      expect(verify(request, options(future ? r.timestamp - 900 : r.timestamp + 900)).ok).toBe(true);
      expect(verify(request, options(r.timestamp + 60, { skewSeconds: 30 }))).toMatchObject({ code: 'InvalidTimeStamp.Expired' });
    }), { numRuns: 200 });
  });
});

describe('Alibaba verifiers, robustness', () => {
  it('never throw and always answer a documented code, whatever arrives', () => {
    const authorization = fc.oneof(fc.string(), fc.constantFrom(
      'ACS3-HMAC-SHA256 Credential=LTAI5tTESTTESTTEST,SignedHeaders=host;x-acs-date,Signature=00',
      'ACS3-HMAC-SHA256 Credential=,SignedHeaders=,Signature=', 'ACS3-HMAC-SHA256 Credential=a,SignedHeaders=;;,Signature=ab',
    ));
    const headers = fc.record({
      authorization, host: fc.string(), 'content-type': fc.constantFrom('application/x-www-form-urlencoded', 'text/plain'),
      'x-acs-date': fc.oneof(fc.string(), fc.constant('2027-01-15T08:00:00Z')), 'x-acs-signature-nonce': fc.string(), 'x-acs-content-sha256': fc.string(),
    }, { requiredKeys: [] });
    const query = fc.oneof(fc.string({ unit: 'binary' }), fc.constant('AccessKeyId=LTAI5tTESTTESTTEST&SignatureMethod=HMAC-SHA1&SignatureVersion=1.0&SignatureNonce=1&Timestamp=2027-01-15T08%3A00%3A00Z&Signature=x&__proto__.a=1'));
    fc.assert(fc.property(fc.constantFrom('GET', 'POST', 'get', 'PUT'), query, headers, fc.uint8Array({ maxLength: 64 }), (method, q, h, body) => {
      const verdict = verify({ method, query: q, headers: h, body }, options(1_800_000_000));
      if (!verdict.ok) expect(verdict.status).toBeGreaterThanOrEqual(400);
    }), { numRuns: 1000 });
  });
});

describe('Alibaba signatures, refusals with the documented codes', () => {
  const base: Req = { scheme: 'v3', method: 'POST', placement: 'query', params: [['DiskId', 'd-1']], timestamp: 1_800_000_000, nonce: 'cd'.repeat(16) };
  const now = base.timestamp;

  it('V3: header rules', () => {
    const request = arrive(base);
    const h = (headers: Record<string, string | undefined>) => verifyAcs3({ ...request, headers: { ...request.headers, ...headers } }, options(now));
    expect(h({ 'x-acs-extra': '1' })).toMatchObject({ code: 'IncompleteSignature', status: 400 });
    expect(h({ authorization: request.headers['authorization']!.replace('SignedHeaders=host;', 'SignedHeaders=') })).toMatchObject({ code: 'IncompleteSignature' });
    expect(h({ authorization: request.headers['authorization']!.replace('ACS3-HMAC-SHA256', 'ACS3-HMAC-SM3') })).toMatchObject({ code: 'IncompleteSignature' });
    expect(h({ authorization: undefined })).toMatchObject({ code: 'IncompleteSignature' });
    expect(h({ 'x-acs-content-sha256': undefined, authorization: request.headers['authorization']!.replace('x-acs-content-sha256;', '') })).toMatchObject({ code: 'MissingParameter', message: expect.stringContaining('"x-acs-content-sha256"') });
    expect(h({ 'x-acs-content-sha256': '0'.repeat(64) })).toMatchObject({ code: 'SignatureDoesNotMatch' });
    expect(h({ 'x-acs-date': '2027-01-15T08:00:00.000Z' })).toMatchObject({ code: 'IllegalTimestamp' });
    expect(verifyAcs3(request, { ...options(now), secretOf: () => undefined })).toEqual({ ok: false, code: 'InvalidAccessKeyId.NotFound', status: 404, message: 'Specified access key is not found.' });
    expect(verifyAcs3({ ...request, method: 'PUT' }, options(now))).toMatchObject({ code: 'UnsupportedHTTPMethod', status: 403 });
    // An extra signed header (the SDK's x-acs-credentials-provider) and a signed content-type are honoured.
    const extra = buildAcs3Request({ method: 'POST', host: HOST, action: 'CreateSnapshot', version: '2014-05-26', params: [], date: formatAcsTime(now), nonce: 'n1', accessKeyId: ID, accessKeySecret: SECRET, overrides: { 'x-acs-credentials-provider': 'static_ak', 'content-type': 'text/plain' } });
    expect(extra.signature.signedHeaders).toEqual(['content-type', 'host', 'x-acs-action', 'x-acs-content-sha256', 'x-acs-credentials-provider', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-version']);
    expect(verifyAcs3({ method: 'POST', query: '', headers: { ...extra.headers, host: HOST }, body: Buffer.alloc(0) }, options(now)).ok).toBe(true);
  });

  it('V2: common-parameter rules, and the server StringToSign in SignatureDoesNotMatch', () => {
    const request = arrive({ ...base, scheme: 'v2' });
    const q = (from: RegExp, to: string) => verifyRpcV2({ ...request, query: request.query.replace(from, to) }, options(now));
    expect(q(/SignatureMethod=HMAC-SHA1/, 'SignatureMethod=HMAC-SHA256')).toMatchObject({ code: 'InvalidParamater', status: 400 });
    expect(q(/SignatureVersion=1.0/, 'SignatureVersion=2.0')).toMatchObject({ code: 'InvalidParamater' });
    expect(q(/SignatureNonce=[^&]*&/, '')).toMatchObject({ code: 'MissingParameter', message: expect.stringContaining('"SignatureNonce"') });
    expect(q(/&Signature=[^&]*/, '')).toMatchObject({ code: 'MissingParameter', message: expect.stringContaining('"Signature"') });
    expect(q(/Timestamp=[^&]*&/, '')).toMatchObject({ code: 'IllegalTimestamp' });
    expect(q(/Timestamp=[^&]*&/, 'Timestamp=1800000000&')).toMatchObject({ code: 'IllegalTimestamp' });
    expect(verifyRpcV2(request, { ...options(now), secretOf: () => undefined })).toMatchObject({ code: 'InvalidAccessKeyId.NotFound', status: 404 });
    const tampered = q(/DiskId=d-1/, 'DiskId=d-2');
    const expected = signRpcV2('POST', decodePairs(request.query.replace(/DiskId=d-1/, 'DiskId=d-2')), SECRET).stringToSign;
    expect(tampered).toEqual({ ok: false, code: 'SignatureDoesNotMatch', status: 400, message: `Specified signature is not matched with our calculation. server string to sign is:${expected}` });
  });
});
