import { randomBytes } from 'node:crypto';
import type { CallResult } from '../../transport/call-result.ts';
import type { ParamValue } from '../../transport/flatten.ts';
import type { HttpTransport } from '../../transport/http-transport.ts';
import type { VendorSpec } from '../../spec/vendor-spec.ts';
import { formatAcsTime } from './acs-time.ts';
import { buildAcs3Request } from './acs3.signer.ts';
import { encodeParams } from './codec.ts';
import { decodeAlibabaResponse } from './envelope.ts';
import type { ParamPair } from './percent-encode.ts';
import { buildRpcV2Request, rpcV2CommonParams, type V2Placement } from './rpc-v2.signer.ts';
import type { XmlValue } from './xml.ts';
import { shapeXml, type Components } from './xml-shape.ts';

/** Alibaba Cloud AccessKey credentials (optionally STS). */
export interface AlibabaCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  /** STS token: `x-acs-security-token` under V3, `SecurityToken` under V2. */
  securityToken?: string;
}

/** Options of {@link AlibabaClient}. */
export interface AlibabaClientOptions {
  /** Base URL, e.g. `https://ecs.cn-hangzhou.aliyuncs.com` or an emulator's `http://127.0.0.1:port`. */
  endpoint: string;
  /**
   * The region the endpoint serves. Informational: the official SDK uses it to pick an endpoint and never
   * sends it; actions that take a region (DescribeSnapshots, DescribeDisks) have `RegionId` in their params.
   */
  regionId?: string;
  credentials: AlibabaCredentials;
  spec: VendorSpec;
  transport: HttpTransport;
  /** Unix seconds; tests move it to probe the skew window. @defaultValue the wall clock */
  now?: () => number;
  /** A fresh nonce per call. @defaultValue 64 random hex digits, as the SDK sends */
  nonce?: () => string;
}

/** How to send one call; the defaults are what @alicloud/ecs20140526 7.x does (§A4). */
export interface AlibabaCallOptions {
  /** @defaultValue 'v3' (ACS3-HMAC-SHA256); 'v2' is HMAC-SHA1 with `Format=JSON` (`commonParams: { Format: 'XML' }` asks for XML) */
  signature?: 'v3' | 'v2';
  /** @defaultValue 'POST' */
  method?: 'GET' | 'POST';
  /** Where business parameters (V2: all parameters) travel on a POST. @defaultValue 'query' (empty body) */
  placement?: V2Placement;
  /** Signs with this secret instead of the real one (a wrong signature on purpose). */
  signWithSecret?: string;
  /** Unix seconds for `x-acs-date` / `Timestamp` (a stale or future request). */
  timestamp?: number;
  /** The nonce to send (the same nonce twice is a replay). */
  nonce?: string;
  /** Header overrides, applied before signing (`undefined` removes one); V3 signs every `x-acs-*` header. */
  headers?: Record<string, string | undefined>;
  /** V2 common-parameter overrides, applied before signing (`SignatureMethod: 'HMAC-SHA256'`, `Format: undefined`). */
  commonParams?: Record<string, string | undefined>;
  /** V3 signed headers, lower-case. @defaultValue host, content-type if present, every x-acs-* header */
  signedHeaders?: string[];
}

// Nonces are drawn from a pool refilled 128 at a time: `randomBytes(32)` per call is a CSPRNG call of its own,
// 2.6 µs of the ~30 µs an Alibaba call spends signing and decoding, against 0.1 µs from the pool
// (bench/README.md, figure 2). The bytes are as random; each is handed out once.
const NONCE_BYTES = 32;
let noncePool = Buffer.alloc(0);
let nonceOffset = 0;

/** 64 random hex digits, as the SDK sends in `x-acs-signature-nonce` / `SignatureNonce`. */
function freshNonce(): string {
  if (nonceOffset + NONCE_BYTES > noncePool.length) {
    noncePool = randomBytes(NONCE_BYTES * 128);
    nonceOffset = 0;
  }
  nonceOffset += NONCE_BYTES;
  return noncePool.toString('hex', nonceOffset - NONCE_BYTES, nonceOffset);
}

function applyOverrides(target: Record<string, string>, overrides: Record<string, string | undefined> | undefined, lower: boolean): void {
  for (const [rawName, value] of Object.entries(overrides ?? {})) {
    const name = lower ? rawName.toLowerCase() : rawName;
    if (value === undefined) delete target[name];
    else target[name] = value;
  }
}

