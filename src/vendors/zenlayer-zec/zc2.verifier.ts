import { signaturesEqual } from '../../transport/digest.ts';
import type { ErrorEntry, VendorError } from '../../spec/spec-types.ts';
import type { ArrivedRequest } from '../tencent-cbs/tc3.verifier.ts';
import { signZc2, ZC2_ALGORITHM, ZC2_SIGNED_HEADERS } from './zc2.signer.ts';

/** The outcome of verifying a request: the caller's AccessKeyId, or the error the service answers with. */
export type Zc2Verdict =
  | { ok: true; accessKeyId: string }
  | { ok: false; code: string; status: number; message: string };

/**
 * The errors the verifier answers with. Zenlayer's common error-code page was not found
 * (../shared/reference/alibaba-ecs-and-zenlayer-zec.md §B2 "Not found", §D), so every one of these is an
 * emulator invention recorded in specs/zenlayer-zec.yaml x-common-errors; read them from there with
 * {@link zc2AuthErrorsFromSpec} rather than writing codes or statuses here.
 */
export interface Zc2AuthErrors {
  /** Bad or malformed signature, wrong algorithm, wrong SignedHeaders. */
  signatureInvalid: VendorError;
  /** Unknown AccessKeyId, unknown Bearer token. */
  accessKeyInvalid: VendorError;
  /** X-ZC-Timestamp outside the accepted window. */
  timestampExpired: VendorError;
  /** No usable X-ZC-Timestamp. */
  missingParameter: VendorError;
}

/** The x-common-errors codes behind each {@link Zc2AuthErrors} slot (all `inferred: true` in the spec). */
export const ZC2_AUTH_ERROR_CODES: Readonly<Record<keyof Zc2AuthErrors, string>> = {
  signatureInvalid: 'AUTH_FAILURE_SIGNATURE_INVALID',
  accessKeyInvalid: 'AUTH_FAILURE_ACCESS_KEY_INVALID',
  timestampExpired: 'AUTH_FAILURE_TIMESTAMP_EXPIRED',
  missingParameter: 'MISSING_PARAMETER',
};

/**
 * Reads the auth errors (code and status) from a spec's x-common-errors; a `VendorSpec` fits.
 * @throws Error when the spec lacks one of {@link ZC2_AUTH_ERROR_CODES} (a spec/programming error).
 */
export function zc2AuthErrorsFromSpec(spec: { readonly commonErrors: readonly ErrorEntry[] }): Zc2AuthErrors {
  const pick = (slot: keyof Zc2AuthErrors): VendorError => {
    const code = ZC2_AUTH_ERROR_CODES[slot];
    const entry = spec.commonErrors.find((e) => e.code === code);
    if (!entry) throw new Error(`the Zenlayer spec has no x-common-errors entry ${code}`);
    return { code: entry.code, status: entry.status, ...(entry.inferred ? { inferred: true } : {}) };
  };
  return {
    signatureInvalid: pick('signatureInvalid'),
    accessKeyInvalid: pick('accessKeyInvalid'),
    timestampExpired: pick('timestampExpired'),
    missingParameter: pick('missingParameter'),
  };
}

/**
 * Accepted |now − X-ZC-Timestamp| when the caller gives none: 300 s. OUR CHOICE, not Zenlayer's: no
 * tolerance is documented for ZC2 (§B1 "no clock-skew tolerance is documented (TC3 uses 5 minutes; unknown
 * for ZC2)", §D); five minutes copies TC3, on which ZC2 is modelled. The spec omits clockSkewSeconds on purpose.
 */
export const ZC2_DEFAULT_SKEW_SECONDS = 300;

/** What the verifier needs to know about the service. */
export interface Zc2VerifyOptions {
  /** The AccessKeyPassword of an AccessKeyId, or undefined when the key does not exist. */
  passwordOf(accessKeyId: string): string | undefined;
  /** Now, in unix seconds. */
  now: number;
  /** Allowed |now − X-ZC-Timestamp|. @defaultValue {@link ZC2_DEFAULT_SKEW_SECONDS} */
  skewSeconds?: number;
  /** Codes and statuses to answer with; normally `zc2AuthErrorsFromSpec(spec)`. */
  errors: Zc2AuthErrors;
  /**
   * The AccessKeyId (account) owning a personal access token, or undefined when unknown. Without it,
   * `Authorization: Bearer …` is refused. §B1: all three SDKs can send a Bearer token with no signature headers.
   */
  tokenOwner?(token: string): string | undefined;
}

