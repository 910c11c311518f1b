import { afterAll, describe, expect, it } from 'vitest';
import type { TargetInfo } from '../../../src/conformance/target.ts';
import { Deviations } from '../../../src/emulator/deviations/catalogue.ts';
import type { RunningServer } from '../../../src/emulator/http-server.ts';
import { loadSpec } from '../../../src/spec/load-spec.ts';
import type { Wire } from '../../../src/spec/spec-types.ts';
import type { Transcript } from '../../../src/transport/call-result.ts';
import { HttpTransport } from '../../../src/transport/http-transport.ts';
import { alibabaEcs } from '../../../src/vendors/alibaba-ecs/adapter.ts';
import { decodeAlibabaResponse } from '../../../src/vendors/alibaba-ecs/envelope.ts';
import { shapeXml, type Components } from '../../../src/vendors/alibaba-ecs/xml-shape.ts';
import { parseXml, type XmlValue } from '../../../src/vendors/alibaba-ecs/xml.ts';

// XML answers (RPC V2 with Format=XML, reference §A1.1, §A2) are read as the documented JSON and checked as
// strictly: the schema still decides, and an endpoint that answers JSON to a request for XML is a finding.
const spec = loadSpec('specs/alibaba-ecs.yaml');
const components = (spec.document.components?.schemas ?? {}) as Components;
const describeSchema = spec.action('DescribeSnapshots').responses.get(200)!;
const REQUEST_ID = '473469C7-AA6F-4DC5-B3DB-A3DC0DE3C83E';
const transcript: Transcript = { request: { method: 'POST', url: 'http://x/', headers: {}, body: '' }, response: { status: 0, headers: {}, body: '' } };
const REQUEST_ID_PATTERN = new RegExp(spec.envelope.requestIdPattern, 'u');

const snapshotXml = (fields: string) => `<Snapshot><SnapshotId>s-bp1</SnapshotId><Status>accomplished</Status><Progress>100%</Progress><SourceDiskId>d-bp1</SourceDiskId>${fields}</Snapshot>`;
const describeXml = (snapshots: string, total = '1') =>
  `<?xml version="1.0" encoding="UTF-8"?><DescribeSnapshotsResponse><RequestId>${REQUEST_ID}</RequestId><TotalCount>${total}</TotalCount><Snapshots>${snapshots}</Snapshots></DescribeSnapshotsResponse>`;
const decode = (body: string, options: { contentType?: string; action?: string; expect?: 'json' | 'xml' } = {}) => decodeAlibabaResponse(options.action ?? 'DescribeSnapshots', {
  status: 200, headers: { 'content-type': options.contentType ?? 'text/xml;charset=utf-8' }, body: Buffer.from(body), durationMs: 1,
}, transcript, REQUEST_ID_PATTERN, { expect: options.expect ?? 'xml', shapeXml: (value) => shapeXml(value, describeSchema.schema, components) });
const kinds = (result: { findings: Array<{ kind: string }> }) => result.findings.map((f) => f.kind);

describe('an XML answer read by its schema', () => {
  it('becomes the documented JSON: numbers and booleans typed, one repeated element a list of one, an empty parent an empty list', () => {
    const one = decode(describeXml(snapshotXml('<CreationTime>2026-01-01T00:00:00Z</CreationTime><Available>true</Available><RetentionDays>7</RetentionDays><Tags></Tags>')));
    expect(one.findings).toEqual([]);
    expect(one.data).toEqual({
      TotalCount: 1,
      Snapshots: { Snapshot: [{ SnapshotId: 's-bp1', Status: 'accomplished', Progress: '100%', SourceDiskId: 'd-bp1', CreationTime: '2026-01-01T00:00:00Z', Available: true, RetentionDays: 7, Tags: { Tag: [] } }] },
    });
    expect(describeSchema.validate(one.body)).toBe(true);
    const none = decode(describeXml('', '0'));
    expect(none.data).toEqual({ TotalCount: 0, Snapshots: { Snapshot: [] } });
    expect(describeSchema.validate(none.body)).toBe(true);
  });

  it('fails the schema where the JSON would: a field left out, a number that is not one, a string where the schema has a list', () => {
    const omitted = decode(describeXml(snapshotXml('')));
    expect(describeSchema.validate(omitted.body)).toBe(false);
    expect(describeSchema.validate.errors?.map((e) => e.message)).toContain("must have required property 'CreationTime'");
    const notANumber = decode(describeXml(snapshotXml('<CreationTime>2026-01-01T00:00:00Z</CreationTime>'), 'many'));
    expect((notANumber.body as { TotalCount: unknown }).TotalCount).toBe('many');
    expect(describeSchema.validate(notANumber.body)).toBe(false);
    expect(shapeXml(' 7', { type: 'integer' }, {})).toBe(' 7');
    expect(shapeXml('0x10', { type: 'integer' }, {})).toBe('0x10');
    expect(shapeXml('yes', { type: 'boolean' }, {})).toBe('yes');
    // A repeated scalar stays a list (the schema then refuses it); an element where a string belongs stays an object.
    expect(shapeXml(['a', 'b'], { type: 'string' }, {})).toEqual(['a', 'b']);
    expect(shapeXml({ x: 'y' } as XmlValue, { type: 'string' }, {})).toEqual({ x: 'y' });
  });

  it('is rooted where the documents say, and is XML when XML was asked for', () => {
    expect(kinds(decode(describeXml(snapshotXml('<CreationTime>2026-01-01T00:00:00Z</CreationTime>')).replaceAll('DescribeSnapshotsResponse', 'Response')))).toEqual(['no-envelope']);
    const error = `<Error><RequestId>${REQUEST_ID}</RequestId><HostId>ecs.aliyuncs.com</HostId><Code>Throttling</Code><Message>m</Message></Error>`;
    expect(kinds({ findings: decodeAlibabaResponse('DescribeSnapshots', { status: 400, headers: { 'content-type': 'text/xml' }, body: Buffer.from(error), durationMs: 1 }, transcript, REQUEST_ID_PATTERN, { expect: 'xml' }).findings })).toEqual([]);
    expect(kinds({ findings: decodeAlibabaResponse('DescribeSnapshots', { status: 400, headers: { 'content-type': 'text/xml' }, body: Buffer.from(error.replaceAll('Error>', 'Fault>')), durationMs: 1 }, transcript, REQUEST_ID_PATTERN, { expect: 'xml' }).findings })).toEqual(['no-envelope']);
    // JSON to a request for XML: flagged by its content type and, labelled XML or not, by its body.
    const json = JSON.stringify({ RequestId: REQUEST_ID, TotalCount: 0, Snapshots: { Snapshot: [] } });
    expect(kinds(decode(json, { contentType: 'application/json' }))).toEqual(['wrong-content-type', 'non-xml-body']);
    expect(kinds(decode(json, { contentType: 'text/xml' }))).toEqual(['non-xml-body']);
    expect(decode(json, { contentType: 'application/json', expect: 'json' }).findings).toEqual([]);
  });
});

