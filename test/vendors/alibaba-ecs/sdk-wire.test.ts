import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSpec } from '../../../src/spec/load-spec.ts';
import { parseAcsTime } from '../../../src/vendors/alibaba-ecs/acs-time.ts';
import { verifyAcs3 } from '../../../src/vendors/alibaba-ecs/acs3.verifier.ts';
import type { AlibabaVerdict, VerifyOptions } from '../../../src/vendors/alibaba-ecs/auth-errors.ts';
import { decodeParams } from '../../../src/vendors/alibaba-ecs/codec.ts';
import { MemoryNonceStore } from '../../../src/vendors/alibaba-ecs/nonce-store.ts';
import { verifyRpcV2 } from '../../../src/vendors/alibaba-ecs/rpc-v2.verifier.ts';
import type { ArrivedRequest } from '../../../src/vendors/tencent-cbs/tc3.verifier.ts';

/*
 * The official Node SDK (@alicloud/ecs20140526 7.x over @alicloud/openapi-core) against a local server, as in
 * ../shared/reference/alibaba-ecs-and-zenlayer-zec.md §A4: every request it sends must pass our verifiers.
 */
const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- CommonJS SDKs without usable ESM types
const Ecs = require('@alicloud/ecs20140526') as any;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const OpenApi = require('@alicloud/openapi-core') as any;

const spec = loadSpec('specs/alibaba-ecs.yaml');
const KEY_ID = 'LTAI5tSdkWireTest';
const KEY_SECRET = 'sdk-wire-secret-*&=+ü';
const ANSWER = '{"RequestId":"473469C7-AA6F-4DC5-B3DB-A3DC0DE3C83E","SnapshotId":"s-bp17441ohwka0yuh0001"}';

const arrivedRequests: ArrivedRequest[] = [];
let server: Server;
let port = 0;

