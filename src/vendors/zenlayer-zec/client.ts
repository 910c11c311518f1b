import type { CallResult } from '../../transport/call-result.ts';
import type { HttpTransport } from '../../transport/http-transport.ts';
import type { ParamValue } from '../../transport/flatten.ts';
import type { VendorSpec } from '../../spec/vendor-spec.ts';
import { decodeZenlayerResponse } from './envelope.ts';
import { signZc2, ZC2_ALGORITHM } from './zc2.signer.ts';

/** Zenlayer API keys (the console's AccessKeyId / AccessKeyPassword pair). */
export interface ZenlayerCredentials {
  accessKeyId: string;
  accessKeyPassword: string;
}

/** Options of {@link ZenlayerClient}. */
export interface ZenlayerClientOptions {
  /**
   * Base URL: `https://console.zenlayer.com` or an emulator's `http://127.0.0.1:port`. Only its origin is
   * used; the path comes from the spec's x-protocol.path.
   */
  endpoint: string;
  credentials: ZenlayerCredentials;
  spec: VendorSpec;
  transport: HttpTransport;
  /** Unix seconds; tests move it to probe the timestamp window. @defaultValue the wall clock */
  now?: () => number;
}

/** How to send one call; the defaults are what the Go and Python SDKs do. */
export interface ZenlayerCallOptions {
  /** Signs with this password instead of the real one (a wrong signature on purpose). */
  signWithSecret?: string;
  /** X-ZC-Timestamp (and the signed timestamp) in unix seconds, instead of `now`. */
  timestamp?: number;
  /**
   * Sends these exact bytes instead of `JSON.stringify(params)`, and signs them, e.g. the Python SDK's
   * `{"diskId": "disk-ok", "snapshotName": "snap-1"}` with spaces (reference §B1: hashed raw).
   */
  rawBody?: string | Uint8Array;
  /**
   * Overrides of the request headers by name (case-insensitive); undefined removes one. A changed
   * content-type is signed as sent (Java's `application/json; charset=utf-8`, §B1).
   */
  headers?: Record<string, string | undefined>;
}

/**
 * A Zenlayer Cloud API 2.0 client for ZEC: every action is `POST <origin><x-protocol.path>` with a camelCase
 * JSON body and the action in X-ZC-Action (../shared/reference/alibaba-ecs-and-zenlayer-zec.md §B, §B1),
 * signed with ZC2-HMAC-SHA256 as the SDKs do (content-type;host, host WITH a non-default port, raw body),
 * sent through the shared transport and decoded by {@link decodeZenlayerResponse}.
 */
export class ZenlayerClient {
  private readonly url: URL;
  private readonly requestIdPattern: RegExp;

  constructor(private readonly options: ZenlayerClientOptions) {
    this.url = new URL(options.endpoint);
    this.requestIdPattern = new RegExp(options.spec.envelope.requestIdPattern, 'u');
  }

  /** Calls an action with structured camelCase parameters, as the spec's request schema describes them. */
  async call(action: string, params: { [key: string]: ParamValue }, call: ZenlayerCallOptions = {}): Promise<CallResult> {
    const { options } = this;
    const protocol = options.spec.protocol;
    const body: string | Buffer = call.rawBody === undefined
      ? JSON.stringify(params)
      : typeof call.rawBody === 'string' ? call.rawBody : Buffer.from(call.rawBody);
    const timestamp = call.timestamp ?? options.now?.() ?? Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = {
      'content-type': protocol.contentType,
      [(protocol.action.header ?? 'X-ZC-Action').toLowerCase()]: action,
      [(protocol.version.header ?? 'X-ZC-Version').toLowerCase()]: options.spec.version,
      'x-zc-timestamp': String(timestamp),
      'x-zc-signature-method': ZC2_ALGORITHM,
    };
    const overrides = Object.entries(call.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value] as const);
    const apply = (entries: ReadonlyArray<readonly [string, string | undefined]>): void => {
      for (const [name, value] of entries) {
        if (value === undefined) delete headers[name];
        else headers[name] = value;
      }
    };
    // Every override but Authorization applies before signing, so what is sent is what is signed.
    apply(overrides.filter(([name]) => name !== 'authorization'));
    // §B1: the signed host is the configured domain including the port; URL.host keeps a non-default port
    // and drops a default one, as the Host header the transport sends does.
    const { authorization } = signZc2({
      contentType: headers['content-type'] ?? '',
      host: this.url.host,
      body,
      timestamp: headers['x-zc-timestamp'] ?? String(timestamp),
      accessKeyId: options.credentials.accessKeyId,
      accessKeyPassword: call.signWithSecret ?? options.credentials.accessKeyPassword,
    });
    headers['authorization'] = authorization;
    // An Authorization override (a Bearer token, a malformed header) replaces the signature.
    apply(overrides.filter(([name]) => name === 'authorization'));
    const url = `${this.url.origin}${protocol.path}`;
    const response = await options.transport.send({ url, method: 'POST', headers, body });
    return decodeZenlayerResponse(action, response, {
      request: { method: 'POST', url, headers, body: typeof body === 'string' ? body : body.toString('utf8') },
      response: { status: response.status, headers: response.headers, body: response.body.toString('utf8') },
    }, this.requestIdPattern);
  }
}
