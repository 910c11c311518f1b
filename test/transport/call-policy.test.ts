import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Deviations } from '../../src/emulator/deviations/catalogue.ts';
import type { RunningServer } from '../../src/emulator/http-server.ts';
import { politeClient } from '../../src/conformance/session.ts';
import type { TargetInfo } from '../../src/conformance/target.ts';
import { loadSpec } from '../../src/spec/load-spec.ts';
import { callWithPolicy, OutcomeUnknownError } from '../../src/transport/call-policy.ts';
import type { CallResult } from '../../src/transport/call-result.ts';
import { HttpTransport, TransportError, type TransportFailure } from '../../src/transport/http-transport.ts';
import { RateLimiter } from '../../src/transport/rate-limiter.ts';
import { tencentCbs } from '../../src/vendors/tencent-cbs/adapter.ts';
import { adminPost } from '../../src/emulator/admin-client.ts';

const spec = loadSpec('specs/tencent-cbs.yaml');
const principal = { id: 'AKIDPOLICYTEST0000000000000000000000', secret: 'policy-test-secret', account: 'acct' };
const transport = new HttpTransport({ timeoutMs: 5000 });
// For endpoints that never answer: a short total time limit keeps those tests fast.
const quick = new HttpTransport({ timeoutMs: 300 });
const servers: Server[] = [];
let emulator: RunningServer;

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function target(endpoint: string): TargetInfo {
  return { name: 'policy', vendor: 'tencent-cbs', endpoint, region: 'ap-guangzhou', credentials: { id: principal.id, secret: principal.secret }, emulator: true };
}

const client = (endpoint: string, via = transport) => politeClient(target(endpoint), spec, tencentCbs, tencentCbs.createClient(target(endpoint), spec, via));

beforeAll(async () => {
  emulator = await tencentCbs.emulator!.start(spec, principal, new Deviations());
  const { seed } = tencentCbs.emulator!.fixtures('ap-guangzhou');
  await fetch(`${emulator.url}/_snapconform/seed`, adminPost({ region: 'ap-guangzhou', ...seed }));
});

afterAll(async () => {
  await transport.close();
  await quick.close();
  await emulator.close();
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A proxy in front of the emulator that, when armed, forwards a CreateSnapshot and then drops the connection. */
async function droppingProxy(): Promise<{ url: string; arm(): void; forwarded: () => number }> {
  let armed = false;
  let forwarded = 0;
  const url = await serve(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => !['host', 'connection', 'content-length'].includes(name))) as Record<string, string>;
    const upstream = await fetch(`${emulator.url}${request.url}`, { method: request.method, headers, body: request.method === 'POST' ? Buffer.concat(chunks) : undefined });
    const body = await upstream.text();
    forwarded += 1;
    if (armed && request.headers['x-tc-action'] === 'CreateSnapshot') {
      armed = false;
      request.socket.destroy(); // the create happened upstream; the client never hears of it
      return;
    }
    response.writeHead(upstream.status, { 'content-type': 'application/json' }).end(body);
  });
  return { url, arm: () => { armed = true; }, forwarded: () => forwarded };
}

describe('the transport policy', () => {
  it('retries a throttled call with backoff and succeeds', async () => {
    let calls = 0;
    const url = await serve((_request, response) => {
      calls += 1;
      const body = calls <= 2
        ? { Response: { Error: { Code: 'RequestLimitExceeded', Message: 'Your current request times equals to `21` in a second, which exceeds the frequency limit `20` for a second.' }, RequestId: randomUUID() } }
        : { Response: { TotalCount: 0, SnapshotSet: [], RequestId: randomUUID() } };
      response.writeHead(200, { 'content-type': 'application/json', ...(calls === 1 ? { 'retry-after': '0' } : {}) }).end(JSON.stringify(body));
    });
    const result = await client(url).call('DescribeSnapshots', {});
    expect(result.ok).toBe(true);
    expect(result.attempts).toBe(3);
    expect(calls).toBe(3);
  });

  it('reconciles a create whose connection dropped, instead of creating it twice', async () => {
    const proxy = await droppingProxy();
    const direct = client(emulator.url);
    const name = `reconcile-${randomUUID()}`;
    proxy.arm();
    const result = await client(proxy.url).call('CreateSnapshot', { DiskId: 'disk-fixture1', SnapshotName: name });
    expect(result.reconciled).toBe(true);
    expect(result.ok).toBe(true);
    const described = await direct.call('DescribeSnapshots', { Filters: [{ Name: 'snapshot-name', Values: [name] }] });
    expect(described.data?.['TotalCount']).toBe(1);
    expect(result.data?.['SnapshotId']).toBe((described.data?.['SnapshotSet'] as Array<{ SnapshotId: string }>)[0]!.SnapshotId);
  });

  it('reports the outcome as unknown when a dropped create cannot be reconciled, and never resends it', async () => {
    const proxy = await droppingProxy();
    proxy.arm();
    const before = proxy.forwarded();
    // Without a name, the adapter cannot find the snapshot again: the outcome is unknown, not guessed.
    await expect(client(proxy.url).call('CreateSnapshot', { DiskId: 'disk-fixture2' })).rejects.toBeInstanceOf(OutcomeUnknownError);
    expect(proxy.forwarded() - before).toBe(1);
  });

  it('resends a read whose connection dropped', async () => {
    let calls = 0;
    const url = await serve((request, response) => {
      calls += 1;
      if (calls === 1) {
        request.socket.destroy();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ Response: { TotalCount: 0, SnapshotSet: [], RequestId: randomUUID() } }));
    });
    const result = await client(url).call('DescribeSnapshots', {});
    expect(result.ok).toBe(true);
    expect(calls).toBe(2);
  });
});

