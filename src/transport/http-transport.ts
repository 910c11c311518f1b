import { Pool } from 'undici';

/** A request ready for the wire. */
export interface WireRequest {
  /** Absolute URL, e.g. `http://127.0.0.1:40123/?Limit=10`. */
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string | Buffer;
}

/** What came back, unparsed. */
export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  durationMs: number;
}

/**
 * Why no usable answer came: the connection failed (refused, reset, closed mid-answer), the total time limit
 * passed, the answer was larger than the size cap, or the caller cancelled. The retry policy reads it: a
 * read is resent after `connection` and `timeout`, never after `too-large` (the same answer would come
 * again) or `cancelled`.
 */
export type TransportFailure = 'connection' | 'timeout' | 'too-large' | 'cancelled';

/** The network or the endpoint failed to answer at all: an `error` outcome, never a vendor finding. */
export class TransportError extends Error {
  override readonly name = 'TransportError';
  /** What went wrong; see {@link TransportFailure}. */
  readonly kind: TransportFailure;

  constructor(message: string, readonly url: string, options?: { cause?: unknown; kind?: TransportFailure }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.kind = options?.kind ?? 'connection';
  }
}

/** The default total time limit of one exchange: connect, request, headers and the whole body. */
export const DEFAULT_TIMEOUT_MS = 60_000;
/** The default cap on a response body; snapshot API answers are a few kilobytes, a page of a list a few hundred. */
export const DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

/**
 * Options of {@link HttpTransport}. A target file's request time limit (in seconds) would be passed here as
 * `timeoutMs`; the transport has no other way to be configured.
 */
export interface HttpTransportOptions {
  /** Keep-alive connections per origin. @defaultValue 8 */
  connections?: number;
  /**
   * The total time limit of one exchange, from sending to the last byte of the body. It is one timer over the
   * whole exchange, not undici's per-phase idle timeouts, which an endpoint trickling a byte every few seconds
   * keeps alive forever. @defaultValue {@link DEFAULT_TIMEOUT_MS} (60 s)
   */
  timeoutMs?: number;
  /**
   * The largest response body accepted, in bytes. A declared `Content-Length` above it is refused before the
   * body is read; an undeclared (chunked) body is counted as it arrives and the connection is destroyed at
   * the first byte past the cap, so memory stays near the cap whatever the endpoint sends.
   * @defaultValue {@link DEFAULT_MAX_RESPONSE_BYTES} (8 MiB)
   */
  maxResponseBytes?: number;
}

/** `300 ms`, `60 s`, `1.5 s`: the limit as a person set it. */
function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Number((ms / 1000).toFixed(3))} s`;
}

/** `8 MiB`, `64 KiB`, `1000 bytes`: the cap as a person set it. */
function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

/**
 * Sends requests over keep-alive undici pools, one pool per origin. It knows nothing of vendors; the
 * vendor clients sign and encode, this moves bytes and measures time. Every exchange is bounded in time
 * ({@link HttpTransportOptions.timeoutMs}) and in memory ({@link HttpTransportOptions.maxResponseBytes}).
 */
export class HttpTransport {
  private readonly pools = new Map<string, Pool>();
  private readonly connections: number;
  /** The total time limit of one exchange, in ms. */
  readonly timeoutMs: number;
  /** The largest response body accepted, in bytes. */
  readonly maxResponseBytes: number;

  constructor(options: HttpTransportOptions = {}) {
    this.connections = options.connections ?? 8;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    if (!(this.timeoutMs > 0) || !Number.isFinite(this.timeoutMs)) throw new RangeError(`timeoutMs must be a positive number of ms, not ${this.timeoutMs}`);
    if (!(this.maxResponseBytes > 0) || !Number.isFinite(this.maxResponseBytes)) throw new RangeError(`maxResponseBytes must be a positive number of bytes, not ${this.maxResponseBytes}`);
  }

  private pool(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, { connections: this.connections, keepAliveTimeout: 30_000 });
      this.pools.set(origin, pool);
    }
    return pool;
  }

  /**
   * Sends one request and reads the whole answer, within the total time limit and the size cap.
   * @throws {@link TransportError} when no complete HTTP answer arrives: the connection failed, the time
   * limit passed, the body was over the cap, or `signal` cancelled the exchange.
   */
  async send(request: WireRequest, signal?: AbortSignal): Promise<WireResponse> {
    const url = new URL(request.url);
    // The query is left out of messages: it may hold a signature.
    const endpoint = `${request.method} ${url.origin}${url.pathname}`;
    const started = performance.now();
    const controller = new AbortController();
    let timedOut = false;
    // What had arrived when the exchange stopped, for the message.
    let status: number | undefined;
    let received = 0;
    // One timer over the whole exchange; undici's own headers/body timeouts are idle timers, reset by every byte.
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.timeoutMs);
    const cancel = () => controller.abort();
    if (signal?.aborted) controller.abort();
    else signal?.addEventListener('abort', cancel, { once: true });
    const fail = (message: string, kind: TransportFailure, cause?: unknown) => new TransportError(message, request.url, { kind, cause });
    try {
      const response = await this.pool(url.origin).request({
        path: url.pathname + url.search,
        method: request.method,
        headers: request.headers,
        body: request.body,
        // Off: the total time limit above is the one bound, and a per-phase idle timer firing first would name the wrong limit.
        headersTimeout: 0,
        bodyTimeout: 0,
        signal: controller.signal,
      });
      status = response.statusCode;
      const declared = response.headers['content-length'];
      if (typeof declared === 'string' && /^\d+$/.test(declared) && Number(declared) > this.maxResponseBytes) {
        // Destroying an unfinished body aborts the request, and undici destroys its connection: nothing more is read.
        response.body.destroy();
        throw fail(`answer from ${endpoint} larger than ${formatBytes(this.maxResponseBytes)} (response size cap): Content-Length ${declared}, not read`, 'too-large');
      }
      const chunks: Buffer[] = [];
      for await (const chunk of response.body as AsyncIterable<Buffer>) {
        received += chunk.length;
        // Leaving the loop destroys the body, and with it the connection, before the next chunk is buffered.
        if (received > this.maxResponseBytes) throw fail(`answer from ${endpoint} larger than ${formatBytes(this.maxResponseBytes)} (response size cap): stopped reading`, 'too-large');
        chunks.push(chunk);
      }
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(response.headers)) {
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
      }
      return { status: response.statusCode, headers, body: Buffer.concat(chunks, received), durationMs: performance.now() - started };
    } catch (error) {
      if (error instanceof TransportError) throw error;
      const got = status === undefined ? 'no headers came' : `HTTP ${status} and ${received} bytes of the body came`;
      if (timedOut) throw fail(`no complete answer from ${endpoint} within ${formatDuration(this.timeoutMs)} (total time limit; ${got})`, 'timeout', error);
      if (signal?.aborted) throw fail(`${endpoint} cancelled (${got})`, 'cancelled', error);
      throw fail(`${endpoint} failed: ${oneLine((error as Error).message)}`, 'connection', error);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', cancel);
    }
  }

  /** Closes every pool; bounded, since every exchange in flight ends within the time limit. */
  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((pool) => pool.close()));
    this.pools.clear();
  }
}

/** Error messages from the network stack are one line; one from a misbehaving peer need not be. */
function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ');
}
