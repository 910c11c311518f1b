import { hmacSha256, sha256Hex } from '../../transport/digest.ts';

/**
 * Zenlayer Cloud API 2.0 signature, ZC2-HMAC-SHA256.
 * Source: "Signature Algorithm v2" https://docs.console.zenlayer.com/api-reference/api-introduction/instruction/sign
 * and the Go/Python/Java SDKs (../shared/reference/alibaba-ecs-and-zenlayer-zec.md §B1).
 *
 * Modelled on TC3 but simpler (§B1): no credential scope, no date or service, no derived key — the raw
 * AccessKeyPassword is the HMAC key. Only `content-type` and `host` are signed; X-ZC-Action, X-ZC-Version and
 * the path are not, and the timestamp enters only through the StringToSign.
 */
export const ZC2_ALGORITHM = 'ZC2-HMAC-SHA256';

/** The signed-header list every SDK hard-codes (§B1: "every SDK hard-codes `content-type;host`"). */
export const ZC2_SIGNED_HEADERS = 'content-type;host';

/** What ZC2 signs. */
export interface Zc2Input {
  /**
   * The Content-Type exactly as sent: §B1, the signed value is whatever the client sends
   * (`application/json` from Go and Python, `application/json; charset=utf-8` from Java).
   */
  contentType: string;
  /**
   * The Host as sent, WITH any port: §B1, the SDKs sign the configured domain (Python signed `127.0.0.1:18081`).
   * This differs from TC3, whose SDKs sign the hostname only.
   */
  host: string;
  /** The body bytes exactly as sent: §B1, hashed raw, never re-serialized (Python's json.dumps adds spaces). */
  body: string | Uint8Array;
  /** Unix seconds, as carried by X-ZC-Timestamp (a string is signed verbatim). */
  timestamp: number | string;
  accessKeyId: string;
  /** The raw secret; §B1: "key = AccessKeyPassword (raw secret)". */
  accessKeyPassword: string;
}

/** A ZC2 signature with its intermediate strings (for transcripts and verifier diagnostics). */
export interface Zc2Signature {
  authorization: string;
  signature: string;
  canonicalRequest: string;
  stringToSign: string;
}

/**
 * The ZC2 CanonicalRequest. Method, URI and query are fixed (§B1: CanonicalURI is ALWAYS "/", not
 * /api/v2/zec, and the query string is empty for POST); header values are lower-cased and trimmed (§B1:
 * "header keys and values are lowercased and trimmed"); the canonical headers end in "\n" and are then
 * joined with "\n", hence the empty line.
 */
export function zc2CanonicalRequest(contentType: string, host: string, body: string | Uint8Array): string {
  return 'POST\n/\n\n'
    + `content-type:${contentType.trim().toLowerCase()}\n`
    + `host:${host.trim().toLowerCase()}\n`
    + '\n'
    + `${ZC2_SIGNED_HEADERS}\n`
    + sha256Hex(body);
}

/** The ZC2 StringToSign: algorithm, timestamp and the hex SHA-256 of the CanonicalRequest (§B1). */
export function zc2StringToSign(timestamp: number | string, canonicalRequest: string): string {
  return `${ZC2_ALGORITHM}\n${timestamp}\n${sha256Hex(canonicalRequest)}`;
}

/**
 * Signs a request with ZC2-HMAC-SHA256. The Authorization separators are comma + space (§B1, unlike Alibaba).
 */
export function signZc2(input: Zc2Input): Zc2Signature {
  const canonicalRequest = zc2CanonicalRequest(input.contentType, input.host, input.body);
  const stringToSign = zc2StringToSign(input.timestamp, canonicalRequest);
  const signature = hmacSha256(input.accessKeyPassword, stringToSign).toString('hex');
  return {
    signature,
    canonicalRequest,
    stringToSign,
    authorization: `${ZC2_ALGORITHM} Credential=${input.accessKeyId}, SignedHeaders=${ZC2_SIGNED_HEADERS}, Signature=${signature}`,
  };
}
