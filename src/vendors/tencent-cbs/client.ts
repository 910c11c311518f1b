import type { CallResult } from '../../transport/call-result.ts';
import type { HttpTransport } from '../../transport/http-transport.ts';
import { flattenParams, type ParamValue } from '../../transport/flatten.ts';
import type { VendorSpec } from '../../spec/vendor-spec.ts';
import { decodeTencentResponse } from './envelope.ts';
import { signTc3 } from './tc3.signer.ts';

/** Tencent API keys; the SDKs read them from TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY. */
export interface TencentCredentials {
  secretId: string;
  secretKey: string;
  /** STS token, sent as X-TC-Token. */
  token?: string;
}

/** Options of {@link TencentClient}. */
export interface TencentClientOptions {
  /** Base URL, e.g. `https://cbs.tencentcloudapi.com` or an emulator's `http://127.0.0.1:port`. */
  endpoint: string;
  region: string;
  credentials: TencentCredentials;
  spec: VendorSpec;
  transport: HttpTransport;
  /** The product in the credential scope. @defaultValue 'cbs' */
  service?: string;
  /** Unix seconds; tests move it to probe clock-skew rules. @defaultValue the wall clock */
  now?: () => number;
}

/** How to send one call; the defaults are what the official SDK does. */
export interface TencentCallOptions {
  /** @defaultValue 'POST' (JSON body); 'GET' flattens into the query */
  method?: 'GET' | 'POST';
  signedHeaders?: string[];
  /** Overrides of the X-TC-* headers (an unknown version, a missing region). */
  headers?: Record<string, string | undefined>;
  /** Signs with this secret instead of the real one (a wrong signature on purpose). */
  signWithSecret?: string;
  timestamp?: number;
}

/**
 * A Tencent Cloud API 3.0 client: signs with TC3-HMAC-SHA256 as the official SDKs do (content-type;host,
 * hostname without port), sends through the shared transport and decodes the envelope.
 */
export class TencentClient {
  private readonly url: URL;
  private readonly requestIdPattern: RegExp;

  constructor(private readonly options: TencentClientOptions) {
    this.url = new URL(options.endpoint);
    this.requestIdPattern = new RegExp(options.spec.envelope.requestIdPattern, 'u');
  }

  /** Calls an action with structured parameters (as the spec's request schema describes them). */
  async call(action: string, params: { [key: string]: ParamValue }, call: TencentCallOptions = {}): Promise<CallResult> {
    const { options } = this;
    const method = call.method ?? 'POST';
    const query = method === 'GET' ? new URLSearchParams(flattenParams(params, 0)).toString() : '';
    const body = method === 'POST' ? JSON.stringify(params) : '';
    const contentType = method === 'POST' ? 'application/json' : 'application/x-www-form-urlencoded';
    const timestamp = call.timestamp ?? options.now?.() ?? Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = {
      'content-type': contentType,
      'x-tc-action': action,
      'x-tc-version': options.spec.version,
      'x-tc-region': options.region,
      'x-tc-timestamp': String(timestamp),
    };
    if (options.credentials.token) headers['x-tc-token'] = options.credentials.token;
    for (const [name, value] of Object.entries(call.headers ?? {})) {
      if (value === undefined) delete headers[name.toLowerCase()];
      else headers[name.toLowerCase()] = value;
    }
    const { authorization } = signTc3({
      method, host: this.url.hostname, query, headers, body, timestamp,
      service: options.service ?? 'cbs',
      secretId: options.credentials.secretId,
      secretKey: call.signWithSecret ?? options.credentials.secretKey,
      signedHeaders: call.signedHeaders,
    });
    headers['authorization'] = authorization;
    const url = `${this.url.origin}/${query ? `?${query}` : ''}`;
    const response = await options.transport.send({ url, method, headers, body: method === 'POST' ? body : undefined });
    return decodeTencentResponse(action, response, {
      request: { method, url, headers, body },
      response: { status: response.status, headers: response.headers, body: response.body.toString('utf8') },
    }, this.requestIdPattern);
  }
}
