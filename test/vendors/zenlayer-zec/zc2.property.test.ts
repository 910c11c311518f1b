import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadSpec } from '../../../src/spec/load-spec.ts';
import { SPEC_FILES } from '../../../src/vendors/registry.ts';
import { signZc2 } from '../../../src/vendors/zenlayer-zec/zc2.signer.ts';
import { verifyZc2, ZC2_DEFAULT_SKEW_SECONDS, zc2AuthErrorsFromSpec, type Zc2VerifyOptions } from '../../../src/vendors/zenlayer-zec/zc2.verifier.ts';

const spec = loadSpec(SPEC_FILES['zenlayer-zec']);
const errors = zc2AuthErrorsFromSpec(spec);
const KEY_ID = 'zc-test-key';
const PASSWORD = 'zc-test-password-0123456789';

const options = (now: number, extra: Partial<Zc2VerifyOptions> = {}): Zc2VerifyOptions => ({
  now, errors, passwordOf: (id) => (id === KEY_ID ? PASSWORD : undefined), ...extra,
});

/** Bodies: raw bytes, binary strings (any code point), and JSON with arbitrary spacing (json.dumps-like). */
const bodyArb = fc.oneof(
  fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
  fc.string({ unit: 'binary', maxLength: 200 }).map((text) => Buffer.from(text, 'utf8')),
  fc.tuple(fc.jsonValue({ maxDepth: 3 }), fc.integer({ min: 0, max: 4 }))
    .map(([value, indent]) => Buffer.from(JSON.stringify(value, null, indent) ?? 'null', 'utf8')),
);
const contentTypeArb = fc.oneof(
  fc.constantFrom('application/json', 'application/json; charset=utf-8', 'Application/JSON', ' application/json '),
  fc.stringMatching(/^[a-z]{1,10}\/[a-z0-9.+-]{1,12}(; ?charset=[a-z0-9-]{1,8})?$/),
);
const hostArb = fc.tuple(fc.oneof(fc.domain(), fc.ipV4(), fc.constant('127.0.0.1')), fc.option(fc.integer({ min: 1, max: 65535 })))
  .map(([name, port]) => (port === null ? name : `${name}:${port}`));
const requestArb = fc.record({
  body: bodyArb,
  contentType: contentTypeArb,
  host: hostArb,
  timestamp: fc.integer({ min: 1_500_000_000, max: 2_000_000_000 }),
  action: fc.constantFrom('CreateSnapshot', 'DescribeSnapshots', 'DeleteSnapshots', 'DescribeDisks'),
});
type Req = typeof requestArb extends fc.Arbitrary<infer T> ? T : never;

/** Signs a request as a client would and shapes it as it arrives at the server. */
function arrive(r: Req, password = PASSWORD) {
  const { authorization } = signZc2({ ...r, accessKeyId: KEY_ID, accessKeyPassword: password });
  return {
    method: 'POST',
    query: '',
    body: r.body,
    headers: {
      host: r.host,
      'content-type': r.contentType,
      'x-zc-action': r.action,
      'x-zc-version': spec.version,
      'x-zc-timestamp': String(r.timestamp),
      'x-zc-signature-method': 'ZC2-HMAC-SHA256',
      authorization,
    } as Record<string, string | undefined>,
  };
}

const OK = { ok: true, accessKeyId: KEY_ID };

