import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An HTTP request as an emulator front end sees it: everything read, nothing parsed yet. */
export interface ArrivedHttpRequest {
  method: string;
  /** The path without the query string. */
  path: string;
  /** The raw query string without `?`. */
  query: string;
  /** Header values by lower-case name (repeated headers joined with `, `). */
  headers: Record<string, string | undefined>;
  body: Buffer;
  /** The port the request arrived on (the server's own), where known: the admin API's same-origin check needs it. */
  localPort?: number;
}

/** What a front end answers. */
export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
  /** Close the connection without answering (an injected fault: the client sees a dropped connection). */
  drop?: boolean;
}

/** Handles one request; may be async. Exceptions become a 500 that names the emulator, not the vendor. */
export type RequestHandler = (request: ArrivedHttpRequest) => HttpAnswer | Promise<HttpAnswer>;

/** A running emulator server on loopback. */
export interface RunningServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Options of {@link listen}. */
export interface ListenOptions {
  /** @defaultValue 0 (an ephemeral port) */
  port?: number;
  /** @defaultValue '127.0.0.1' — emulators never listen beyond loopback unless told to. */
  host?: string;
  /** Bodies larger than this are refused with 413; they are never held in memory whole. @defaultValue 10 MiB */
  maxBodyBytes?: number;
  /**
   * An oversized body up to this size is read and discarded before the 413 is sent, so that a client still
   * writing it hears the answer instead of a reset connection; beyond it (or a declared Content-Length beyond
   * it), the 413 goes at once and the connection is closed. @defaultValue 64 MiB
   */
  maxDrainBytes?: number;
  /**
   * Requests with more header fields than this are refused with 431 (Node would otherwise drop the fields
   * beyond its own count silently, Host and signature headers included). @defaultValue 2000
   */
  maxHeaderCount?: number;
}

/** A body as read: whole, or too large (`drained`: read to its end, so the connection can answer and stay). */
type ReadBody = { body: Buffer } | { tooLarge: true; drained: boolean };

/**
 * Reads a body of at most `limit` bytes. A larger one is not kept: its bytes are discarded as they arrive
 * (memory stays bounded whatever is sent) and, up to `drainLimit`, read to the end; past that, reading stops.
 */
function readBody(message: IncomingMessage, limit: number, drainLimit: number): Promise<ReadBody> {
  return new Promise((resolve, reject) => {
    const declared = Number(message.headers['content-length']);
    if (Number.isFinite(declared) && declared > drainLimit) {
      resolve({ tooLarge: true, drained: false });
      return;
    }
    let chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      chunks = [];
      if (size > drainLimit) {
        message.off('data', onData);
        message.pause();
        resolve({ tooLarge: true, drained: false });
      }
    };
    message.on('data', onData);
    message.on('end', () => resolve(size > limit ? { tooLarge: true, drained: true } : { body: Buffer.concat(chunks) }));
    message.on('error', reject);
  });
}

/** Serves a handler over HTTP/1.1 with keep-alive. */
export async function listen(handler: RequestHandler, options: ListenOptions = {}): Promise<RunningServer> {
  const maxBodyBytes = options.maxBodyBytes ?? 10 * 1024 * 1024;
  const maxDrainBytes = Math.max(options.maxDrainBytes ?? 64 * 1024 * 1024, maxBodyBytes);
  const maxHeaderCount = options.maxHeaderCount ?? 2000;
  // 64 KiB of request line and headers (Node's default is 16 KiB): Tencent documents GET requests up to 32 KB,
  // which the front end must see to refuse beyond (reference §1.1).
  const server: Server = createServer({ keepAliveTimeout: 60_000, maxHeaderSize: 64 * 1024 }, async (message, response) => {
    try {
      // Every field is kept (maxHeadersCount 0 below), so a flood is refused here, never silently cut short.
      if (message.rawHeaders.length / 2 > maxHeaderCount) {
        message.resume();
        response.writeHead(431, { 'content-type': 'text/plain', connection: 'close' })
          .end(`request has more than ${maxHeaderCount} header fields`);
        return;
      }
      const read = await readBody(message, maxBodyBytes, maxDrainBytes);
      if (!('body' in read)) {
        response.writeHead(413, { 'content-type': 'text/plain', ...(read.drained ? {} : { connection: 'close' }) })
          .end(`request body larger than ${maxBodyBytes} bytes`);
        return;
      }
      const { body } = read;
      const url = message.url ?? '/';
      const q = url.indexOf('?');
      const headers: Record<string, string | undefined> = {};
      for (const [name, value] of Object.entries(message.headers)) headers[name] = Array.isArray(value) ? value.join(', ') : value;
      const answer = await handler({
        method: message.method ?? 'GET',
        path: q === -1 ? url : url.slice(0, q),
        query: q === -1 ? '' : url.slice(q + 1),
        headers,
        body,
        localPort: message.socket.localPort,
      });
      if (answer.drop) {
        message.socket.destroy();
        return;
      }
      response.writeHead(answer.status, answer.headers).end(answer.body);
    } catch (error) {
      if (!response.headersSent) {
        response.writeHead(500, { 'content-type': 'application/json' });
      }
      response.end(JSON.stringify({ emulatorError: (error as Error).message }));
    }
  });
  // Node's own field count drops the fields beyond it silently (a request with ~1000 small headers loses its
  // Host); the count is checked above instead, and maxHeaderSize still bounds what the headers can hold.
  server.maxHeadersCount = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** A JSON answer. */
export function json(status: number, value: unknown, headers: Record<string, string> = {}): HttpAnswer {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(value) };
}