function record(req: IncomingMessage, body: Buffer): void {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  arrivedRequests.push({ method: req.method ?? 'GET', headers, query: q < 0 ? '' : url.slice(q + 1), body });
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      record(req, Buffer.concat(chunks));
      res.writeHead(200, { 'content-type': 'application/json;charset=utf-8' }).end(ANSWER);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function sdk(v2: boolean) {
  return new Ecs.default(new OpenApi.$OpenApiUtil.Config({
    accessKeyId: KEY_ID, accessKeySecret: KEY_SECRET, endpoint: `127.0.0.1:${port}`, protocol: 'http', regionId: 'cn-hangzhou',
    ...(v2 ? { signatureAlgorithm: 'v2' } : {}),
  }));
}

/** Sends one SDK call and returns what arrived, with the SDK's response. */
async function capture(call: () => Promise<{ body: { snapshotId?: string; requestId?: string } }>) {
  const before = arrivedRequests.length;
  const response = await call();
  expect(arrivedRequests.length).toBe(before + 1);
  return { request: arrivedRequests[before]!, response };
}

/** Verifies with `now` set to the request's own date (x-acs-date or Timestamp). */
function verifyAt(request: ArrivedRequest): AlibabaVerdict {
  const isV3 = (request.headers['authorization'] ?? '').startsWith('ACS3-');
  const date = isV3 ? request.headers['x-acs-date']! : new URLSearchParams(request.query).get('Timestamp')!;
  const options: VerifyOptions = { now: parseAcsTime(date)!, secretOf: (id) => (id === KEY_ID ? KEY_SECRET : undefined), nonces: new MemoryNonceStore() };
  return isV3 ? verifyAcs3(request, options) : verifyRpcV2(request, options);
}

/** The same request with one byte of one business value changed (`d-` → `e-`, `cn-` → `dn-`). */
function oneByteChanged(request: ArrivedRequest): ArrivedRequest {
  const query = request.query.replace(/(DiskId=)d/, '$1e').replace(/(RegionId=)c/, '$1d');
  expect(Buffer.from(query).filter((b, i) => b !== Buffer.from(request.query)[i]).length).toBe(1);
  return { ...request, query };
}

const CREATE = {
  diskId: 'd-bp1s5fnvk4gn2tws0001', snapshotName: 'snap-1', description: 'a b & ü * end', clientToken: 'tok-0123',
  retentionDays: 7,
};
const SENT_CREATE = {
  DiskId: CREATE.diskId, SnapshotName: CREATE.snapshotName, Description: CREATE.description, ClientToken: CREATE.clientToken,
  RetentionDays: 7, Tag: [{ Key: 'k1', Value: 'v1' }, { Key: 'k2', Value: 'v 2*' }],
};

describe('@alicloud/ecs20140526 against a local server (§A4)', () => {
  for (const v2 of [false, true]) {
    const label = v2 ? 'V2 (signatureAlgorithm: v2)' : 'V3 (default)';

    it(`${label} createSnapshot: verified, refused with one byte changed, params decoded as sent`, async () => {
      const { request, response } = await capture(() => sdk(v2).createSnapshot(new Ecs.CreateSnapshotRequest({
        ...CREATE, tag: [new Ecs.CreateSnapshotRequestTag({ key: 'k1', value: 'v1' }), new Ecs.CreateSnapshotRequestTag({ key: 'k2', value: 'v 2*' })],
      })));
      expect(response.body.snapshotId).toBe('s-bp17441ohwka0yuh0001');
      expect(request.method).toBe('POST');
      expect(request.body.length).toBe(0);
      // The SDK leaves `*` raw in the query (§A4 point 3); the verifiers must re-encode, not sign the raw query.
      expect(request.query).toContain('*');
      const verdict = verifyAt(request);
      expect(verdict).toMatchObject({ ok: true, accessKeyId: KEY_ID, action: 'CreateSnapshot', version: '2014-05-26', scheme: v2 ? 'HMAC-SHA1' : 'ACS3-HMAC-SHA256' });
      if (!verdict.ok) return;
      const decoded = decodeParams(verdict.params, spec.action('CreateSnapshot').resolvedRequestSchema);
      expect(decoded).toEqual({ params: SENT_CREATE, dropped: [] });
      expect(spec.action('CreateSnapshot').validateRequest(decoded.params)).toBe(true);
      expect(verifyAt(oneByteChanged(request))).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch', status: 400 });
      if (v2) {
        expect(verdict.format).toBe('json');
        // openapi-core's V2 also sends x-acs-action / x-acs-version headers, unsigned (§A4).
        expect(request.headers['x-acs-action']).toBe('CreateSnapshot');
      } else {
        expect(request.headers['host']).toBe(`127.0.0.1:${port}`);
        expect(request.headers['authorization']).toMatch(/SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-credentials-provider;x-acs-date;x-acs-signature-nonce;x-acs-version,/);
      }
    });

    it(`${label} describeSnapshots: the JSON-array SnapshotIds travels as one string`, async () => {
      const { request, response } = await capture(() => sdk(v2).describeSnapshots(new Ecs.DescribeSnapshotsRequest({
        regionId: 'cn-hangzhou', snapshotIds: '["s-1","s-2"]',
      })));
      expect(response.body.requestId).toBe('473469C7-AA6F-4DC5-B3DB-A3DC0DE3C83E');
      expect(request.query).toContain('SnapshotIds=%5B%22s-1%22%2C%22s-2%22%5D');
      const verdict = verifyAt(request);
      expect(verdict).toMatchObject({ ok: true, action: 'DescribeSnapshots' });
      if (!verdict.ok) return;
      expect(decodeParams(verdict.params, spec.action('DescribeSnapshots').resolvedRequestSchema))
        .toEqual({ params: { RegionId: 'cn-hangzhou', SnapshotIds: '["s-1","s-2"]' }, dropped: [] });
      expect(verifyAt(oneByteChanged(request))).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
    });
  }
});