describe('ZC2 verifier properties', () => {
  it('verify(sign(r)) for arbitrary bodies, content types and hosts with ports', () => {
    fc.assert(fc.property(requestArb, fc.integer({ min: -ZC2_DEFAULT_SKEW_SECONDS, max: ZC2_DEFAULT_SKEW_SECONDS }), (r, skew) => {
      expect(verifyZc2(arrive(r), options(r.timestamp + skew))).toEqual(OK);
    }));
  });

  it('an identical resend verifies again (no nonce; the Python SDK retries the same signed request)', () => {
    fc.assert(fc.property(requestArb, fc.integer({ min: 2, max: 5 }), (r, times) => {
      const request = arrive(r);
      for (let i = 0; i < times; i++) {
        const resent = { ...request, body: Buffer.from(request.body), headers: { ...request.headers } };
        expect(verifyZc2(resent, options(r.timestamp + i))).toEqual(OK);
      }
    }));
  });

  it('any single changed body byte fails with the signature error', () => {
    fc.assert(fc.property(requestArb.filter((r) => r.body.length > 0), fc.nat(), fc.integer({ min: 1, max: 255 }), (r, at, flip) => {
      const request = arrive(r);
      const body = Buffer.from(request.body);
      const i = at % body.length;
      body[i] = body[i]! ^ flip;
      expect(verifyZc2({ ...request, body }, options(r.timestamp))).toMatchObject({ ok: false, code: errors.signatureInvalid.code, status: errors.signatureInvalid.status });
    }));
  });

  it('a changed content-type, host (port included), timestamp or secret fails with the signature error', () => {
    const failure = { ok: false, code: errors.signatureInvalid.code, status: errors.signatureInvalid.status };
    fc.assert(fc.property(requestArb, fc.integer({ min: 1, max: ZC2_DEFAULT_SKEW_SECONDS }), (r, delta) => {
      const request = arrive(r);
      const withHeader = (name: string, value: string) => ({ ...request, headers: { ...request.headers, [name]: value } });
      expect(verifyZc2(withHeader('content-type', `${r.contentType.trim()}x`), options(r.timestamp))).toMatchObject(failure);
      expect(verifyZc2(withHeader('host', `x${r.host}`), options(r.timestamp))).toMatchObject(failure);
      const [name, port] = r.host.split(':');
      const otherHost = port === undefined ? `${name}:443` : name!; // adding or dropping the port breaks it
      expect(verifyZc2(withHeader('host', otherHost), options(r.timestamp))).toMatchObject(failure);
      expect(verifyZc2(withHeader('x-zc-timestamp', String(r.timestamp + delta)), options(r.timestamp))).toMatchObject(failure);
      expect(verifyZc2(arrive(r, `${PASSWORD}x`), options(r.timestamp))).toMatchObject(failure);
    }));
  });

  it('X-ZC-Action and X-ZC-Version are not signed (§B1): changing them still verifies', () => {
    fc.assert(fc.property(requestArb, (r) => {
      const request = arrive(r);
      const headers = { ...request.headers, 'x-zc-action': 'DeleteSnapshots', 'x-zc-version': '2024-04-01' };
      expect(verifyZc2({ ...request, headers }, options(r.timestamp))).toEqual(OK);
    }));
  });

  it('skew beyond the window fails with the spec\'s (invented) timestamp-expired code; within it passes', () => {
    expect(errors.timestampExpired).toMatchObject({ code: 'AUTH_FAILURE_TIMESTAMP_EXPIRED', status: 401 });
    fc.assert(fc.property(requestArb, fc.integer({ min: 0, max: 3600 }), fc.integer({ min: 1, max: 10_000 }), fc.boolean(), (r, window, beyond, ahead) => {
      const request = arrive(r);
      const sign = ahead ? 1 : -1;
      expect(verifyZc2(request, options(r.timestamp + sign * window, { skewSeconds: window }))).toEqual(OK);
      expect(verifyZc2(request, options(r.timestamp + sign * (window + beyond), { skewSeconds: window })))
        .toMatchObject({ ok: false, code: errors.timestampExpired.code, status: errors.timestampExpired.status });
    }));
  });
});

