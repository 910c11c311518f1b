import { hmacSha1, hmacSha256 } from '../../transport/digest.ts';

/**
 * Tencent Cloud API signature v1 (HmacSHA1 / HmacSHA256): every parameter, common ones included, travels in
 * the query (GET) or an `application/x-www-form-urlencoded` body (POST) and is signed as a sorted raw string.
 * Source: the "Signature" doc, ../shared/reference/tencent-cbs.md §1.3; the SDK's exact behaviour is in §4.2.
 */

/** The common v1 parameters (§1.4); everything else is a business parameter. `Signature` itself is never signed. */
export const V1_COMMON_PARAMS: ReadonlySet<string> = new Set([
  'Action', 'Region', 'Timestamp', 'Nonce', 'SecretId', 'Signature', 'Version', 'SignatureMethod', 'Token', 'Language',
  // Not in the doc's list, but the Node SDK sends it as a v1 parameter (§1.4, §4.2 gotcha 6).
  'RequestClient',
]);

/** What v1 signs. */
export interface V1Input {
  method: 'GET' | 'POST';
  /**
   * The host as signed. The doc signs the bare hostname (`cvm.tencentcloudapi.com`); the Node SDK signs its
   * configured endpoint verbatim, `:port` included (`127.0.0.1:36369`, §4.2 gotcha 6).
   */
  host: string;
  /** @defaultValue '/' (API 3.0 has a single path) */
  path?: string;
  /**
   * Every parameter as flat `[name, value]` pairs, unencoded: the common ones (`Action`, `Region`, `Timestamp`,
   * `Nonce`, `SecretId`, `Version`, optional `SignatureMethod`, `Token`, `Language`, `RequestClient`) and the
   * business ones flattened with 0-based indexes (`flattenParams(params, 0)` from src/transport/flatten.ts).
   * A `Signature` pair, if present, is left out of the string to sign.
   */
  params: ReadonlyArray<readonly [string, string]>;
  secretKey: string;
}

/** A v1 signature and the string it signs (for transcripts and verifier diagnostics). */
export interface V1Signature {
  /** Base64 HMAC, not URL-encoded (`EliP9YW3pW28FpsEdkXt/+WcGeI=`). */
  signature: string;
  stringToSign: string;
}

/** A v1 request ready for the wire. */
export interface V1Wire extends V1Signature {
  /** The query string without `?` (GET), or `""` (POST). */
  query: string;
  /** The form body (POST), or `""` (GET). */
  body: string;
  /** `application/x-www-form-urlencoded` for POST; the SDK sends no Content-Type on a v1 GET (§4.2 gotcha 6). */
  contentType?: string;
}

/**
 * Sorts pairs by name in code-unit order, stably. For the ASCII names v1 uses this is byte order, so
 * `InstanceIds.12` sorts before `InstanceIds.2` (§1.3 step 2); it is also the Node SDK's plain `keys.sort()`.
 */
function sortByName<T extends readonly [string, string]>(pairs: ReadonlyArray<T>): T[] {
  return [...pairs].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/**
 * The HMAC a request asks for: SHA-256 only when `SignatureMethod=HmacSHA256`, SHA-1 for anything else,
 * absent included (§1.3 step 5, legacy CVM common-params doc).
 */
export function v1Hmac(params: ReadonlyArray<readonly [string, string]>): 'HmacSHA1' | 'HmacSHA256' {
  return params.find(([name]) => name === 'SignatureMethod')?.[1] === 'HmacSHA256' ? 'HmacSHA256' : 'HmacSHA1';
}

/**
 * Signs a request with Tencent signature v1:
 * `StringToSign = METHOD + host + path + '?' + sorted raw name=value joined by '&'`,
 * `Signature = Base64(HMAC(secretKey, StringToSign))` (§1.3 steps 2–5).
 */
export function signV1(input: V1Input): V1Signature {
  const signed = sortByName(input.params.filter(([name]) => name !== 'Signature'));
  // Raw values, not URL-encoded (§1.3 step 3): `Deadline=2022-01-08T09:47:55+00:00`, `Tags.1.Value=未命名`.
  const joined = signed.map(([name, value]) => `${name}=${value}`).join('&');
  const stringToSign = `${input.method}${input.host}${input.path ?? '/'}?${joined}`;
  const hmac = v1Hmac(input.params) === 'HmacSHA256' ? hmacSha256 : hmacSha1;
  return { signature: hmac(input.secretKey, stringToSign).toString('base64'), stringToSign };
}

/**
 * Encodes pairs for the wire: names and values through `encodeURIComponent` (UTF-8, `+`→`%2B`, `/`→`%2F`,
 * space→`%20`), which is what the SDK's `querystring.stringify` produces (§1.3 step 6, §4.3).
 * Throws `URIError` on a lone surrogate, which has no UTF-8 form.
 */
export function encodeV1Pairs(pairs: ReadonlyArray<readonly [string, string]>): string {
  return pairs.map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`).join('&');
}

/**
 * Signs a request and builds its wire form: the query (GET) or form body (POST) holding every parameter and
 * the `Signature`, all URL-encoded and sorted by name, as in the doc's final URL (§1.3).
 */
export function signV1Request(input: V1Input): V1Wire {
  const { signature, stringToSign } = signV1(input);
  const encoded = encodeV1Pairs(sortByName([...input.params.filter(([name]) => name !== 'Signature'), ['Signature', signature] as const]));
  return input.method === 'GET'
    ? { signature, stringToSign, query: encoded, body: '' }
    : { signature, stringToSign, query: '', body: encoded, contentType: 'application/x-www-form-urlencoded' };
}
