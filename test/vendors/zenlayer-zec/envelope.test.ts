import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadSpec } from '../../../src/spec/load-spec.ts';
import type { Transcript } from '../../../src/transport/call-result.ts';
import { SPEC_FILES } from '../../../src/vendors/registry.ts';
import { decodeZenlayerResponse } from '../../../src/vendors/zenlayer-zec/envelope.ts';

const spec = loadSpec(SPEC_FILES['zenlayer-zec']);
const PATTERN = new RegExp(spec.envelope.requestIdPattern, 'u');
const TRANSCRIPT: Transcript = {
  request: { method: 'POST', url: 'http://127.0.0.1/api/v2/zec', headers: {}, body: '' },
  response: { status: 0, headers: {}, body: '' },
};
const ID = 'T67723B59-F4D1-42EA-BDC1-5E67167FD8CC';

function decode(status: number, body: unknown, contentType = 'application/json') {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  return decodeZenlayerResponse('CreateSnapshot', { status, headers: { 'content-type': contentType }, body: bytes, durationMs: 1 }, TRANSCRIPT, PATTERN);
}
const kinds = (result: ReturnType<typeof decode>) => result.findings.map((f) => f.kind);
const example = (name: string, status: string) => spec.action('CreateSnapshot').examples
  .find((e) => e.name === name && e.pointer.includes(`/responses/${status}/`))!.value;

describe('Zenlayer envelope: the documents\' examples (§B2, §B3)', () => {
  it('decodes the CreateSnapshot page\'s success example', () => {
    const result = decode(200, example('page', '200'));
    expect(result).toMatchObject({ ok: true, httpStatus: 200, requestId: 'T05992D0C-7E8B-4047-B0C0-780F2CD549D3', data: { snapshotId: 'snapshotId1' }, error: undefined, findings: [] });
    expect(result.data).not.toHaveProperty('requestId');
  });

  it('decodes the response page\'s error example with a 4xx status', () => {
    const result = decode(404, example('envelope', '404'));
    expect(result).toMatchObject({
      ok: false, requestId: ID, data: undefined, findings: [],
      error: { code: 'INVALID_ZONE_NOT_FOUND', message: 'The specified zoneId `SEL--A` is not found' },
    });
  });

  it('decodes a 429 REQUEST_LIMIT_EXCEEDED (the SDKs\' retried code, §B2)', () => {
    const result = decode(429, { requestId: ID, code: 'REQUEST_LIMIT_EXCEEDED', message: 'slow down' });
    expect(result).toMatchObject({ ok: false, httpStatus: 429, error: { code: 'REQUEST_LIMIT_EXCEEDED' }, findings: [] });
  });
});

