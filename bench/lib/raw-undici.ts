import { Pool } from 'undici';
import { HttpTransport, type WireRequest, type WireResponse } from '../../src/transport/http-transport.ts';
import type { Params, VendorClient } from '../../src/vendors/vendor-adapter.ts';
import type { Operation } from './load.ts';

/**
 * A transport that sends nothing: it keeps each signed request and answers with a canned response. Driving a
 * vendor client through it yields requests signed exactly as the client signs them (fresh timestamps and
 * nonces), ready to be replayed by raw undici without the client's code on the measured path.
 */
export class CapturingTransport extends HttpTransport {
  readonly captured: WireRequest[] = [];

  constructor(private readonly answer: WireResponse) {
    super();
  }

  override async send(request: WireRequest): Promise<WireResponse> {
    this.captured.push(request);
    return this.answer;
  }
}

/** Signs `count` calls of `action` in advance with a client built on a {@link CapturingTransport}. */
export async function presign(client: VendorClient, transport: CapturingTransport, action: string, params: Params, count: number): Promise<WireRequest[]> {
  for (let i = 0; i < count; i++) await client.call(action, params);
  return transport.captured.splice(0);
}

/** Raw undici sending pre-signed requests; see {@link rawUndici}. */
export interface RawUndici {
  operation: Operation;
  /** The bodies of the first and the last answer, for checking outside the measurement that they were successes. */
  samples(): Buffer[];
  close(): Promise<void>;
}

/**
 * Raw undici: one pre-signed request per operation, sent over a keep-alive pool of `connections` and its
 * body read, nothing else (no signing, decoding, validation, logging) — the same undici calls as
 * src/transport/http-transport.ts. Returns `null` when the requests run out, which ends a closed loop's
 * worker; with `cycle`, they never do: the list is sent over and over (for protocols without replay
 * protection).
 */
export function rawUndici(origin: string, requests: WireRequest[], connections: number, options: { cycle?: boolean } = {}): RawUndici {
  const pool = new Pool(origin, { connections, keepAliveTimeout: 30_000 });
  let next = 0;
  let first: Buffer | undefined;
  let last: Buffer | undefined;
  return {
    operation: async () => {
      const request = requests[options.cycle ? next++ % requests.length : next++];
      if (!request) return null;
      const started = performance.now();
      const url = new URL(request.url);
      const response = await pool.request({ path: url.pathname + url.search, method: request.method, headers: request.headers, body: request.body });
      last = Buffer.from(await response.body.arrayBuffer());
      first ??= last;
      return [performance.now() - started];
    },
    samples: () => [first, last].filter((b): b is Buffer => b !== undefined),
    close: () => pool.close(),
  };
}
