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
  /** Bodies larger than this are refused with 413 before they are read whole. @defaultValue 10 MiB */
  maxBodyBytes?: number;
}

function readBody(message: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    message.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        resolve(undefined);
        message.resume();
        return;
      }
      chunks.push(chunk);
    });
    message.on('end', () => resolve(size > limit ? undefined : Buffer.concat(chunks)));
    message.on('error', reject);
  });
}

/** Serves a handler over HTTP/1.1 with keep-alive. */
export async function listen(handler: RequestHandler, options: ListenOptions = {}): Promise<RunningServer> {
  const maxBodyBytes = options.maxBodyBytes ?? 10 * 1024 * 1024;
  // 64 KiB of request line and headers (Node's default is 16 KiB): Tencent documents GET requests up to 32 KB,
  // which the front end must see to refuse beyond (reference §1.1).
  const server: Server = createServer({ keepAliveTimeout: 60_000, maxHeaderSize: 64 * 1024 }, async (message, response) => {
    try {
      const body = await readBody(message, maxBodyBytes);
      if (body === undefined) {
        response.writeHead(413, { 'content-type': 'text/plain' }).end('request body too large for the emulator');
        return;
      }
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
