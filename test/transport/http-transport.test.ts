import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpTransport, TransportError } from '../../src/transport/http-transport.ts';

let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.url === '/slow') return; // never answers
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('HttpTransport', () => {
  it('reuses keep-alive connections and measures each exchange', async () => {
    const transport = new HttpTransport({ connections: 2 });
    const sockets = new Set<unknown>();
    server.on('connection', (socket) => sockets.add(socket));
    for (let i = 0; i < 10; i++) {
      const response = await transport.send({ url: `${url}/`, method: 'GET', headers: {} });
      expect(response.status).toBe(200);
      expect(response.durationMs).toBeGreaterThanOrEqual(0);
    }
    expect(sockets.size).toBeLessThanOrEqual(2);
    await transport.close();
  });

  it('gives up after the per-request timeout with a TransportError', async () => {
    const transport = new HttpTransport({ timeoutMs: 200 });
    await expect(transport.send({ url: `${url}/slow`, method: 'GET', headers: {} })).rejects.toBeInstanceOf(TransportError);
    await transport.close();
  });

  it('can be cancelled', async () => {
    const transport = new HttpTransport();
    const controller = new AbortController();
    const pending = transport.send({ url: `${url}/slow`, method: 'GET', headers: {} }, controller.signal);
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toBeInstanceOf(TransportError);
    await transport.close();
  });

  it('names the endpoint when nothing listens', async () => {
    const transport = new HttpTransport({ timeoutMs: 2000 });
    const error = await transport.send({ url: 'http://127.0.0.1:1/', method: 'GET', headers: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect((error as Error).message).toMatch(/^GET http:\/\/127\.0\.0\.1:1\/ failed: /);
    await transport.close();
  });
});
