import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signTc3, type Tc3Input } from '../../../src/vendors/tencent-cbs/tc3.signer.ts';
import { verifyTc3 } from '../../../src/vendors/tencent-cbs/tc3.verifier.ts';

// Official vectors, reproduced in ../shared/reference/tencent-cbs.md §1.2.
const PAYLOAD = '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}';
const POST_COMMON = {
  method: 'POST', host: 'cvm.tencentcloudapi.com', query: '', body: PAYLOAD, timestamp: 1551113065, service: 'cvm',
  headers: { 'content-type': 'application/json; charset=utf-8', 'x-tc-action': 'DescribeInstances' },
} as const;

describe('TC3-HMAC-SHA256 signer, official vectors', () => {
  it('vector A (current zh doc, signs x-tc-action) reproduces the published signature', () => {
    const signed = signTc3({
      ...POST_COMMON, headers: { ...POST_COMMON.headers }, secretId: 'AKID' + '*'.repeat(32), secretKey: '*'.repeat(32),
      signedHeaders: ['content-type', 'host', 'x-tc-action'],
    });
    expect(signed.canonicalRequest).toBe('POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\nx-tc-action:describeinstances\n\ncontent-type;host;x-tc-action\n35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064');
    expect(signed.stringToSign).toBe('TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84');
    expect(signed.signature).toBe('10b1a37a7301a02ca19a647ad722d5e43b4b3cff309d421d85b46093f6ab6c4f');
    expect(signed.authorization).toBe('TC3-HMAC-SHA256 Credential=AKID********************************/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host;x-tc-action, Signature=10b1a37a7301a02ca19a647ad722d5e43b4b3cff309d421d85b46093f6ab6c4f');
  });

  it('vector B (intl doc, signs content-type;host) reproduces the published signature', () => {
    const signed = signTc3({
      ...POST_COMMON, headers: { ...POST_COMMON.headers },
      secretId: 'AKID**********************0123456789EXAMPLE', secretKey: 'Gu5t9xGARNpq86cd98joQYCN3EXAMPLE',
    });
    expect(signed.signature).toBe('72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168');
  });

  it('vector D (GET with a query string) reproduces the published signature', () => {
    const signed = signTc3({
      method: 'GET', host: 'cvm.tencentcloudapi.com', query: 'Limit=10&Offset=0', body: '', timestamp: 1539084154, service: 'cvm',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      secretId: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE', secretKey: 'Gu5t9xGARNpq86cd98joQYCN3EXAMPLE',
    });
    expect(signed.canonicalRequest).toBe('GET\n/\nLimit=10&Offset=0\ncontent-type:application/x-www-form-urlencoded\nhost:cvm.tencentcloudapi.com\n\ncontent-type;host\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(signed.signature).toBe('5da7a33f6993f0614b047e5df4582db9e9bf4672ba50567dba16c6ccf174c474');
  });
});

const SECRET_ID = 'AKIDTESTTESTTESTTESTTESTTESTTESTTEST';
const SECRET_KEY = 'test-secret-key-0123456789';

/** Signs an arbitrary request and shapes it as it arrives at a server on 127.0.0.1:port. */
function arrive(input: Omit<Tc3Input, 'secretId' | 'secretKey' | 'host'>, port = 40123) {
  const { authorization } = signTc3({ ...input, host: '127.0.0.1', secretId: SECRET_ID, secretKey: SECRET_KEY });
  return {
    method: input.method,
    query: input.query,
    body: Buffer.from(input.body),
    headers: {
      ...input.headers, host: `127.0.0.1:${port}`, authorization, 'x-tc-timestamp': String(input.timestamp),
    } as Record<string, string>,
  };
}

const options = (now: number, secret = SECRET_KEY) => ({ now, skewSeconds: 300, secretOf: (id: string) => (id === SECRET_ID ? secret : undefined) });

const requestArb = fc.record({
  body: fc.string({ unit: 'binary', maxLength: 200 }),
  timestamp: fc.integer({ min: 1_500_000_000, max: 2_000_000_000 }),
  service: fc.constantFrom('cbs', '127', 'cvm'),
  contentType: fc.constantFrom('application/json', 'application/json; charset=utf-8'),
  action: fc.constantFrom('CreateSnapshot', 'DescribeSnapshots'),
  signAction: fc.boolean(),
});

describe('TC3 verifier', () => {
  it('accepts every request the signer signed (verify(sign(r)))', () => {
    fc.assert(fc.property(requestArb, (r) => {
      const request = arrive({
        method: 'POST', query: '', body: r.body, timestamp: r.timestamp, service: r.service,
        headers: { 'content-type': r.contentType, 'x-tc-action': r.action },
        signedHeaders: r.signAction ? ['content-type', 'host', 'x-tc-action'] : ['content-type', 'host'],
      });
      expect(verifyTc3(request, options(r.timestamp + 10))).toEqual({ ok: true, secretId: SECRET_ID });
    }));
  });

  it('rejects a request when any single byte of the body changes', () => {
    fc.assert(fc.property(requestArb.filter((r) => r.body.length > 0), fc.nat(), fc.integer({ min: 1, max: 255 }), (r, at, flip) => {
      const request = arrive({ method: 'POST', query: '', body: r.body, timestamp: r.timestamp, service: r.service, headers: { 'content-type': r.contentType } });
      const body = Buffer.from(request.body);
      const i = at % body.length;
      body[i] = body[i]! ^ flip;
      expect(verifyTc3({ ...request, body }, options(r.timestamp)).ok).toBe(false);
    }));
  });

  it('rejects a changed signed header, timestamp or secret with the documented codes', () => {
    fc.assert(fc.property(requestArb, (r) => {
      const request = arrive({
        method: 'POST', query: '', body: r.body, timestamp: r.timestamp, service: r.service,
        headers: { 'content-type': r.contentType, 'x-tc-action': r.action }, signedHeaders: ['content-type', 'host', 'x-tc-action'],
      });
      const otherAction = r.action === 'CreateSnapshot' ? 'DescribeSnapshots' : 'CreateSnapshot';
      expect(verifyTc3({ ...request, headers: { ...request.headers, 'x-tc-action': otherAction } }, options(r.timestamp))).toMatchObject({ ok: false, code: 'AuthFailure.SignatureFailure' });
      expect(verifyTc3({ ...request, headers: { ...request.headers, 'content-type': 'text/plain' } }, options(r.timestamp))).toMatchObject({ ok: false, code: 'AuthFailure.SignatureFailure' });
      expect(verifyTc3({ ...request, headers: { ...request.headers, 'x-tc-timestamp': String(r.timestamp + 1) } }, options(r.timestamp))).toMatchObject({ ok: false, code: 'AuthFailure.SignatureFailure' });
      expect(verifyTc3(request, options(r.timestamp, SECRET_KEY + 'x'))).toMatchObject({ ok: false, code: 'AuthFailure.SignatureFailure' });
    }));
  });

  it('accepts X-TC-Token unsigned, as the SDKs send it, and protects it when a client signs it', () => {
    // ../shared/reference/tencent-cbs.md §1.4 and §4.2 gotcha 8: the token rides in X-TC-Token, outside SignedHeaders.
    const headers = { 'content-type': 'application/json', 'x-tc-token': 'sts-token-xyz+/=' };
    const unsigned = arrive({ method: 'POST', query: '', body: '{}', timestamp: 1_800_000_000, service: 'cbs', headers });
    expect(verifyTc3(unsigned, options(1_800_000_000))).toEqual({ ok: true, secretId: SECRET_ID });
    const signed = arrive({ method: 'POST', query: '', body: '{}', timestamp: 1_800_000_000, service: 'cbs', headers, signedHeaders: ['content-type', 'host', 'x-tc-token'] });
    expect(verifyTc3(signed, options(1_800_000_000))).toEqual({ ok: true, secretId: SECRET_ID });
    expect(verifyTc3({ ...signed, headers: { ...signed.headers, 'x-tc-token': 'other' } }, options(1_800_000_000))).toMatchObject({ code: 'AuthFailure.SignatureFailure' });
    const { 'x-tc-token': _dropped, ...withoutToken } = signed.headers;
    expect(verifyTc3({ ...signed, headers: withoutToken }, options(1_800_000_000))).toMatchObject({ code: 'AuthFailure.SignatureFailure' });
  });

  it('accepts X-TC-Content-SHA256: UNSIGNED-PAYLOAD requests, whose hashed payload is sha256("UNSIGNED-PAYLOAD")', () => {
    // The official SDKs' unsignedPayload option (tencentcloud-sdk-go common/client.go; reference §1.1): signed
    // here as the SDK does, by hashing the literal string in place of the body — not through our signer's option.
    const headers = { 'content-type': 'application/json', 'x-tc-content-sha256': 'UNSIGNED-PAYLOAD' };
    const asTheSdkSigns = arrive({ method: 'POST', query: '', body: 'UNSIGNED-PAYLOAD', timestamp: 1_800_000_000, service: 'cbs', headers });
    for (const body of ['{"DiskId":"disk-1"}', '', '{}']) {
      expect(verifyTc3({ ...asTheSdkSigns, body: Buffer.from(body) }, options(1_800_000_000)), body).toEqual({ ok: true, secretId: SECRET_ID });
    }
    // Our signer's option signs the same way.
    const ours = arrive({ method: 'POST', query: '', body: '{"DiskId":"disk-1"}', timestamp: 1_800_000_000, service: 'cbs', headers, unsignedPayload: true });
    expect(ours.headers['authorization']).toBe(asTheSdkSigns.headers['authorization']);
    // Without the header the body is signed as usual: the same signature no longer fits.
    const { 'x-tc-content-sha256': _dropped, ...plain } = asTheSdkSigns.headers;
    expect(verifyTc3({ ...asTheSdkSigns, headers: plain, body: Buffer.from('{}') }, options(1_800_000_000))).toMatchObject({ code: 'AuthFailure.SignatureFailure' });
    // The rest of the request stays protected.
    expect(verifyTc3({ ...asTheSdkSigns, headers: { ...asTheSdkSigns.headers, 'content-type': 'text/plain' } }, options(1_800_000_000))).toMatchObject({ code: 'AuthFailure.SignatureFailure' });
  });

  it('refuses clock skew beyond five minutes and unknown keys', () => {
    const request = arrive({ method: 'POST', query: '', body: '{}', timestamp: 1_800_000_000, service: 'cbs', headers: { 'content-type': 'application/json' } });
    expect(verifyTc3(request, options(1_800_000_000 + 300)).ok).toBe(true);
    expect(verifyTc3(request, options(1_800_000_000 + 301))).toMatchObject({ code: 'AuthFailure.SignatureExpire' });
    expect(verifyTc3(request, options(1_800_000_000 - 301))).toMatchObject({ code: 'AuthFailure.SignatureExpire' });
    expect(verifyTc3(request, { ...options(1_800_000_000), secretOf: () => undefined })).toMatchObject({ code: 'AuthFailure.SecretIdNotFound' });
    expect(verifyTc3({ ...request, headers: { ...request.headers, authorization: 'Bearer x' } }, options(1_800_000_000))).toMatchObject({ code: 'AuthFailure.InvalidAuthorization' });
  });
});