/** A throttled or successful answer, as a decoder would return it. */
function answer(throttled: boolean, responseHeaders: Record<string, string> = {}): CallResult {
  return {
    action: 'DescribeSnapshots', httpStatus: throttled ? 429 : 200, requestId: randomUUID(), ok: !throttled, data: throttled ? undefined : {},
    error: throttled ? { code: 'RequestLimitExceeded', message: 'too many' } : undefined, body: {}, findings: [], durationMs: 1,
    transcript: { request: { method: 'POST', url: 'http://127.0.0.1:1/', headers: {}, body: '' }, response: { status: throttled ? 429 : 200, headers: responseHeaders, body: '' } },
  };
}

describe('the transport policy is bounded', () => {
  it('ends an endpoint that throttles forever after maxAttempts, each wait cut to maxDelayMs', async () => {
    const waits: number[] = [];
    let sends = 0;
    const result = await callWithPolicy(
      { key: 'k', perSecond: undefined, unsafeToRepeat: false, send: async () => { sends += 1; return answer(true, { 'retry-after': '3600' }); } },
      new RateLimiter(),
      { sleep: async (ms) => void waits.push(ms) },
    );
    expect(result.ok).toBe(false);
    expect(result.attempts).toBe(4);
    expect(sends).toBe(4);
    expect(waits).toEqual([5000, 5000, 5000]);
  });

  it.each<[TransportFailure, number]>([['connection', 2], ['timeout', 2], ['too-large', 1], ['cancelled', 1]])(
    'after a %s failure, resends a read %i time(s) in all',
    async (kind, expected) => {
      let sends = 0;
      const call = callWithPolicy(
        { key: 'k', perSecond: undefined, unsafeToRepeat: false, send: async () => {
          sends += 1;
          if (sends === 1) throw new TransportError(`GET http://127.0.0.1:1/ ${kind}`, 'http://127.0.0.1:1/', { kind });
          return answer(false);
        } },
        new RateLimiter(),
        { sleep: async () => {} },
      );
      if (expected === 1) await expect(call).rejects.toMatchObject({ kind });
      else expect((await call).ok).toBe(true);
      expect(sends).toBe(expected);
    },
  );

  it('gives a read to an endpoint that never answers a bounded number of timed-out attempts', async () => {
    let calls = 0;
    const url = await serve(() => { calls += 1; /* never answers */ });
    const error = await client(url, quick).call('DescribeSnapshots', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).kind).toBe('timeout');
    expect((error as Error).message).toMatch(/^no complete answer from POST http:\/\/127\.0\.0\.1:\d+\/ within 300 ms \(total time limit; no headers came\)$/);
    expect(calls).toBe(4);
  });

  it('never resends a create whose answer did not come in time: its outcome is unknown', async () => {
    let creates = 0;
    const url = await serve((request) => { if (request.headers['x-tc-action'] === 'CreateSnapshot') creates += 1; /* never answers */ });
    const error = await client(url, quick).call('CreateSnapshot', { DiskId: 'disk-fixture2' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutcomeUnknownError);
    expect((error as Error).message).toMatch(/within 300 ms \(total time limit; no headers came\); the create may or may not have happened/);
    expect(creates).toBe(1);
  });
});
