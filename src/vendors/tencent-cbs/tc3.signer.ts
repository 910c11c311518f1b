import { hmacSha256, sha256Hex } from '../../transport/digest.ts';

/**
 * Tencent Cloud API 3.0 signature, TC3-HMAC-SHA256.
 * Source: "签名方法 v3" https://cloud.tencent.com/document/api/213/30654 (../shared/reference/tencent-cbs.md §1.1).
 */
export const TC3_ALGORITHM = 'TC3-HMAC-SHA256';

/** What TC3 signs. Header names are matched case-insensitively. */
export interface Tc3Input {
  method: 'GET' | 'POST';
  /** The host as signed: hostname without the port (the official SDKs sign `urlObj.hostname`). */
  host: string;
  /** The query string as sent, without `?` (`""` for POST). TC3 signs it as is. */
  query: string;
  /** Headers by lower-case name; must hold every signed header except `host`. */
  headers: Record<string, string>;
  /** The body bytes exactly as sent. */
  body: string | Uint8Array;
  /** Unix seconds; also the `X-TC-Timestamp` header. */
  timestamp: number;
  /** The product in the credential scope, e.g. `cbs`. */
  service: string;
  secretId: string;
  secretKey: string;
  /**
   * The headers to sign, lower-case. @defaultValue `['content-type', 'host']`, as the official SDKs do;
   * the current doc also signs `x-tc-action` and both are accepted by the service.
   */
  signedHeaders?: string[];
  /**
   * Leave the body out of the signature, as the official SDKs' `unsignedPayload` profile option does: the
   * hashed payload is `sha256("UNSIGNED-PAYLOAD")` and the request must carry `X-TC-Content-SHA256:
   * UNSIGNED-PAYLOAD` (tencentcloud-sdk-go `common/client.go`; ../shared/reference/tencent-cbs.md §1.1).
   * @defaultValue false
   */
  unsignedPayload?: boolean;
}

/** The `X-TC-Content-SHA256` value that says the body is not signed, and what is hashed in its place. */
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

/** A TC3 signature with its intermediate strings (for transcripts and for verifier diagnostics). */
export interface Tc3Signature {
  authorization: string;
  signature: string;
  canonicalRequest: string;
  stringToSign: string;
  credentialScope: string;
}

/** The UTC date (yyyy-mm-dd) of a unix timestamp: the doc requires UTC+0, not local time. */
export function tc3Date(timestamp: number): string {
  return new Date(timestamp * 1000).toISOString().slice(0, 10);
}

// Derived keys depend only on (secret, date, service): cache them so a run signs with one HMAC per request.
const derivedKeys = new Map<string, Buffer>();
const MAX_CACHED_KEYS = 64;

function signingKey(secretKey: string, date: string, service: string): Buffer {
  const cacheKey = `${date}\u0000${service}\u0000${secretKey}`;
  let key = derivedKeys.get(cacheKey);
  if (!key) {
    const secretDate = hmacSha256('TC3' + secretKey, date);
    const secretService = hmacSha256(secretDate, service);
    key = hmacSha256(secretService, 'tc3_request');
    if (derivedKeys.size >= MAX_CACHED_KEYS) derivedKeys.delete(derivedKeys.keys().next().value as string);
    derivedKeys.set(cacheKey, key);
  }
  return key;
}

/** Signs a request with TC3-HMAC-SHA256. */
export function signTc3(input: Tc3Input): Tc3Signature {
  const signedHeaders = [...(input.signedHeaders ?? ['content-type', 'host'])].map((h) => h.toLowerCase()).sort();
  const canonicalHeaders = signedHeaders
    .map((name) => {
      const value = name === 'host' ? input.host : input.headers[name];
      if (value === undefined) throw new Error(`TC3: signed header '${name}' is missing`);
      // The doc: header values are lower-cased and trimmed (x-tc-action:describeinstances).
      return `${name}:${value.trim().toLowerCase()}\n`;
    })
    .join('');
  const canonicalRequest = [
    input.method, '/', input.query, canonicalHeaders, signedHeaders.join(';'), sha256Hex(input.unsignedPayload ? UNSIGNED_PAYLOAD : input.body),
  ].join('\n');
  const date = tc3Date(input.timestamp);
  const credentialScope = `${date}/${input.service}/tc3_request`;
  const stringToSign = `${TC3_ALGORITHM}\n${input.timestamp}\n${credentialScope}\n${sha256Hex(canonicalRequest)}`;
  const signature = hmacSha256(signingKey(input.secretKey, date, input.service), stringToSign).toString('hex');
  return {
    signature,
    canonicalRequest,
    stringToSign,
    credentialScope,
    authorization: `${TC3_ALGORITHM} Credential=${input.secretId}/${credentialScope}, SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}`,
  };
}