describe('Zenlayer envelope findings', () => {
  const success = { requestId: ID, response: { requestId: ID, snapshotId: 's-1' } };

  it('non-JSON body, no envelope, wrong content type', () => {
    expect(kinds(decode(502, '<html>bad gateway</html>', 'text/html'))).toEqual(['wrong-content-type', 'non-json-body']);
    expect(kinds(decode(200, { requestId: ID, snapshotId: 's-1' }))).toEqual(['no-envelope']);
    expect(kinds(decode(200, [1, 2]))).toEqual(['no-envelope']);
    expect(kinds(decode(200, success, 'text/plain'))).toEqual(['wrong-content-type']);
    expect(kinds(decode(200, success, 'application/json; charset=utf-8'))).toEqual([]);
  });

  it('missing, malformed or differing requestIds', () => {
    expect(kinds(decode(200, { response: { requestId: ID } }))).toEqual(['missing-request-id']);
    expect(decode(200, { response: { requestId: ID } }).requestId).toBe(ID);
    expect(kinds(decode(200, { requestId: ID, response: { snapshotId: 's-1' } }))).toEqual(['missing-request-id']);
    expect(kinds(decode(200, { requestId: 'req-1', response: { requestId: 'req-1' } }))).toEqual(['malformed-request-id']);
    const lower = ID.toLowerCase();
    expect(kinds(decode(200, { requestId: lower, response: { requestId: lower } }))).toEqual(['malformed-request-id']);
    const other = 'T00000000-0000-0000-0000-000000000000';
    const differ = decode(200, { requestId: ID, response: { requestId: other } });
    expect(differ.findings).toEqual([{ kind: 'malformed-request-id', detail: expect.stringContaining('differs') }]);
    expect(differ.requestId).toBe(ID);
    expect(kinds(decode(400, { code: 'INVALID_PARAMETER', message: 'x' }))).toEqual(['missing-request-id']);
  });

  it('an error with HTTP 200, or a success with a non-200 status, is error-status-mismatch', () => {
    const error200 = decode(200, { requestId: ID, code: 'INVALID_DISK_NOT_FOUND', message: 'no disk' });
    expect(error200).toMatchObject({ ok: false, error: { code: 'INVALID_DISK_NOT_FOUND' } });
    expect(kinds(error200)).toEqual(['error-status-mismatch']);
    const success500 = decode(500, success);
    expect(success500).toMatchObject({ ok: true, data: { snapshotId: 's-1' } });
    expect(kinds(success500)).toEqual(['error-status-mismatch']);
  });

  it('a body with both `response` and `code` follows the status', () => {
    const both = { ...success, code: 'X', message: 'y' };
    expect(decode(200, both)).toMatchObject({ ok: true, findings: [] });
    expect(decode(400, both)).toMatchObject({ ok: false, error: { code: 'X', message: 'y' }, findings: [] });
  });
});

describe('Zenlayer envelope never throws', () => {
  const statusArb = fc.integer({ min: 100, max: 599 });
  const contentTypeArb = fc.oneof(fc.constant('application/json'), fc.string({ maxLength: 40 }));
  const check = (status: number, body: Buffer, contentType: string) => {
    const result = decode(status, body, contentType);
    expect(result.httpStatus).toBe(status);
    if (result.ok) expect(result.error).toBeUndefined();
    if (result.ok) expect(result.data).toBeDefined();
    if (result.error) expect(result.ok).toBe(false);
  };

  it('on arbitrary bytes, statuses and content types', () => {
    fc.assert(fc.property(statusArb, fc.uint8Array({ maxLength: 300 }), contentTypeArb, (status, bytes, ct) => check(status, Buffer.from(bytes), ct)));
  });

  it('on arbitrary JSON values', () => {
    fc.assert(fc.property(statusArb, fc.jsonValue(), contentTypeArb, (status, value, ct) => check(status, Buffer.from(JSON.stringify(value) ?? ''), ct)));
  });

  it('on envelope-shaped JSON with arbitrary field values', () => {
    const anything = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(ID));
    const bodyArb = fc.record({
      requestId: anything, code: anything, message: anything,
      response: fc.oneof(anything, fc.dictionary(fc.constantFrom('requestId', 'snapshotId', 'totalCount'), anything)),
    }, { requiredKeys: [] });
    fc.assert(fc.property(statusArb, bodyArb, contentTypeArb, (status, body, ct) => check(status, Buffer.from(JSON.stringify(body)), ct)));
  });
});

describe('decodeZenlayerResponse on a hostile error body', () => {
  it('reads non-string code and message without throwing', async () => {
    const { decodeZenlayerResponse } = await import('../../../src/vendors/zenlayer-zec/envelope.ts');
    const body = Buffer.from('{"requestId":"T67723B59-F4D1-42EA-BDC1-5E67167FD8CC","code":{"toString":1},"message":7}');
    const transcript = { request: { method: 'POST', url: 'http://x/', headers: {}, body: '' }, response: { status: 400, headers: {}, body: '' } };
    const result = decodeZenlayerResponse('CreateSnapshot', { status: 400, headers: { 'content-type': 'application/json' }, body, durationMs: 1 }, transcript, /^T[0-9A-F-]+$/);
    expect(result.error).toEqual({ code: '{"toString":1}', message: '7' });
  });
});
