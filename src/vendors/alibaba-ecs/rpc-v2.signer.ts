import { hmacSha1 } from '../../transport/digest.ts';
import { formatAcsTime } from './acs-time.ts';
import { canonicalQuery, percentEncode, type ParamPair } from './percent-encode.ts';

/**
 * Alibaba RPC "V2" signature: HMAC-SHA1, `SignatureVersion=1.0` (Alibaba now calls it discontinued).
 * Source: ../shared/reference/alibaba-ecs-and-zenlayer-zec.md §A1.1 (algorithm), §A1.2 (official vector),
 * §A4 (where the SDKs put the parameters).
 */
export const V2_SIGNATURE_METHOD = 'HMAC-SHA1';
export const V2_SIGNATURE_VERSION = '1.0';

/** The intermediate strings and result of a V2 signature. */
export interface RpcV2Signature {
  /** Base64 HMAC-SHA1, not yet percent-encoded. */
  signature: string;
  canonicalQuery: string;
  stringToSign: string;
}

/**
 * Signs V2: StringToSign = METHOD + `&` + enc(`/`) + `&` + enc(canonical query over every parameter except
 * `Signature`), key = AccessKeySecret + `&`, Base64 (§A1.1 steps 1–5). The method is part of the string,
 * so GET and POST sign differently.
 */
export function signRpcV2(method: 'GET' | 'POST' | string, params: Iterable<ParamPair>, accessKeySecret: string): RpcV2Signature {
  const query = canonicalQuery([...params].filter(([name]) => name !== 'Signature'));
  const stringToSign = `${method.toUpperCase()}&${percentEncode('/')}&${percentEncode(query)}`;
  return { signature: hmacSha1(accessKeySecret + '&', stringToSign).toString('base64'), canonicalQuery: query, stringToSign };
}

/** The common parameters of a V2 request (§A1.1 table). */
export interface RpcV2Common {
  action: string;
  version: string;
  accessKeyId: string;
  /** Unix seconds, sent as `Timestamp` (`yyyy-MM-ddTHH:mm:ssZ`). */
  timestamp: number;
  nonce: string;
  /** @defaultValue 'JSON' (the service's own default is XML) */
  format?: string;
  /** STS credentials only. */
  securityToken?: string;
}

/** The common parameter pairs of a V2 request, `Signature` excepted. */
export function rpcV2CommonParams(common: RpcV2Common): ParamPair[] {
  const pairs: ParamPair[] = [
    ['Action', common.action],
    ['Version', common.version],
    ['Format', common.format ?? 'JSON'],
    ['AccessKeyId', common.accessKeyId],
    ['SignatureMethod', V2_SIGNATURE_METHOD],
    ['SignatureVersion', V2_SIGNATURE_VERSION],
    ['SignatureNonce', common.nonce],
    ['Timestamp', formatAcsTime(common.timestamp)],
  ];
  if (common.securityToken) pairs.push(['SecurityToken', common.securityToken]);
  return pairs;
}

/**
 * Where the signed parameters travel (§A4): `query` — the query of a GET, or of a POST with an empty body
 * (@alicloud/openapi-core's V2); `form` — a POST form body (@alicloud/pop-core with method POST).
 */
export type V2Placement = 'query' | 'form';

/** A V2 request ready for the wire. */
export interface RpcV2WireRequest {
  method: 'GET' | 'POST';
  /** The query string without `?`, `Signature` included when the parameters travel in the query. */
  query: string;
  /** The form body, or `''`. */
  body: string;
  /** `content-type` for a form body; empty otherwise. */
  headers: Record<string, string>;
  signature: RpcV2Signature;
}

/**
 * Signs and lays out a V2 request: every parameter (common and business, `Signature` appended) in the
 * query or in a form body, each pair strictly {@link percentEncode}d (`*` as `%2A`; the SDK leaves it raw,
 * which the verifier also accepts). A GET always uses the query.
 */
export function buildRpcV2Request(
  method: 'GET' | 'POST', params: ParamPair[], accessKeySecret: string, placement: V2Placement = 'query',
): RpcV2WireRequest {
  const signature = signRpcV2(method, params, accessKeySecret);
  const encoded = `${signature.canonicalQuery}${signature.canonicalQuery ? '&' : ''}Signature=${percentEncode(signature.signature)}`;
  if (method === 'POST' && placement === 'form') {
    return { method, query: '', body: encoded, headers: { 'content-type': 'application/x-www-form-urlencoded' }, signature };
  }
  return { method, query: encoded, body: '', headers: {}, signature };
}
