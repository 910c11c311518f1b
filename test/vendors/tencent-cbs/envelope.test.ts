import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeTencentResponse } from '../../../src/vendors/tencent-cbs/envelope.ts';

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const transcript = { request: { method: 'POST', url: 'http://x/', headers: {}, body: '' }, response: { status: 200, headers: {}, body: '' } };
const decode = (status: number, body: string | Buffer, contentType = 'application/json') =>
  decodeTencentResponse('CreateSnapshot', { status, headers: { 'content-type': contentType }, body: Buffer.from(body), durationMs: 1 }, transcript, UUID);

describe('decodeTencentResponse', () => {
  it('reads the documented success and error envelopes', () => {
    const ok = decode(200, '{"Response": {"SnapshotId": "snap-gybrif0z", "RequestId": "1bd35eca-0c9a-6e0b-938a-5a1f80511c19"}}');
    expect(ok).toMatchObject({ ok: true, requestId: '1bd35eca-0c9a-6e0b-938a-5a1f80511c19', data: { SnapshotId: 'snap-gybrif0z' }, findings: [] });
    const error = decode(200, '{"Response": {"Error": {"Code": "AuthFailure.SignatureFailure", "Message": "The provided credentials could not be validated."}, "RequestId": "ed93f3cb-f35e-473f-b9f3-0d451b8b79c6"}}');
    expect(error).toMatchObject({ ok: false, error: { code: 'AuthFailure.SignatureFailure' }, findings: [] });
  });

  it('turns every protocol deviation into a finding', () => {
    const kinds = (r: ReturnType<typeof decode>) => r.findings.map((f) => f.kind);
    expect(kinds(decode(200, '<html>busy</html>', 'text/html'))).toEqual(['wrong-content-type', 'non-json-body']);
    expect(kinds(decode(200, '{"SnapshotId": "snap-1"}'))).toEqual(['no-envelope']);
    expect(kinds(decode(200, '{"Response": {"SnapshotId": "snap-1"}}'))).toEqual(['missing-request-id']);
    expect(kinds(decode(200, '{"Response": {"RequestId": "r-1"}}'))).toEqual(['malformed-request-id']);
    expect(kinds(decode(500, '{"Response": {"Error": {"Code": "InternalError", "Message": ""}, "RequestId": "ed93f3cb-f35e-473f-b9f3-0d451b8b79c6"}}'))).toEqual(['error-status-mismatch']);
  });

  it('never throws, whatever arrives', () => {
    const json = fc.jsonValue().map((v) => JSON.stringify(v));
    const envelope = fc.record({ Response: fc.oneof(fc.jsonValue(), fc.record({ RequestId: fc.jsonValue(), Error: fc.jsonValue() }, { requiredKeys: [] })) }).map((v) => JSON.stringify(v));
    fc.assert(fc.property(
      fc.integer({ min: 100, max: 599 }),
      fc.oneof(fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)), json, envelope),
      fc.constantFrom('application/json', 'text/html', '', 'application/json; charset=utf-8'),
      (status, body, contentType) => {
        const result = decode(status, body, contentType);
        expect(typeof result.ok).toBe('boolean');
      },
    ));
  });
});

describe('decodeTencentResponse on hostile bodies', () => {
  it('reads an error whose fields are not strings without throwing', () => {
    const result = decode(200, '{"Response": {"Error": {"Code": {"toString": 1}, "Message": 5}, "RequestId": "ed93f3cb-f35e-473f-b9f3-0d451b8b79c6"}}');
    expect(result.error).toEqual({ code: '{"toString":1}', message: '5' });
  });
});