/**
 * An Alibaba Cloud ECS RPC client: signs as the official SDK does — V3 by default (POST, business parameters
 * in the query, empty body, `x-acs-*` headers, `accept: application/json`), or V2 on request, asking for JSON
 * or XML — sends through the shared transport and decodes the answer with {@link decodeAlibabaResponse}
 * (an XML success read as the documented JSON by its schema: {@link shapeXml}).
 * Source: ../shared/reference/alibaba-ecs-and-zenlayer-zec.md §A1.1, §A1.3, §A4.
 */
export class AlibabaClient {
  private readonly url: URL;
  private readonly requestIdPattern: RegExp;

  constructor(private readonly options: AlibabaClientOptions) {
    this.url = new URL(options.endpoint);
    this.requestIdPattern = new RegExp(options.spec.envelope.requestIdPattern, 'u');
  }

  /** The region this client was configured for, if any. */
  get regionId(): string | undefined {
    return this.options.regionId;
  }

  /** Calls an action with structured parameters (as the spec's request schema describes them). */
  async call(action: string, params: { [key: string]: ParamValue }, call: AlibabaCallOptions = {}): Promise<CallResult> {
    const timestamp = call.timestamp ?? this.options.now?.() ?? Math.floor(Date.now() / 1000);
    const nonce = call.nonce ?? this.options.nonce?.() ?? freshNonce();
    const wire = call.signature === 'v2'
      ? this.v2(action, encodeParams(params), call, timestamp, nonce)
      : this.v3(action, encodeParams(params), call, timestamp, nonce);
    const url = `${this.url.origin}/${wire.query ? `?${wire.query}` : ''}`;
    const { method, headers, body } = wire;
    const response = await this.options.transport.send({ url, method, headers, body });
    return decodeAlibabaResponse(action, response, {
      request: { method, url, headers, body },
      response: { status: response.status, headers: response.headers, body: response.body.toString('utf8') },
    }, this.requestIdPattern, { expect: wire.expect, shapeXml: this.shapeFor(action) });
  }

  /** How an XML success of `action` is read as the documented JSON: by its success schema (§A2), when the spec has the action. */
  private shapeFor(action: string): ((value: XmlValue) => unknown) | undefined {
    const { spec } = this.options;
    const schema = spec.hasAction(action) ? spec.action(action).responses.get(200)?.schema : undefined;
    if (!schema) return undefined;
    const components = (spec.document.components?.schemas ?? {}) as Components;
    return (value) => shapeXml(value, schema, components);
  }

  private v3(action: string, pairs: ParamPair[], call: AlibabaCallOptions, timestamp: number, nonce: string) {
    const { credentials, spec } = this.options;
    // The host is signed with its port when it is not the default (§A1.3); undici sends the same value.
    const wire = buildAcs3Request({
      method: call.method ?? 'POST', host: this.url.host, action, version: spec.version, params: pairs, placement: call.placement,
      date: formatAcsTime(timestamp), nonce, accessKeyId: credentials.accessKeyId,
      accessKeySecret: call.signWithSecret ?? credentials.accessKeySecret, securityToken: credentials.securityToken,
      overrides: call.headers, signedHeaders: call.signedHeaders,
    });
    return { method: wire.method, query: wire.query, body: wire.body, headers: wire.headers, expect: 'json' as const };
  }

  private v2(action: string, pairs: ParamPair[], call: AlibabaCallOptions, timestamp: number, nonce: string) {
    const { credentials, spec } = this.options;
    const method = call.method ?? 'POST';
    const common = Object.fromEntries(rpcV2CommonParams({
      action, version: spec.version, accessKeyId: credentials.accessKeyId, timestamp, nonce, securityToken: credentials.securityToken,
    }));
    applyOverrides(common, call.commonParams, false);
    const wire = buildRpcV2Request(method, [...Object.entries(common), ...pairs], call.signWithSecret ?? credentials.accessKeySecret, call.placement);
    const headers: Record<string, string> = { ...wire.headers };
    applyOverrides(headers, call.headers, true);
    // Format defaults to XML at the service (§A1.1); the client asks for JSON unless told otherwise.
    const expect = /^json$/i.test(common['Format'] ?? '') ? 'json' as const : 'xml' as const;
    return { method, query: wire.query, body: wire.body, headers, expect };
  }
}
