import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeAlibabaResponse } from '../../../src/vendors/alibaba-ecs/envelope.ts';
import { parseXml } from '../../../src/vendors/alibaba-ecs/xml.ts';
import type { Transcript } from '../../../src/transport/call-result.ts';

// x-envelope.requestIdPattern of specs/alibaba-ecs.yaml.
const REQUEST_ID = /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/u;
const transcript: Transcript = { request: { method: 'POST', url: 'http://x/', headers: {}, body: '' }, response: { status: 0, headers: {}, body: '' } };
const decode = (status: number, body: string | Buffer, contentType?: string, expect?: 'json' | 'xml') =>
  decodeAlibabaResponse('CreateSnapshot', {
    status, headers: contentType === undefined ? {} : { 'content-type': contentType }, body: Buffer.from(body), durationMs: 1,
  }, transcript, REQUEST_ID, { expect });
const kinds = (result: { findings: Array<{ kind: string }> }) => result.findings.map((f) => f.kind);

describe('Alibaba envelope decoder', () => {
  it('decodes the documented JSON error example (§A2) into code, message and request id', () => {
    const body = '{"RequestId":"540CFF28-407A-40B5-B6A5-74Bxxxxxxxxx","HostId":"ecs.aliyuncs.com","Code":"MissingParameter.CommandId","Message":"The input parameter “CommandId” that is mandatory for processing this request is not supplied."}';
    const result = decode(400, body, 'application/json;charset=utf-8');
    expect(result).toMatchObject({
      ok: false, httpStatus: 400, requestId: '540CFF28-407A-40B5-B6A5-74Bxxxxxxxxx', data: undefined,
      error: { code: 'MissingParameter.CommandId', message: 'The input parameter “CommandId” that is mandatory for processing this request is not supplied.' },
    });
    // The doc masks the id, so it does not match the (inferred) pattern; nothing else is wrong.
    expect(kinds(result)).toEqual(['malformed-request-id']);
  });

  it('decodes a success: data is everything but RequestId', () => {
    const result = decode(200, '{"RequestId":"473469C7-AA6F-4DC5-B3DB-A3DC0DE3C83E","SnapshotId":"s-bp17441ohwka0yuh0001"}', 'application/json');
    expect(result).toMatchObject({ ok: true, requestId: '473469C7-AA6F-4DC5-B3DB-A3DC0DE3C83E', data: { SnapshotId: 's-bp17441ohwka0yuh0001' }, error: undefined });
    expect(result.findings).toEqual([]);
  });

  it('decodes an XML error, flagged wrong-content-type only when JSON was asked for', () => {
    const xml = '<?xml version="1.0" encoding="UTF-8"?><Error><RequestId>473469C7-AA6F-4DC5-B3DB-A3DC0DE3C83E</RequestId><HostId>ecs.aliyuncs.com</HostId><Code>InvalidDiskId.NotFound</Code><Message>The specified disk does not exist &amp; never did.</Message></Error>';
    const asJson = decode(404, xml, 'text/xml;charset=utf-8');
    expect(asJson).toMatchObject({ ok: false, requestId: '473469C7-AA6F-4DC5-B3DB-A3DC0DE3C83E', error: { code: 'InvalidDiskId.NotFound', message: 'The specified disk does not exist & never did.' } });
    expect(kinds(asJson)).toEqual(['wrong-content-type']);
    expect(decode(404, xml, 'text/xml;charset=utf-8', 'xml').findings).toEqual([]);
    expect(kinds(decode(404, xml, 'application/json'))).toEqual(['non-json-body']);
  });

  it('decodes an XML success rooted at <ActionResponse>', () => {
    const xml = '<CreateSnapshotResponse><RequestId>C8B26B44-0189-443E-9816-D951F59623A9</RequestId><SnapshotId>s-923FE2BF0</SnapshotId></CreateSnapshotResponse>';
    expect(decode(200, xml, 'text/xml', 'xml')).toMatchObject({ ok: true, data: { SnapshotId: 's-923FE2BF0' }, findings: [] });
  });

  it('reports status mismatches, missing HostId, missing or malformed RequestId, non-JSON bodies', () => {
    const error = (extra: object) => JSON.stringify({ RequestId: '473469C7-AA6F-4DC5-B3DB-A3DC0DE3C83E', HostId: 'ecs.aliyuncs.com', Code: 'Throttling', Message: 'm', ...extra });
    expect(kinds(decode(200, error({}), 'application/json'))).toEqual(['error-status-mismatch']);
    expect(kinds(decode(403, error({ HostId: undefined }), 'application/json'))).toEqual(['no-envelope']);
    expect(kinds(decode(500, '{"SnapshotId":"s-1"}', 'application/json'))).toEqual(['missing-request-id', 'error-status-mismatch']);
    expect(kinds(decode(200, '{"RequestId":"nope"}', 'application/json'))).toEqual(['malformed-request-id']);
    expect(kinds(decode(502, '<html><body>Bad Gateway', 'text/html'))).toEqual(['wrong-content-type', 'non-json-body']);
    expect(kinds(decode(200, '[1,2]', 'application/json'))).toEqual(['no-envelope']);
    // pop-core's success codes (§A4) are not errors.
    expect(decode(200, '{"RequestId":"473469C7-AA6F-4DC5-B3DB-A3DC0DE3C83E","Code":"200"}', 'application/json').ok).toBe(true);
  });

  it('never throws, whatever the bytes, status or content type', () => {
    const contentType = fc.option(fc.oneof(fc.constantFrom('application/json', 'text/xml;charset=utf-8', 'text/html', ''), fc.string()), { nil: undefined });
    const json = fc.jsonValue().map((v) => JSON.stringify(v));
    const envelopeLike = fc.record({
      RequestId: fc.oneof(fc.uuid().map((u) => u.toUpperCase()), fc.jsonValue()), HostId: fc.jsonValue(), Code: fc.jsonValue(), Message: fc.jsonValue(),
    }, { requiredKeys: [] }).map((v) => JSON.stringify(v));
    const xml = fc.array(fc.constantFrom('<Error>', '</Error>', '<Code>', '</Code>', '<a/>', 'x', '&#x110000;', '&amp;', '<![CDATA[<]]>', '<!--', '-->', '<?xml?>', '<'), { maxLength: 12 }).map((parts) => parts.join(''));
    const body = fc.oneof(fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)), json, envelopeLike, xml, fc.string({ unit: 'binary' }));
    fc.assert(fc.property(fc.integer({ min: 0, max: 999 }), body, contentType, fc.constantFrom('json' as const, 'xml' as const), (status, bytes, type, asked) => {
      const result = decode(status, bytes, type, asked);
      if (result.ok) expect(result.error).toBeUndefined();
    }), { numRuns: 2000 });
    // Deeper than the stack: JSON.parse builds it, JSON.stringify would overflow.
    const deep = `{"Code":${'['.repeat(200_000)}${']'.repeat(200_000)},"Message":{"toString":1}}`;
    expect(decode(400, deep, 'application/json').error).toEqual({ code: '[array]', message: '{"toString":1}' });
  });

  it('reads nested and repeated XML elements; refuses malformed XML', () => {
    expect(parseXml('<R><S><T>1</T></S><S><T>2</T></S><__proto__>x</__proto__></R>')).toEqual({ root: 'R', value: { S: [{ T: '1' }, { T: '2' }], ['__proto__']: 'x' } });
    expect(({} as Record<string, unknown>)['T']).toBeUndefined();
    expect(parseXml('<a><b></a></b>')).toBeUndefined();
    expect(parseXml('<a>')).toBeUndefined();
    expect(parseXml('<a/><b/>')).toBeUndefined();
    expect(parseXml('<a>&#x110000;&#65;</a>')).toEqual({ root: 'a', value: '&#x110000;A' });
    expect(parseXml('<a>' + '<b>'.repeat(50_000) + '</b>'.repeat(50_000) + '</a>')?.root).toBe('a');
  });
});
