import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadSpec } from '../../../src/spec/load-spec.ts';
import { HttpTransport } from '../../../src/transport/http-transport.ts';
import { SPEC_FILES } from '../../../src/vendors/registry.ts';
import { ZenlayerClient } from '../../../src/vendors/zenlayer-zec/client.ts';
import { verifyZc2, zc2AuthErrorsFromSpec } from '../../../src/vendors/zenlayer-zec/zc2.verifier.ts';

const spec = loadSpec(SPEC_FILES['zenlayer-zec']);
const errors = zc2AuthErrorsFromSpec(spec);
const KEY_ID = 'zc-client-key';
const PASSWORD = 'zc-client-password';
const NOW = 1_800_000_000;
const REQUEST_ID = 'T05992D0C-7E8B-4047-B0C0-780F2CD549D3';

interface Arrived {
  method: string;
  url: string;
  headers: Record<string, string | undefined>;
  body: Buffer;
}

let server: Server;
let endpoint: string;
let port: number;
let arrivals: Arrived[] = [];
const transport = new HttpTransport({ connections: 2, timeoutMs: 5_000 });

function toArrived(req: IncomingMessage, body: Buffer): Arrived {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  return { method: req.method ?? '', url: req.url ?? '', headers, body };
}

/** Verifies an arrival as the emulator would: Host as sent (with port), raw body bytes. */
const verify = (arrived: Arrived, now = NOW) => verifyZc2(
  { method: arrived.method, query: '', headers: arrived.headers, body: arrived.body },
  { now, errors, passwordOf: (id) => (id === KEY_ID ? PASSWORD : undefined) },
);

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const arrived = toArrived(req, Buffer.concat(chunks));
      arrivals.push(arrived);
      const verdict = verify(arrived);
      res.setHeader('content-type', 'application/json');
      if (!verdict.ok) {
        res.statusCode = verdict.status;
        res.end(JSON.stringify({ requestId: REQUEST_ID, code: verdict.code, message: verdict.message }));
        return;
      }
      res.statusCode = 200;
      res.end(JSON.stringify({ requestId: REQUEST_ID, response: { requestId: REQUEST_ID, snapshotId: 'snap-1' } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  endpoint = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  await transport.close();
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
});

beforeEach(() => {
  arrivals = [];
});

const client = (now = NOW) => new ZenlayerClient({
  endpoint, credentials: { accessKeyId: KEY_ID, accessKeyPassword: PASSWORD }, spec, transport, now: () => now,
});

describe('ZenlayerClient against a local server', () => {
  it('POSTs to /api/v2/zec with the ZC2 headers, and the request verifies', async () => {
    const result = await client().call('CreateSnapshot', { diskId: 'disk-ok', snapshotName: 'snap-1' });
    expect(arrivals).toHaveLength(1);
    const [arrived] = arrivals as [Arrived];
    expect(arrived.method).toBe('POST');
    expect(arrived.url).toBe(spec.protocol.path);
    expect(arrived.url).toBe('/api/v2/zec');
    expect(arrived.headers).toMatchObject({
      host: `127.0.0.1:${port}`,
      'content-type': 'application/json',
      'x-zc-action': 'CreateSnapshot',
      'x-zc-version': '2025-09-01',
      'x-zc-timestamp': String(NOW),
      'x-zc-signature-method': 'ZC2-HMAC-SHA256',
    });
    expect(arrived.headers['authorization']).toMatch(
      new RegExp(`^ZC2-HMAC-SHA256 Credential=${KEY_ID}, SignedHeaders=content-type;host, Signature=[0-9a-f]{64}$`),
    );
    expect(arrived.body.toString('utf8')).toBe('{"diskId":"disk-ok","snapshotName":"snap-1"}');
    expect(verify(arrived)).toEqual({ ok: true, accessKeyId: KEY_ID });
    expect(result).toMatchObject({ ok: true, httpStatus: 200, requestId: REQUEST_ID, data: { snapshotId: 'snap-1' }, findings: [] });
    expect(result.transcript.request.headers['authorization']).toBe(arrived.headers['authorization']);
    expect(JSON.stringify(result.transcript)).not.toContain(PASSWORD);
  });

  it('signs the host with its non-default port (stripping it breaks the signature)', async () => {
    await client().call('DescribeDisks', { pageSize: 10 });
    const [arrived] = arrivals as [Arrived];
    expect(verify(arrived).ok).toBe(true);
    expect(verify({ ...arrived, headers: { ...arrived.headers, host: '127.0.0.1' } }).ok).toBe(false);
  });

  it('sends rawBody byte for byte (Python json.dumps spacing) and it verifies', async () => {
    const raw = '{"diskId": "disk-ok", "snapshotName": "snap-1"}';
    const result = await client().call('CreateSnapshot', {}, { rawBody: raw });
    const [arrived] = arrivals as [Arrived];
    expect(arrived.body.equals(Buffer.from(raw))).toBe(true);
    expect(result.ok).toBe(true);
    await client().call('CreateSnapshot', {}, { rawBody: new Uint8Array(Buffer.from('{"snapshotName": "\u672a\u547d\u540d"}')) });
    expect(verify(arrivals[1]!).ok).toBe(true);
  });

  it('signWithSecret produces a signature the server refuses with the spec\'s code and status', async () => {
    const result = await client().call('CreateSnapshot', { diskId: 'disk-ok', snapshotName: 'snap-1' }, { signWithSecret: 'wrong' });
    expect(result).toMatchObject({
      ok: false, httpStatus: errors.signatureInvalid.status, error: { code: errors.signatureInvalid.code }, findings: [],
    });
  });

  it('a timestamp override is sent and signed; outside the window it is refused as expired', async () => {
    const early = NOW - 3600;
    const result = await client().call('DescribeSnapshots', {}, { timestamp: early });
    const [arrived] = arrivals as [Arrived];
    expect(arrived.headers['x-zc-timestamp']).toBe(String(early));
    expect(verify(arrived, early)).toEqual({ ok: true, accessKeyId: KEY_ID });
    expect(result).toMatchObject({ ok: false, httpStatus: errors.timestampExpired.status, error: { code: errors.timestampExpired.code } });
  });

  it('a header override (Java\'s charset content-type) is signed as sent', async () => {
    const result = await client().call('DescribeDisks', {}, { headers: { 'Content-Type': 'application/json; charset=utf-8' } });
    expect(arrivals[0]!.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(result.ok).toBe(true);
  });

  it('an identical resend of the captured request verifies again', async () => {
    await client().call('CreateSnapshot', { diskId: 'throttle', snapshotName: 'snap-1' });
    const [arrived] = arrivals as [Arrived];
    expect(verify(arrived, NOW + 1).ok).toBe(true);
    expect(verify({ ...arrived, body: Buffer.from(arrived.body) }, NOW + 7).ok).toBe(true);
  });
});
