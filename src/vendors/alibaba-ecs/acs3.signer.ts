import { hmacSha256, sha256Hex } from '../../transport/digest.ts';
import { canonicalQuery, type ParamPair } from './percent-encode.ts';

/**
 * Alibaba "V3" signature, ACS3-HMAC-SHA256, the default of the official SDK (@alicloud/ecs20140526 7.x).
 * Source: ../shared/reference/alibaba-ecs-and-zenlayer-zec.md §A1.3 (algorithm and official vector), §A4.
 */
export const ACS3_ALGORITHM = 'ACS3-HMAC-SHA256';

/** What V3 signs. */
export interface Acs3Input {
  method: string;
  /** The canonical URI. @defaultValue '/' (every RPC action) */
  path?: string;
  /**
   * The query parameters, decoded; they are sorted and RFC 3986-encoded here. Or the canonical query string
   * itself, already sorted and encoded (by {@link canonicalQuery}), when the caller has built it anyway.
   */
  query: Iterable<ParamPair> | string;
  /**
   * Headers by lower-case name, `host` included: with its port when the port is not the scheme's default
   * (the SDK signs `127.0.0.1:18080`, §A1.3).
   */
  headers: Record<string, string>;
  /** The body bytes exactly as sent; HashedRequestPayload is their hex SHA-256. */
  body: string | Uint8Array;
  accessKeyId: string;
  accessKeySecret: string;
  /**
   * The headers to sign, lower-case. @defaultValue {@link defaultSignedHeaders}: `host`, `content-type` if
   * present and every `x-acs-*` header, as the SDK does (it also signs `x-acs-credentials-provider`).
   */
  signedHeaders?: string[];
}

/** A V3 signature with its intermediate strings. */
export interface Acs3Signature {
  authorization: string;
  /** Lower-case hex. */
  signature: string;
  canonicalRequest: string;
  stringToSign: string;
  signedHeaders: string[];
}

/**
 * "Every common header except Authorization must be signed when present" (§A1.3 rule): `host`,
 * `content-type` when present and every `x-acs-*` header, sorted.
 */
export function defaultSignedHeaders(headers: Record<string, string | undefined>): string[] {
  const names = new Set(['host']);
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (value !== undefined && (lower === 'content-type' || lower.startsWith('x-acs-'))) names.add(lower);
  }
  return [...names].sort();
}

/**
 * Signs with ACS3-HMAC-SHA256 (§A1.3): CanonicalRequest = method, URI, canonical query, canonical headers
 * (`lower(name):trim(value)\n` per signed header, sorted), the `;`-joined header list and the hex SHA-256
 * of the body; StringToSign = `ACS3-HMAC-SHA256\n` + hex(SHA-256(CanonicalRequest)); signature =
 * hex(HMAC-SHA256(AccessKeySecret as is — no `&`, unlike V2 — , StringToSign)). The Authorization header
 * separates its parts with commas and no spaces.
 *
 * @throws Error when a signed header is missing from `headers` (a programming error in the caller).
 */
export function signAcs3(input: Acs3Input): Acs3Signature {
  const signedHeaders = [...new Set((input.signedHeaders ?? defaultSignedHeaders(input.headers)).map((h) => h.toLowerCase()))].sort();
  const canonicalHeaders = signedHeaders
    .map((name) => {
      const value = input.headers[name];
      if (value === undefined) throw new Error(`ACS3: signed header '${name}' is missing`);
      return `${name}:${value.trim()}\n`;
    })
    .join('');
  const canonicalRequest = [
    input.method.toUpperCase(), input.path ?? '/', typeof input.query === 'string' ? input.query : canonicalQuery(input.query), canonicalHeaders, signedHeaders.join(';'), sha256Hex(input.body),
  ].join('\n');
  const stringToSign = `${ACS3_ALGORITHM}\n${sha256Hex(canonicalRequest)}`;
  const signature = hmacSha256(input.accessKeySecret, stringToSign).toString('hex');
  return {
    signature,
    canonicalRequest,
    stringToSign,
    signedHeaders,
    authorization: `${ACS3_ALGORITHM} Credential=${input.accessKeyId},SignedHeaders=${signedHeaders.join(';')},Signature=${signature}`,
  };
}

/** A V3 RPC request to lay out and sign (what @alicloud/ecs20140526 sends by default, §A4). */
export interface Acs3RequestInput {
  method: 'GET' | 'POST';
  /** `host[:port]` as the HTTP client will send it; signed, not returned among the headers. */
  host: string;
  action: string;
  version: string;
  /** Business parameters, decoded. */
  params: ParamPair[];
  /** `query` (the SDK: a POST with an empty body) or `form` (a POST form body, §A1.3). @defaultValue 'query' */
  placement?: 'query' | 'form';
  /** `x-acs-date`, already formatted (`yyyy-MM-ddTHH:mm:ssZ`). */
  date: string;
  nonce: string;
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
  /** Header overrides applied before signing; `undefined` removes a header. */
  overrides?: Record<string, string | undefined>;
  signedHeaders?: string[];
}

/** A signed V3 request ready for the wire. */
export interface Acs3WireRequest {
  method: 'GET' | 'POST';
  /** Strictly RFC 3986-encoded, sorted; `''` when the parameters are in the body. */
  query: string;
  body: string;
  /** Every header to send, `authorization` included and `host` excluded (the HTTP client adds it). */
  headers: Record<string, string>;
  signature: Acs3Signature;
}

/**
 * Lays out and signs a V3 request as the SDK does (§A1.3, §A4): business parameters in the query (or a form
 * body), `x-acs-action`, `x-acs-version`, `x-acs-date`, `x-acs-signature-nonce`, `x-acs-content-sha256`
 * (`x-acs-security-token` with STS), `accept: application/json`, then `authorization`.
 */
export function buildAcs3Request(input: Acs3RequestInput): Acs3WireRequest {
  const inForm = input.method === 'POST' && input.placement === 'form';
  const encoded = canonicalQuery(input.params);
  const body = inForm ? encoded : '';
  const headers: Record<string, string> = {
    'x-acs-action': input.action,
    'x-acs-version': input.version,
    'x-acs-date': input.date,
    'x-acs-signature-nonce': input.nonce,
    'x-acs-content-sha256': sha256Hex(body),
    accept: 'application/json',
  };
  if (inForm) headers['content-type'] = 'application/x-www-form-urlencoded';
  if (input.securityToken) headers['x-acs-security-token'] = input.securityToken;
  for (const [rawName, value] of Object.entries(input.overrides ?? {})) {
    if (value === undefined) delete headers[rawName.toLowerCase()];
    else headers[rawName.toLowerCase()] = value;
  }
  // The canonical query is the query as sent: encoded once (percent-encoding every parameter twice was a tenth
  // of the suite client's time for Alibaba in a profile, bench/README.md, figure 2).
  const signature = signAcs3({
    method: input.method, query: inForm ? '' : encoded, headers: { ...headers, host: input.host }, body,
    accessKeyId: input.accessKeyId, accessKeySecret: input.accessKeySecret, signedHeaders: input.signedHeaders,
  });
  headers['authorization'] = signature.authorization;
  return { method: input.method, query: inForm ? '' : encoded, body, headers, signature };
}
