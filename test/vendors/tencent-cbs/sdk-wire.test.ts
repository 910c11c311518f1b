import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { cbs as CbsModule } from 'tencentcloud-sdk-nodejs/tencentcloud/services/cbs/index.js';
import { verifyTc3, type ArrivedRequest } from '../../../src/vendors/tencent-cbs/tc3.verifier.ts';
import { signV1 } from '../../../src/vendors/tencent-cbs/v1.signer.ts';
import { verifyV1 } from '../../../src/vendors/tencent-cbs/v1.verifier.ts';

// The official Node SDK (tencentcloud-sdk-nodejs 4.x) against a recording server on loopback: every request
// it sends must pass our verifiers. Its wire behaviour is described in ../shared/reference/tencent-cbs.md §4.
const { cbs } = createRequire(import.meta.url)('tencentcloud-sdk-nodejs/tencentcloud/services/cbs') as { cbs: typeof CbsModule };

const SECRET_ID = 'AKIDTESTTESTTESTTESTTESTTESTTESTTEST';
const SECRET_KEY = 'test-secret-key-0123456789';
const TOKEN = 'sts-token-xyz+/=';
const secretOf = (id: string) => (id === SECRET_ID ? SECRET_KEY : undefined);

const arrived: ArrivedRequest[] = [];
let server: http.Server;
let port = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = req.url ?? '/';
      const at = url.indexOf('?');
      const headers: Record<string, string | undefined> = {};
      for (const [name, value] of Object.entries(req.headers)) headers[name] = Array.isArray(value) ? value.join(', ') : value;
      arrived.push({ method: req.method ?? '', headers, query: at < 0 ? '' : url.slice(at + 1), body: Buffer.concat(chunks) });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ Response: { SnapshotId: 'snap-abcdefgh', RequestId: randomUUID() } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
});

type SignMethod = 'TC3-HMAC-SHA256' | 'HmacSHA256' | 'HmacSHA1';
type Case = { signMethod: SignMethod; reqMethod: 'POST' | 'GET'; token?: string };

function client({ signMethod, reqMethod, token }: Case) {
  return new cbs.v20170312.Client({
    credential: { secretId: SECRET_ID, secretKey: SECRET_KEY, ...(token ? { token } : {}) },
    region: 'ap-guangzhou',
    profile: {
      signMethod,
      // An explicit agent, so a CI `http_proxy` cannot hijack loopback (§4.2 gotcha 7).
      httpProfile: { endpoint: `127.0.0.1:${port}`, protocol: 'http://', reqMethod, agent: new http.Agent(), reqTimeout: 10 },
    },
  });
}

/** Calls CreateSnapshot and CreateSnapshotGroup; returns the requests they sent. */
async function drive(c: Case): Promise<ArrivedRequest[]> {
  const from = arrived.length;
  const sdk = client(c);
  const snapshot = await sdk.CreateSnapshot({
    DiskId: 'disk-lzrg2pwi', SnapshotName: 'snap_201711301015', Deadline: '2022-01-08T09:47:55+00:00',
    Tags: [{ Key: 'k1', Value: 'v1' }, { Key: 'k2', Value: '未命名' }], DiskUsage: 'DATA_DISK',
  });
  expect(snapshot.SnapshotId).toBe('snap-abcdefgh');
  const group = await sdk.CreateSnapshotGroup({ DiskIds: ['disk-lt8ajfvk', 'disk-1ly0wu8c'], SnapshotGroupName: 'testSnapshotGroup' });
  expect(group).toMatchObject({ RequestId: expect.any(String) });
  const sent = arrived.slice(from);
  expect(sent).toHaveLength(2);
  return sent;
}

const v1Param = (request: ArrivedRequest, name: string) =>
  new URLSearchParams(request.method === 'GET' ? request.query : Buffer.from(request.body).toString('utf8')).get(name);

/** The request with one byte changed inside the first `disk-…` value (a byte that matters, not an escape's case). */
function tampered(request: ArrivedRequest): ArrivedRequest {
  const inQuery = request.method === 'GET';
  const bytes = Buffer.from(inQuery ? request.query : request.body);
  const at = bytes.indexOf('disk-') + 'disk-'.length;
  expect(at).toBeGreaterThan(4);
  bytes[at] = bytes[at]! ^ 0x01;
  return inQuery ? { ...request, query: bytes.toString('latin1') } : { ...request, body: bytes };
}

