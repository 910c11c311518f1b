import { signaturesEqual } from '../../transport/digest.ts';
import type { ArrivedRequest, SignatureVerdict, Tc3VerifyOptions } from './tc3.verifier.ts';
import { signV1, v1Hmac, V1_COMMON_PARAMS } from './v1.signer.ts';

/** What the v1 verifier needs to know about the service: the same as for TC3. */
export type V1VerifyOptions = Tc3VerifyOptions;

/** The common v1 parameters of an accepted request, for the emulator to dispatch on. */
export interface V1Common {
  action?: string;
  region?: string;
  version?: string;
  /** STS token (`Token`), the v1 counterpart of `X-TC-Token`. */
  token?: string;
  language?: string;
  timestamp: number;
  nonce: number;
  signatureMethod: 'HmacSHA1' | 'HmacSHA256';
}

/**
 * The outcome of verifying a v1 request: a {@link SignatureVerdict}; when it is ok, also the common
 * parameters and the business parameters as decoded flat pairs (`Tags.0.Key`), ready for `unflattenParams`.
 */
export type V1Verdict =
  | (Extract<SignatureVerdict, { ok: true }> & { common: V1Common; params: Array<[string, string]> })
  | Extract<SignatureVerdict, { ok: false }>;

type Failure = Extract<SignatureVerdict, { ok: false }>;

const fail = (code: string, message: string): Failure => ({ ok: false, code, message });

const FORM = 'application/x-www-form-urlencoded';

/**
 * The decoded parameters of a v1 request: from the query for GET, from the form body for POST (§1.3 step 6;
 * the SDK puts everything in one or the other, §4.2 gotcha 6). A POST's query is ignored: nothing there is signed.
 */
function arrivedParams(request: ArrivedRequest): Array<[string, string]> | Failure {
  const method = request.method.toUpperCase();
  if (method === 'GET') return [...new URLSearchParams(request.query)];
  if (method !== 'POST') return fail('UnsupportedProtocol', 'Only GET and POST are supported.');
  const mediaType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  // [INF] The code for a v1 POST that is not a form is not documented.
  if (mediaType !== FORM) return fail('UnsupportedProtocol', `A v1 POST request must carry an ${FORM} body.`);
  return [...new URLSearchParams(Buffer.from(request.body).toString('utf8'))];
}

/**
 * Verifies a Tencent signature v1 request (HmacSHA1, or HmacSHA256 when `SignatureMethod=HmacSHA256`) as the
 * service does:
 * - `Signature`, `SecretId`, `Timestamp` and `Nonce` are required (`MissingParameter`). `Nonce` may be any
 *   non-negative integer: the doc says "positive", but the Node SDK draws `Math.round(Math.random()*65535)`,
 *   which can be 0 (§4.2 gotcha 6).
 * - |now − Timestamp| beyond `skewSeconds` is `AuthFailure.SignatureExpire`; an unknown SecretId is
 *   `AuthFailure.SecretIdNotFound`; a mismatch is `AuthFailure.SignatureFailure` (§1.3 error table).
 * - The host is signed as the Host header arrived, port included, since the Node SDK signs its endpoint
 *   verbatim (`127.0.0.1:36369`, §4.2 gotcha 6); the bare hostname, as in the doc's example (§1.3), is
 *   accepted too.
 */
export function verifyV1(request: ArrivedRequest, options: V1VerifyOptions): V1Verdict {
  const pairs = arrivedParams(request);
  if (!Array.isArray(pairs)) return pairs;
  const common = new Map<string, string>();
  const params: Array<[string, string]> = [];
  for (const [name, value] of pairs) {
    if (!V1_COMMON_PARAMS.has(name)) params.push([name, value]);
    // [INF] Undocumented: a repeated common parameter (two Signatures, two Timestamps) is ambiguous, so refuse it.
    else if (common.has(name)) return fail('InvalidParameter', `The parameter \`${name}\` is given more than once.`);
    else common.set(name, value);
  }
  for (const name of ['Signature', 'SecretId', 'Timestamp', 'Nonce']) {
    if (!common.get(name)) return fail('MissingParameter', `The request is missing the required parameter \`${name}\`.`);
  }
  const timestampText = common.get('Timestamp')!;
  if (!/^\d{1,12}$/.test(timestampText)) return fail('InvalidParameter', 'The parameter `Timestamp` must be unix seconds.');
  const nonceText = common.get('Nonce')!;
  if (!/^\d{1,15}$/.test(nonceText)) return fail('InvalidParameter', 'The parameter `Nonce` must be a non-negative integer.');
  const timestamp = Number(timestampText);
  if (Math.abs(options.now - timestamp) > options.skewSeconds) {
    return fail('AuthFailure.SignatureExpire', 'Signature expired. Timestamp and server time cannot differ by more than five minutes.');
  }
  const secretId = common.get('SecretId')!;
  const secretKey = options.secretOf(secretId);
  if (secretKey === undefined) {
    return fail('AuthFailure.SecretIdNotFound', 'The SecretId is not found, please ensure that your SecretId is correct.');
  }
  const method = request.method.toUpperCase() as 'GET' | 'POST';
  const host = request.headers['host'] ?? '';
  const hosts = new Set([host, host.replace(/:\d+$/, '')]);
  const given = common.get('Signature')!;
  // Every candidate is computed and compared, so the time taken does not tell which host form matched.
  let matched = false;
  for (const candidate of hosts) {
    const expected = signV1({ method, host: candidate, params: pairs, secretKey });
    matched = signaturesEqual(expected.signature, given) || matched;
  }
  if (!matched) {
    return fail('AuthFailure.SignatureFailure', 'The provided credentials could not be validated. Please check your signature is correct.');
  }
  return {
    ok: true,
    secretId,
    common: {
      action: common.get('Action'),
      region: common.get('Region'),
      version: common.get('Version'),
      token: common.get('Token'),
      language: common.get('Language'),
      timestamp,
      nonce: Number(nonceText),
      signatureMethod: v1Hmac(pairs),
    },
    params,
  };
}