// §B1: comma + space separators. One optional space is tolerated; the credential is the bare AccessKeyId (no scope).
const AUTHORIZATION = /^(\S+) Credential=([^,\s]+), ?SignedHeaders=([^,\s]+), ?Signature=(\S+)$/;
const BEARER = /^Bearer\s+(\S+)$/i;

function refuse(error: VendorError, message: string): Zc2Verdict {
  return { ok: false, code: error.code, status: error.status, message };
}

/**
 * Verifies a ZC2-HMAC-SHA256 request as the service is documented to. Deliberately:
 * - the signed host is the Host header as sent, WITH its port (§B1: Python signs `127.0.0.1:18081`);
 * - the body is hashed as the raw bytes that arrived, never re-serialized (§B1: Python's json.dumps adds spaces);
 * - the content-type is the one sent, charset and all (§B1: Java signs `application/json; charset=utf-8`);
 * - SignedHeaders must be exactly `content-type;host` (every SDK hard-codes it, §B1; reference §C.4);
 * - there is NO nonce and NO replay cache: the Python SDK's rate-limit retry resends the identical signed
 *   request (same timestamp and signature, §B1 and captures #3–#4), so an exact replay within the window verifies;
 * - method, path and query are not checked: they are not signed (§B1: CanonicalURI is always "/").
 */
export function verifyZc2(request: ArrivedRequest, options: Zc2VerifyOptions): Zc2Verdict {
  const { errors } = options;
  const header = request.headers['authorization']?.trim();
  if (!header) return refuse(errors.signatureInvalid, 'The Authorization header is missing.');

  const bearer = BEARER.exec(header);
  if (bearer) {
    if (!options.tokenOwner) return refuse(errors.accessKeyInvalid, 'Bearer token authentication is not accepted here.');
    const owner = options.tokenOwner(bearer[1]!);
    return owner === undefined ? refuse(errors.accessKeyInvalid, 'The access token is invalid.') : { ok: true, accessKeyId: owner };
  }

  const match = AUTHORIZATION.exec(header);
  if (!match || match[1] !== ZC2_ALGORITHM) {
    return refuse(errors.signatureInvalid, 'The Authorization header is not a valid ZC2-HMAC-SHA256 authorization.');
  }
  const [, , accessKeyId, signedHeaders, signature] = match as unknown as [string, string, string, string, string];
  if (signedHeaders !== ZC2_SIGNED_HEADERS) {
    return refuse(errors.signatureInvalid, `SignedHeaders must be ${ZC2_SIGNED_HEADERS}.`);
  }
  // §B1 table: X-ZC-Signature-Method is `ZC2-HMAC-SHA256`. The older GitBook copy's `ZC2-HMAC_SHA256`
  // (underscore) is refused: the reference says to ignore that copy.
  const method = request.headers['x-zc-signature-method'];
  if (method !== undefined && method.trim() !== ZC2_ALGORITHM) {
    return refuse(errors.signatureInvalid, `X-ZC-Signature-Method must be ${ZC2_ALGORITHM}.`);
  }

  const timestampText = request.headers['x-zc-timestamp']?.trim() ?? '';
  if (!/^\d{1,12}$/.test(timestampText)) {
    return refuse(errors.missingParameter, 'The request is missing a valid X-ZC-Timestamp header.');
  }
  const skew = options.skewSeconds ?? ZC2_DEFAULT_SKEW_SECONDS;
  if (Math.abs(options.now - Number(timestampText)) > skew) {
    return refuse(errors.timestampExpired, `X-ZC-Timestamp differs from the server time by more than ${skew} seconds.`);
  }

  const password = options.passwordOf(accessKeyId);
  if (password === undefined) return refuse(errors.accessKeyInvalid, 'The AccessKeyId does not exist.');

  const expected = signZc2({
    contentType: request.headers['content-type'] ?? '',
    host: request.headers['host'] ?? '',
    body: request.body,
    // Signed verbatim, as the client put it in the StringToSign.
    timestamp: timestampText,
    accessKeyId,
    accessKeyPassword: password,
  });
  return signaturesEqual(expected.signature, signature)
    ? { ok: true, accessKeyId }
    : refuse(errors.signatureInvalid, 'The request signature does not match.');
}
