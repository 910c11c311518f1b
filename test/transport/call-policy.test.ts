import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Deviations } from '../../src/emulator/deviations/catalogue.ts';
import type { RunningServer } from '../../src/emulator/http-server.ts';
import { politeClient } from '../../src/conformance/session.ts';
import type { TargetInfo } from '../../src/conformance/target.ts';
import { loadSpec } from '../../src/spec/load-spec.ts';
import { OutcomeUnknownError } from '../../src/transport/call-policy.ts';
import { HttpTransport } from '../../src/transport/http-transport.ts';
import { tencentCbs } from '../../src/vendors/tencent-cbs/adapter.ts';

const spec = loadSpec('specs/tencent-cbs.yaml');
const principal = { id: 'AKIDPOLICYTEST0000000000000000000000', secret: 'policy-test-secret', account: 'acct' };
const transport = new HttpTransport({ timeoutMs: 5000 });
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

const client = (endpoint: string) => politeClient(target(endpoint), spec, tencentCbs, tencentCbs.createClient(target(endpoint), spec, transport));

beforeAll(async () => {
  emulator = await tencentCbs.emulator!.start(spec, principal, new Deviations());
  const { seed } = tencentCbs.emulator!.fixtures('ap-guangzhou');
  await fetch(`${emulator.url}/_snapconform/seed`, { method: 'POST', body: JSON.stringify({ region: 'ap-guangzhou', ...seed }) });
});

afterAll(async () => {
  await transport.close();
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