const CASES: Case[] = (['TC3-HMAC-SHA256', 'HmacSHA256', 'HmacSHA1'] as const).flatMap((signMethod) =>
  (['POST', 'GET'] as const).flatMap((reqMethod) => [{ signMethod, reqMethod }, { signMethod, reqMethod, token: TOKEN }]));

describe('the official Node SDK is accepted by our verifiers', () => {
  it.each(CASES)('$signMethod $reqMethod token=$token', async (c) => {
    for (const request of await drive(c)) {
      expect(request.method).toBe(c.reqMethod);
      expect(request.headers['host']).toBe(`127.0.0.1:${port}`);
      if (c.signMethod === 'TC3-HMAC-SHA256') {
        const options = { now: Number(request.headers['x-tc-timestamp']), skewSeconds: 300, secretOf };
        expect(verifyTc3(request, options)).toEqual({ ok: true, secretId: SECRET_ID });
        // The scope's service is endpoint.split('.')[0]; X-TC-Token is sent but not signed (§4.2 gotchas 1, 8).
        expect(request.headers['authorization']).toContain(`/127/tc3_request, SignedHeaders=content-type;host,`);
        expect(request.headers['x-tc-token']).toBe(c.token);
        expect(verifyTc3(tampered(request), options)).toMatchObject({ ok: false, code: 'AuthFailure.SignatureFailure' });
      } else {
        const options = { now: Number(v1Param(request, 'Timestamp')), skewSeconds: 300, secretOf };
        const verdict = verifyV1(request, options);
        expect(verdict).toMatchObject({ ok: true, secretId: SECRET_ID, common: { signatureMethod: c.signMethod, token: c.token, region: 'ap-guangzhou', version: '2017-03-12' } });
        expect(verifyV1(tampered(request), options)).toMatchObject({ ok: false, code: 'AuthFailure.SignatureFailure' });
        // v1 carries nothing in X-TC-* headers but the trace id, and a GET has no Content-Type (§4.2 gotcha 6).
        expect(Object.keys(request.headers).filter((h) => h.startsWith('x-tc-'))).toEqual(['x-tc-traceid']);
        expect(request.headers['content-type']).toBe(c.reqMethod === 'POST' ? 'application/x-www-form-urlencoded' : undefined);
      }
    }
  });

  it('signs the v1 host as its endpoint, port included, not as the bare hostname (§4.2 gotcha 6)', async () => {
    const [request] = await drive({ signMethod: 'HmacSHA256', reqMethod: 'POST' });
    const params = [...new URLSearchParams(Buffer.from(request!.body).toString('utf8'))];
    const given = params.find(([name]) => name === 'Signature')![1];
    const sign = (host: string) => signV1({ method: 'POST', host, params, secretKey: SECRET_KEY });
    expect(sign(`127.0.0.1:${port}`).signature).toBe(given);
    expect(sign('127.0.0.1').signature).not.toBe(given);
    expect(sign(`127.0.0.1:${port}`).stringToSign).toMatch(new RegExp(`^POST127\\.0\\.0\\.1:${port}/\\?Action=CreateSnapshot&Deadline=2022-01-08T09:47:55\\+00:00&DiskId=disk-lzrg2pwi&DiskUsage=DATA_DISK&Nonce=\\d+&Region=ap-guangzhou&RequestClient=SDK_NODEJS_[\\d.]+&SecretId=${SECRET_ID}&SignatureMethod=HmacSHA256&SnapshotName=snap_201711301015&Tags\\.0\\.Key=k1&Tags\\.0\\.Value=v1&Tags\\.1\\.Key=k2&Tags\\.1\\.Value=未命名&Timestamp=\\d+&Version=2017-03-12$`));
  });

  it('sends a v1 HmacSHA1 GET in the layout of capture #20 (business parameters first, Signature last)', async () => {
    const [request] = await drive({ signMethod: 'HmacSHA1', reqMethod: 'GET' });
    // ../shared/reference/alibaba-zenlayer-sdk-captures.md #20, names in the order sent.
    const capture20 = 'DiskId SnapshotName Deadline Tags.0.Key Tags.0.Value Tags.1.Key Tags.1.Value DiskUsage Action RequestClient Nonce Timestamp Version SecretId Region SignatureMethod Signature';
    expect([...new URLSearchParams(request!.query).keys()].join(' ')).toBe(capture20);
    expect(request!.query).toContain('Deadline=2022-01-08T09%3A47%3A55%2B00%3A00&');
    expect(request!.query).toContain('Tags.1.Value=%E6%9C%AA%E5%91%BD%E5%90%8D&');
  });
});