describe('ZC2 verifier refusals', () => {
  const r: Req = { body: Buffer.from('{}'), contentType: 'application/json', host: '127.0.0.1:18081', timestamp: 1_800_000_000, action: 'CreateSnapshot' };
  const request = arrive(r);
  const withHeaders = (headers: Record<string, string | undefined>) => ({ ...request, headers: { ...request.headers, ...headers } });

  it('uses the codes and statuses of x-common-errors', () => {
    expect(errors).toEqual({
      signatureInvalid: { code: 'AUTH_FAILURE_SIGNATURE_INVALID', status: 401, inferred: true },
      accessKeyInvalid: { code: 'AUTH_FAILURE_ACCESS_KEY_INVALID', status: 401, inferred: true },
      timestampExpired: { code: 'AUTH_FAILURE_TIMESTAMP_EXPIRED', status: 401, inferred: true },
      missingParameter: { code: 'MISSING_PARAMETER', status: 400, inferred: true },
    });
    expect(() => zc2AuthErrorsFromSpec({ commonErrors: [] })).toThrow(/AUTH_FAILURE_SIGNATURE_INVALID/);
  });

  it('refuses an unknown key, a missing or malformed Authorization, wrong method header, missing timestamp', () => {
    expect(verifyZc2(request, { ...options(r.timestamp), passwordOf: () => undefined })).toMatchObject({ code: 'AUTH_FAILURE_ACCESS_KEY_INVALID', status: 401 });
    expect(verifyZc2(withHeaders({ authorization: undefined }), options(r.timestamp))).toMatchObject({ code: 'AUTH_FAILURE_SIGNATURE_INVALID' });
    expect(verifyZc2(withHeaders({ authorization: request.headers['authorization']!.replace('ZC2-', 'TC3-') }), options(r.timestamp))).toMatchObject({ code: 'AUTH_FAILURE_SIGNATURE_INVALID' });
    expect(verifyZc2(withHeaders({ authorization: request.headers['authorization']!.replace('content-type;host', 'content-type;host;x-zc-action') }), options(r.timestamp))).toMatchObject({ code: 'AUTH_FAILURE_SIGNATURE_INVALID' });
    expect(verifyZc2(withHeaders({ 'x-zc-signature-method': 'ZC2-HMAC_SHA256' }), options(r.timestamp))).toMatchObject({ code: 'AUTH_FAILURE_SIGNATURE_INVALID' });
    expect(verifyZc2(withHeaders({ 'x-zc-signature-method': undefined }), options(r.timestamp))).toEqual(OK);
    expect(verifyZc2(withHeaders({ 'x-zc-timestamp': undefined }), options(r.timestamp))).toMatchObject({ code: 'MISSING_PARAMETER', status: 400 });
    expect(verifyZc2(withHeaders({ 'x-zc-timestamp': 'soon' }), options(r.timestamp))).toMatchObject({ code: 'MISSING_PARAMETER' });
  });

  it('defaults to a 300 s window (our choice: ZC2 documents none)', () => {
    expect(verifyZc2(request, options(r.timestamp + 300))).toEqual(OK);
    expect(verifyZc2(request, options(r.timestamp - 301))).toMatchObject({ code: 'AUTH_FAILURE_TIMESTAMP_EXPIRED' });
  });

  it('refuses Bearer tokens without a token lookup, and checks them with one', () => {
    const bearer = withHeaders({ authorization: 'Bearer pat-123', 'x-zc-timestamp': undefined, 'x-zc-signature-method': undefined });
    expect(verifyZc2(bearer, options(r.timestamp))).toMatchObject({ ok: false, code: 'AUTH_FAILURE_ACCESS_KEY_INVALID', status: 401 });
    const tokenOwner = (token: string) => (token === 'pat-123' ? 'account-key' : undefined);
    expect(verifyZc2(bearer, options(r.timestamp, { tokenOwner }))).toEqual({ ok: true, accessKeyId: 'account-key' });
    expect(verifyZc2(withHeaders({ authorization: 'Bearer other' }), options(r.timestamp, { tokenOwner }))).toMatchObject({ code: 'AUTH_FAILURE_ACCESS_KEY_INVALID' });
  });
});
