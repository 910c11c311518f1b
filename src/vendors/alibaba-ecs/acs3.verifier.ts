import { sha256Hex, signaturesEqual } from '../../transport/digest.ts';
import type { ArrivedRequest } from '../tencent-cbs/tc3.verifier.ts';
import { parseAcsTime } from './acs-time.ts';
import { ACS3_ALGORITHM, signAcs3 } from './acs3.signer.ts';
import { authFailure, DEFAULT_SKEW_SECONDS, type AlibabaVerdict, type VerifyOptions } from './auth-errors.ts';
import { arrivedParams, firstValues } from './request-params.ts';

const AUTHORIZATION = /^(\S+) Credential=([^,\s]+), ?SignedHeaders=([^,\s]*), ?Signature=([0-9a-fA-F]+)$/;

/**
 * Verifies an ACS3-HMAC-SHA256 ("V3") request as the gateway does
 * (../shared/reference/alibaba-ecs-and-zenlayer-zec.md §A1.3, §A1.5, §A2, §A4, §C.1):
 *
 * - `Authorization: ACS3-HMAC-SHA256 Credential=<id>,SignedHeaders=<h1;h2>,Signature=<hex>` (commas, the doc
 *   has no spaces; one space is tolerated). Another algorithm (the SDK also knows ACS3-HMAC-SM3 and
 *   ACS3-RSA-SHA256) or a malformed header gives 400 `IncompleteSignature`;
 * - whatever `SignedHeaders` lists is honoured (the SDK adds `x-acs-credentials-provider`, §A4 point 5), but
 *   `host` and every `x-acs-*` header present must be in it, and every listed header must be present
 *   ("every common header except Authorization must be signed when present", §A1.3): else
 *   `IncompleteSignature`. `host` is signed with its port (§A4 point 4);
 * - `x-acs-date` must be `yyyy-MM-ddTHH:mm:ssZ` (400 `IllegalTimestamp`, inferred: V3 has no code of its own)
 *   within the skew window (400 `InvalidTimeStamp.Expired`); `x-acs-signature-nonce` and
 *   `x-acs-content-sha256` must be present (400 `MissingParameter`);
 * - `x-acs-content-sha256` must equal the hex SHA-256 of the body, and the canonical request hashes the body
 *   as it arrived (a mismatch gives `SignatureDoesNotMatch`; the code is inferred);
 * - the query is decoded and re-encoded per RFC 3986, never signed raw (§A4 point 3: the SDK sends `*`);
 * - unknown key: 404 `InvalidAccessKeyId.NotFound`; wrong signature: 400 `SignatureDoesNotMatch` with the
 *   server's StringToSign; a nonce seen within the store's window: 400 `SignatureNonceUsed` (remembered only
 *   for correctly signed requests).
 *
 * Business parameters come from the query and from a form body (§A1.3: the doc allows formData).
 */
export function verifyAcs3(request: ArrivedRequest, options: VerifyOptions): AlibabaVerdict {
  const method = request.method.toUpperCase();
  if (method !== 'GET' && method !== 'POST') return authFailure('UnsupportedHTTPMethod');
  const match = AUTHORIZATION.exec((request.headers['authorization'] ?? '').trim());
  if (!match) return authFailure('IncompleteSignature', 'The Authorization header is missing or malformed.');
  const [, algorithm, accessKeyId, signedHeaderList, signature] = match as unknown as [string, string, string, string, string];
  if (algorithm !== ACS3_ALGORITHM) return authFailure('IncompleteSignature', `Unsupported signature algorithm ${algorithm}.`);

  const signedHeaders = signedHeaderList.toLowerCase().split(';');
  if (!signedHeaders.includes('host')) return authFailure('IncompleteSignature', 'SignedHeaders must include host.');
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const value = request.headers[name];
    if (value === undefined) return authFailure('IncompleteSignature', `The signed header ${name} is missing.`);
    headers[name] = value;
  }
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined && name.toLowerCase().startsWith('x-acs-') && !signedHeaders.includes(name.toLowerCase())) {
      return authFailure('IncompleteSignature', `The header ${name} must be signed.`);
    }
  }

  const dateText = request.headers['x-acs-date'];
  const date = dateText === undefined ? undefined : parseAcsTime(dateText.trim());
  if (date === undefined) return authFailure('IllegalTimestamp');
  if (Math.abs(options.now - date) > (options.skewSeconds ?? DEFAULT_SKEW_SECONDS)) return authFailure('InvalidTimeStamp.Expired');
  const nonce = request.headers['x-acs-signature-nonce'];
  if (nonce === undefined || nonce.trim() === '') return authFailure('MissingParameter', 'x-acs-signature-nonce');
  const contentSha256 = request.headers['x-acs-content-sha256'];
  if (contentSha256 === undefined) return authFailure('MissingParameter', 'x-acs-content-sha256');

  const secret = options.secretOf(accessKeyId);
  if (secret === undefined) return authFailure('InvalidAccessKeyId.NotFound');
  const { query, form } = arrivedParams(request);
  const expected = signAcs3({ method, query, headers, body: request.body, accessKeyId, accessKeySecret: secret, signedHeaders });
  if (contentSha256.trim().toLowerCase() !== sha256Hex(request.body)) return authFailure('SignatureDoesNotMatch', expected.stringToSign);
  if (!signaturesEqual(expected.signature, signature.toLowerCase())) return authFailure('SignatureDoesNotMatch', expected.stringToSign);
  if (!options.nonces.remember(accessKeyId, nonce.trim(), options.now)) return authFailure('SignatureNonceUsed');
  return {
    ok: true,
    scheme: ACS3_ALGORITHM,
    accessKeyId,
    params: firstValues([...query, ...form]),
    action: request.headers['x-acs-action']?.trim(),
    version: request.headers['x-acs-version']?.trim(),
    format: undefined,
    securityToken: request.headers['x-acs-security-token']?.trim(),
  };
}