describe('the Alibaba emulator and client on each wire', () => {
  const principal = { id: 'LTAI5tWIRESTESTWIRES0001', secret: 'wires-test-secret', account: 'wires' };
  const transport = new HttpTransport();
  const servers: RunningServer[] = [];
  afterAll(async () => {
    await transport.close();
    await Promise.all(servers.map((s) => s.close()));
  });
  const target = async (deviations: string[] = []): Promise<TargetInfo> => {
    const server = await alibabaEcs.emulator!.start(spec, principal, new Deviations(deviations));
    servers.push(server);
    return { name: 'ecs', vendor: 'alibaba-ecs', endpoint: server.url, region: 'cn-hangzhou', credentials: { id: principal.id, secret: principal.secret }, emulator: true };
  };
  const XML: Wire = { signature: 'rpc-v2', format: 'xml' };

  it('answers a request for XML in XML, its signature refused included, and ACS3 and V2 JSON requests in JSON', async () => {
    const info = await target();
    const client = alibabaEcs.createClient(info, spec, transport);
    const xml = await client.call('DescribeSnapshots', { RegionId: 'cn-hangzhou' }, { wire: XML });
    expect(xml.transcript.request.url).toContain('Format=XML');
    expect(xml.transcript.response.headers['content-type']).toBe('text/xml;charset=utf-8');
    expect(parseXml(xml.transcript.response.body)?.root).toBe('DescribeSnapshotsResponse');
    expect(xml).toMatchObject({ ok: true, findings: [], data: { TotalCount: 0, Snapshots: { Snapshot: [] } } });
    for (const wire of [undefined, { signature: 'acs3', format: 'json' }, { signature: 'rpc-v2', format: 'json' }]) {
      const json = await client.call('DescribeSnapshots', { RegionId: 'cn-hangzhou' }, wire ? { wire } : {});
      expect(json.transcript.response.headers['content-type'], JSON.stringify(wire)).toMatch(/^application\/json/);
      expect(json.findings).toEqual([]);
    }
    const refused = await alibabaEcs.rawClient!(info, spec, transport).call('DescribeSnapshots', { RegionId: 'cn-hangzhou' }, { wrongSecret: true, wire: XML });
    expect(refused).toMatchObject({ ok: false, error: { code: 'SignatureDoesNotMatch' }, findings: [] });
    expect(parseXml(refused.transcript.response.body)?.root).toBe('Error');
    // Under V2 the version travels as the Version parameter.
    const version = await alibabaEcs.rawClient!(info, spec, transport).call('DescribeSnapshots', { RegionId: 'cn-hangzhou' }, { version: '2000-01-01', wire: XML });
    expect(version.transcript.request.url).toContain('Version=2000-01-01');
    expect(version.error?.code).toBe('InvalidParameter');
  });

  it('refuses to send XML under ACS3, which the documents give no way to ask for', async () => {
    const client = alibabaEcs.createClient(await target(), spec, transport);
    await expect(client.call('DescribeSnapshots', { RegionId: 'cn-hangzhou' }, { wire: { signature: 'acs3', format: 'xml' } })).rejects.toThrow('cannot send acs3 asking for xml');
  });

  it('with xml-answered-as-json, answers JSON to a request for XML, and the client says so', async () => {
    const client = alibabaEcs.createClient(await target(['xml-answered-as-json']), spec, transport);
    const result = await client.call('DescribeSnapshots', { RegionId: 'cn-hangzhou' }, { wire: XML });
    expect(result.ok).toBe(true);
    expect(kinds(result)).toEqual(['wrong-content-type', 'non-xml-body']);
  });
});
