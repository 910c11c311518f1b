import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpTransport, TransportError } from '../../src/transport/http-transport.ts';

// Every test here uses small limits so that it is fast, and asserts only loose wall-clock bounds: the machines
// running it are shared, so "it ended, well within the test's timeout" is the claim, not a duration.

const MB = 1024 * 1024;
const CAP = 64 * 1024;

/** What each test opened; all of it is closed after the test, whether it passed or not. */
const opened: Array<() => Promise<void>> = [];

afterEach(async () => {
  await Promise.all(opened.splice(0).map((close) => close()));
});

interface TestServer {
  url: string;
  /** Resolves when every connection the server accepted has closed. */
  allClosed(): Promise<void>;
  connections(): number;
}

/** A `node:http` server on an ephemeral port of 127.0.0.1, destroyed (sockets and all) after the test. */
async function serve(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<TestServer> {
  const server = createServer(handler);
  const sockets = new Set<Socket>();
  const closed: Promise<void>[] = [];
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    closed.push(new Promise((resolve) => socket.once('close', () => resolve())));
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  opened.push(async () => {
    for (const socket of sockets) socket.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    allClosed: () => Promise.all(closed).then(() => undefined),
    connections: () => closed.length,
  };
}

function transport(options: ConstructorParameters<typeof HttpTransport>[0]): HttpTransport {
  const made = new HttpTransport(options);
  opened.push(() => made.close());
  return made;
}

/** Sends and returns the TransportError it must end in, with the time it took. */
async function failure(via: HttpTransport, url: string): Promise<{ error: TransportError; ms: number }> {
  const started = performance.now();
  const outcome = await via.send({ url, method: 'GET', headers: {} }).then(
    (response) => new Error(`expected a TransportError, got HTTP ${response.status} with ${response.body.length} bytes`),
    (error: unknown) => error,
  );
  if (!(outcome instanceof TransportError)) throw outcome;
  return { error: outcome, ms: performance.now() - started };
}

/** Calls `tick` every `ms` until the response's connection closes (or the test ends). */
function every(ms: number, response: ServerResponse, tick: () => void): void {
  const interval = setInterval(tick, ms);
  response.once('close', () => clearInterval(interval));
  opened.push(async () => clearInterval(interval));
}

describe('the transport bounds every exchange', () => {
  it('gives up on an endpoint that never answers, within the total time limit', async () => {
    const server = await serve(() => { /* never answers */ });
    const { error, ms } = await failure(transport({ timeoutMs: 300 }), `${server.url}/hang`);
    expect(error.kind).toBe('timeout');
    expect(error.message).toMatch(/^no complete answer from GET http:\/\/127\.0\.0\.1:\d+\/hang within 300 ms \(total time limit; no headers came\)$/);
    expect(ms).toBeLessThan(20_000);
    await server.allClosed(); // the connection was not left open
  });

  it('gives up on an endpoint that sends headers, then trickles one byte every 200 ms forever', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.flushHeaders();
      every(200, response, () => response.write(' '));
    });
    // Each byte would reset an idle timer; the total time limit is one timer over the whole exchange.
    const { error, ms } = await failure(transport({ timeoutMs: 1000 }), `${server.url}/trickle`);
    expect(error.kind).toBe('timeout');
    expect(error.message).toMatch(/^no complete answer from GET http:\/\/127\.0\.0\.1:\d+\/trickle within 1 s \(total time limit; HTTP 200 and \d+ bytes of the body came\)$/);
    expect(ms).toBeLessThan(20_000);
    await server.allClosed();
  });

  it('stops reading a 50 MB body at the cap, holding far less than 50 MB', async () => {
    let written = 0;
    const server = await serve((_request, response) => {
      // Chunked (no Content-Length), streamed with backpressure: the server holds one chunk, not 50 MB.
      response.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => {
        while (written < 50 * MB && !response.destroyed) {
          written += chunk.length;
          if (!response.write(chunk)) return void response.once('drain', pump);
        }
        if (!response.destroyed) response.end();
      };
      pump();
    });
    const before = process.memoryUsage();
    let peakArrayBuffers = before.arrayBuffers;
    let peakRss = before.rss;
    const sampler = setInterval(() => {
      const now = process.memoryUsage();
      peakArrayBuffers = Math.max(peakArrayBuffers, now.arrayBuffers);
      peakRss = Math.max(peakRss, now.rss);
    }, 1);
    opened.push(async () => clearInterval(sampler));
    const { error, ms } = await failure(transport({ timeoutMs: 20_000, maxResponseBytes: CAP }), `${server.url}/flood`);
    await server.allClosed();
    clearInterval(sampler);
    expect(error.kind).toBe('too-large');
    expect(error.message).toMatch(/^answer from GET http:\/\/127\.0\.0\.1:\d+\/flood larger than 64 KiB \(response size cap\): stopped reading$/);
    expect(ms).toBeLessThan(20_000);
    // The connection was destroyed, so the server could not push the rest (socket buffers hold a few MB at most).
    expect(written).toBeLessThan(25 * MB);
    expect(peakArrayBuffers - before.arrayBuffers).toBeLessThan(16 * MB);
    expect(peakRss - before.rss).toBeLessThan(40 * MB);
  });

  it('refuses a declared Content-Length over the cap before reading the body', async () => {
    const server = await serve((_request, response) => {
      // Declares 1 GiB and sends a little, then nothing: reading would wait for the time limit.
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(1024 * MB) });
      response.write('{"a":1}');
    });
    const { error } = await failure(transport({ timeoutMs: 20_000, maxResponseBytes: CAP }), `${server.url}/declared`);
    expect(error.kind).toBe('too-large');
    expect(error.message).toMatch(/^answer from GET http:\/\/127\.0\.0\.1:\d+\/declared larger than 64 KiB \(response size cap\): Content-Length 1073741824, not read$/);
    await server.allClosed();
  });

  it('ends in the time limit when the Content-Length promises more than comes', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      response.write('0123456789');
    });
    const { error } = await failure(transport({ timeoutMs: 300, maxResponseBytes: CAP }), `${server.url}/short`);
    expect(error.kind).toBe('timeout');
    expect(error.message).toMatch(/HTTP 200 and 10 bytes of the body came\)$/);
    await server.allClosed();
  });

  it('reads no further than a Content-Length that promises less than comes', async () => {
    const server = await serve((request, response) => {
      if (request.url === '/ok') return void response.writeHead(200, { 'content-length': '2' }).end('ok');
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '10' });
      response.flushHeaders();
      // 10 bytes as declared, then 1 MB the client never asked for, on the same connection.
      response.socket!.write(Buffer.concat([Buffer.from('0123456789'), Buffer.alloc(MB, 0x20)]));
    });
    const via = transport({ timeoutMs: 5000, maxResponseBytes: CAP, connections: 1 });
    const response = await via.send({ url: `${server.url}/lying`, method: 'GET', headers: {} });
    expect(response.body.toString()).toBe('0123456789');
    // The stray bytes are not taken for the next answer: the transport still answers correctly.
    const next = await via.send({ url: `${server.url}/ok`, method: 'GET', headers: {} });
    expect(next.body.toString()).toBe('ok');
  });

  it('is cancelled by the caller with its own kind', async () => {
    const server = await serve(() => { /* never answers */ });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const via = transport({ timeoutMs: 20_000 });
    const error = await via.send({ url: `${server.url}/cancel`, method: 'GET', headers: {} }, controller.signal).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).kind).toBe('cancelled');
    expect((error as Error).message).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/cancel cancelled \(no headers came\)$/);
  });

  it('still reads answers at the cap whole, and states its limits', async () => {
    const server = await serve((_request, response) => response.writeHead(200).end(Buffer.alloc(CAP, 0x61)));
    const via = transport({ maxResponseBytes: CAP });
    expect((await via.send({ url: `${server.url}/`, method: 'GET', headers: {} })).body.length).toBe(CAP);
    expect(via.timeoutMs).toBe(60_000);
    expect(new HttpTransport().maxResponseBytes).toBe(8 * MB);
    expect(() => new HttpTransport({ timeoutMs: 0 })).toThrow(RangeError);
  });
});
