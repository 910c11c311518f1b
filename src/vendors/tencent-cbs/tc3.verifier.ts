import { signaturesEqual } from '../../transport/digest.ts';
import { signTc3, tc3Date, TC3_ALGORITHM, UNSIGNED_PAYLOAD } from './tc3.signer.ts';

/** A request as it arrived, for signature verification. */
export interface ArrivedRequest {
  method: string;
  /** Header values by lower-case name. */
  headers: Record<string, string | undefined>;
  /** The raw query string without `?`. */
  query: string;
  body: Uint8Array;
}

/** The outcome of verifying a signature (TC3 or v1): the caller's SecretId, or the documented auth error code. */
export type SignatureVerdict =
  | { ok: true; secretId: string }
  | { ok: false; code: string; message: string };

/** The outcome of verifying a TC3 signature. */
export type Tc3Verdict = SignatureVerdict;

/** What the verifier needs to know about the service. */
export interface Tc3VerifyOptions {
  /** The secret key of a SecretId, or undefined when the key does not exist. */
  secretOf(secretId: string): string | undefined;
  /** Now, in unix seconds. */
  now: number;
  /** Allowed |now - X-TC-Timestamp|; the doc says five minutes. */
  skewSeconds: number;
}

const AUTHORIZATION = /^(\S+) Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/([^/]+)\/tc3_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

/**
 * Verifies a TC3-HMAC-SHA256 request as the service does, honouring whatever `SignedHeaders` lists
 * (`content-type;host` from the SDKs, `content-type;host;x-tc-action` from the current doc), signing the
 * Host without its port (the SDKs sign the hostname only; ../shared/reference/tencent-cbs.md §4.2) and
 * taking the service from the credential scope (an SDK pointed at 127.0.0.1 signs `…/127/tc3_request`), and
 * leaving the body out where `X-TC-Content-SHA256: UNSIGNED-PAYLOAD` says the client did (the SDKs'
 * unsigned-payload option: the hashed payload is sha256("UNSIGNED-PAYLOAD"), reference §1.1).
 * Error codes: CBS common error codes, https://www.tencentcloud.com/document/api/362/32171.
 */
export function verifyTc3(request: ArrivedRequest, options: Tc3VerifyOptions): Tc3Verdict {
  const header = request.headers['authorization'];
  if (!header) return { ok: false, code: 'AuthFailure.InvalidAuthorization', message: 'The Authorization header is missing.' };
  const match = AUTHORIZATION.exec(header.trim());
  if (!match || match[1] !== TC3_ALGORITHM) {
    return { ok: false, code: 'AuthFailure.InvalidAuthorization', message: 'The Authorization header is not a valid TC3-HMAC-SHA256 authorization.' };
  }
  const [, , secretId, scopeDate, service, signedHeaderList, signature] = match as unknown as [string, string, string, string, string, string, string];
  const timestampText = request.headers['x-tc-timestamp'] ?? '';
  if (!/^\d{1,12}$/.test(timestampText)) {
    return { ok: false, code: 'MissingParameter', message: 'The request is missing a valid X-TC-Timestamp header.' };
  }
  const timestamp = Number(timestampText);
  if (Math.abs(options.now - timestamp) > options.skewSeconds) {
    return { ok: false, code: 'AuthFailure.SignatureExpire', message: 'Signature expired. Timestamp and server time cannot differ by more than five minutes.' };
  }
  const signedHeaders = signedHeaderList.split(';');
  if (!signedHeaders.includes('content-type') || !signedHeaders.includes('host')) {
    return { ok: false, code: 'AuthFailure.InvalidAuthorization', message: 'SignedHeaders must include content-type and host.' };
  }
  const secretKey = options.secretOf(secretId);
  if (secretKey === undefined) {
    return { ok: false, code: 'AuthFailure.SecretIdNotFound', message: 'The SecretId is not found, please ensure that your SecretId is correct.' };
  }
  const failure: Tc3Verdict = { ok: false, code: 'AuthFailure.SignatureFailure', message: 'The provided credentials could not be validated. Please check your signature is correct.' };
  // The doc: the scope date must be the UTC date of X-TC-Timestamp.
  if (scopeDate !== tc3Date(timestamp)) return failure;
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const value = request.headers[name];
    if (value === undefined) return failure;
    headers[name] = value;
  }
  const method = request.method.toUpperCase();
  if (method !== 'GET' && method !== 'POST') return { ok: false, code: 'UnsupportedProtocol', message: 'Only GET and POST are supported.' };
  const expected = signTc3({
    method,
    host: (request.headers['host'] ?? '').replace(/:\d+$/, ''),
    query: request.query,
    headers,
    body: request.body,
    timestamp,
    service,
    secretId,
    secretKey,
    signedHeaders,
    unsignedPayload: request.headers['x-tc-content-sha256']?.trim() === UNSIGNED_PAYLOAD,
  });
  return signaturesEqual(expected.signature, signature) ? { ok: true, secretId } : failure;
}
