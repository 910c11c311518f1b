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

/** The network or the endpoint failed to answer at all: an `error` outcome, never a vendor finding. */
export class TransportError extends Error {
  override readonly name = 'TransportError';

  constructor(message: string, readonly url: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Options of {@link HttpTransport}. */
export interface HttpTransportOptions {
  /** Keep-alive connections per origin. @defaultValue 8 */
  connections?: number;
  /** Time allowed for the response headers and for the body, each. @defaultValue 30000 ms */
  timeoutMs?: number;
}

/**
 * Sends requests over keep-alive undici pools, one pool per origin. It knows nothing of vendors; the
 * vendor clients sign and encode, this moves bytes and measures time.
 */
export class HttpTransport {
  private readonly pools = new Map<string, Pool>();
  private readonly connections: number;
  private readonly timeoutMs: number;

  constructor(options: HttpTransportOptions = {}) {
    this.connections = options.connections ?? 8;
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  private pool(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, { connections: this.connections, keepAliveTimeout: 30_000 });
      this.pools.set(origin, pool);
    }
    return pool;
  }

  /** Sends one request. @throws {@link TransportError} when no HTTP answer arrives. */
  async send(request: WireRequest, signal?: AbortSignal): Promise<WireResponse> {
    const url = new URL(request.url);
    const started = performance.now();
    try {
      const response = await this.pool(url.origin).request({
        path: url.pathname + url.search,
        method: request.method,
        headers: request.headers,
        body: request.body,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
        signal,
      });
      const body = Buffer.from(await response.body.arrayBuffer());
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(response.headers)) {
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
      }
      return { status: response.statusCode, headers, body, durationMs: performance.now() - started };
    } catch (error) {
      throw new TransportError(`${request.method} ${url.origin}${url.pathname} failed: ${(error as Error).message}`, request.url, { cause: error });
    }
  }

  /** Closes every pool. */
  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((pool) => pool.close()));
    this.pools.clear();
  }
}
