import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSpec } from '../../../src/spec/load-spec.ts';
import { HttpTransport } from '../../../src/transport/http-transport.ts';
import type { AlibabaVerdict } from '../../../src/vendors/alibaba-ecs/auth-errors.ts';
import { AlibabaClient, type AlibabaCallOptions } from '../../../src/vendors/alibaba-ecs/client.ts';
import { decodeParams } from '../../../src/vendors/alibaba-ecs/codec.ts';
import { MemoryNonceStore } from '../../../src/vendors/alibaba-ecs/nonce-store.ts';
import { verifyAlibabaRequest } from '../../../src/vendors/alibaba-ecs/verify-request.ts';
import type { ArrivedRequest } from '../../../src/vendors/tencent-cbs/tc3.verifier.ts';

const spec = loadSpec('specs/alibaba-ecs.yaml');
const ID = 'LTAI5tClientTest';
const SECRET = 'client-secret';
const NOW = 1_800_000_000;
const REQUEST_ID = '473469C7-AA6F-4DC5-B3DB-A3DC0DE3C83E';

// A stand-in gateway: our verifiers in front of a fixed answer, errors as the documented envelope (§A2).
const seen: Array<{ request: ArrivedRequest; verdict: AlibabaVerdict }> = [];
const nonces = new MemoryNonceStore();
let server: Server;
let endpoint = '';
const transport = new HttpTransport();

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '/';
      const request: ArrivedRequest = {
        method: req.method ?? 'GET', query: url.includes('?') ? url.slice(url.indexOf('?') + 1) : '', body: Buffer.concat(chunks),
        headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v])),
      };
      const verdict = verifyAlibabaRequest(request, { now: NOW, secretOf: (id) => (id === ID ? SECRET : undefined), nonces });
      seen.push({ request, verdict });
      const [status, body] = verdict.ok
        ? [200, { RequestId: REQUEST_ID, SnapshotId: 's-bp17441ohwka0yuh0001' }]
        : [verdict.status, { RequestId: REQUEST_ID, HostId: 'ecs.aliyuncs.com', Code: verdict.code, Message: verdict.message }];
      res.writeHead(status, { 'content-type': 'application/json;charset=utf-8' }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await transport.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const client = (securityToken?: string) => new AlibabaClient({
  endpoint, regionId: 'cn-hangzhou', spec, transport, now: () => NOW, credentials: { accessKeyId: ID, accessKeySecret: SECRET, securityToken },
});
const PARAMS = { DiskId: 'd-1', Description: 'a b & ü * ~', RetentionDays: 7, Tag: [{ Key: 'k', Value: 'v=1' }] };

async function call(options: AlibabaCallOptions, securityToken?: string) {
  const result = await client(securityToken).call('CreateSnapshot', PARAMS, options);
  return { result, arrived: seen[seen.length - 1]! };
}

describe('AlibabaClient', () => {
  it('signs V3 by default as the SDK does: POST, params in the query, empty body, x-acs-* headers', async () => {
    const { result, arrived } = await call({});
    expect(result).toMatchObject({ ok: true, httpStatus: 200, requestId: REQUEST_ID, data: { SnapshotId: 's-bp17441ohwka0yuh0001' }, findings: [] });
    expect(arrived.request.method).toBe('POST');
    expect(arrived.request.body.length).toBe(0);
    expect(arrived.request.query).toBe('Description=a%20b%20%26%20%C3%BC%20%2A%20~&DiskId=d-1&RetentionDays=7&Tag.1.Key=k&Tag.1.Value=v%3D1');
    expect(arrived.request.headers).toMatchObject({
      accept: 'application/json', 'x-acs-action': 'CreateSnapshot', 'x-acs-version': '2014-05-26', 'x-acs-date': '2027-01-15T08:00:00Z',
      'x-acs-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    });
    expect(arrived.request.headers['x-acs-signature-nonce']).toMatch(/^[0-9a-f]{64}$/);
    expect(arrived.request.headers['authorization']).toMatch(/^ACS3-HMAC-SHA256 Credential=LTAI5tClientTest,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=[0-9a-f]{64}$/);
    expect(arrived.verdict.ok && decodeParams(arrived.verdict.params, spec.action('CreateSnapshot').resolvedRequestSchema).params).toEqual(PARAMS);
  });

  it.each<[string, AlibabaCallOptions]>([
    ['V3 form body', { placement: 'form' }],
    ['V3 GET', { method: 'GET' }],
    ['V2 POST query (openapi-core)', { signature: 'v2' }],
    ['V2 POST form (pop-core)', { signature: 'v2', placement: 'form' }],
    ['V2 GET', { signature: 'v2', method: 'GET' }],
  ])('%s is accepted and carries the same parameters', async (_, options) => {
    const { result, arrived } = await call(options);
    expect(result).toMatchObject({ ok: true, findings: [] });
    expect(arrived.verdict).toMatchObject({ ok: true, action: 'CreateSnapshot', version: '2014-05-26', format: options.signature === 'v2' ? 'JSON' : undefined });
    expect(arrived.verdict.ok && decodeParams(arrived.verdict.params, spec.action('CreateSnapshot').resolvedRequestSchema).params).toEqual(PARAMS);
  });

  it('sends the STS token under both signatures', async () => {
    expect((await call({}, 'sts-token')).arrived.verdict).toMatchObject({ ok: true, securityToken: 'sts-token' });
    expect((await call({ signature: 'v2' }, 'sts-token')).arrived.verdict).toMatchObject({ ok: true, securityToken: 'sts-token' });
  });

  it('signs wrongly, replays a nonce and skews the clock on request, and decodes the refusals', async () => {
    for (const signature of ['v3', 'v2'] as const) {
      const wrong = await call({ signature, signWithSecret: 'not-the-secret' });
      expect(wrong.result).toMatchObject({ ok: false, httpStatus: 400, requestId: REQUEST_ID, error: { code: 'SignatureDoesNotMatch' }, findings: [] });
      const nonce = `replay-${signature}-${Date.now()}`;
      expect((await call({ signature, nonce })).result.ok).toBe(true);
      expect((await call({ signature, nonce })).result).toMatchObject({ ok: false, httpStatus: 400, error: { code: 'SignatureNonceUsed' } });
      expect((await call({ signature, timestamp: NOW - 901 })).result).toMatchObject({ ok: false, error: { code: 'InvalidTimeStamp.Expired' } });
    }
    expect((await call({ signature: 'v2', commonParams: { SignatureMethod: 'HMAC-SHA256' } })).result).toMatchObject({ error: { code: 'InvalidParamater' } });
    expect((await call({ headers: { 'x-acs-date': undefined } })).result).toMatchObject({ error: { code: 'IllegalTimestamp' } });
  });
});
