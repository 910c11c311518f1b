import { signaturesEqual } from '../../transport/digest.ts';
import type { ArrivedRequest } from '../tencent-cbs/tc3.verifier.ts';
import { parseAcsTime } from './acs-time.ts';
import { authFailure, DEFAULT_SKEW_SECONDS, type AlibabaVerdict, type VerifyOptions } from './auth-errors.ts';
import { arrivedParams, firstValues } from './request-params.ts';
import { signRpcV2, V2_SIGNATURE_METHOD, V2_SIGNATURE_VERSION } from './rpc-v2.signer.ts';

/**
 * The V2 common parameters (§A1.1 table), removed from the business parameters of a verdict. `RegionId` is
 * not one of them: it is an operation parameter (required by DescribeSnapshots, absent from CreateSnapshot).
 */
export const V2_COMMON_PARAMETERS: ReadonlySet<string> = new Set([
  'Action', 'Version', 'Format', 'AccessKeyId', 'SignatureMethod', 'SignatureVersion', 'SignatureNonce',
  'Timestamp', 'Signature', 'SecurityToken',
]);

const REQUIRED = ['AccessKeyId', 'SignatureMethod', 'SignatureVersion', 'SignatureNonce'] as const;

/**
 * Verifies an RPC V2 (HMAC-SHA1) request as the gateway does
 * (../shared/reference/alibaba-ecs-and-zenlayer-zec.md §A1.1, §A1.5, §A2, §C.1):
 *
 * - parameters come from the query and from a form body (pop-core POSTs them as a form; openapi-core puts
 *   them in the query of a POST with an empty body, §A4); they are decoded and re-encoded per RFC 3986
 *   before signing, since the SDK sends `*` unescaped (§A4 point 3);
 * - `SignatureMethod` must be `HMAC-SHA1` and `SignatureVersion` `1.0` (400 `InvalidParamater`, sic);
 * - `Timestamp` must be `yyyy-MM-ddTHH:mm:ssZ` (400 `IllegalTimestamp`) within the skew window
 *   (400 `InvalidTimeStamp.Expired`);
 * - an unknown AccessKeyId gives 404 `InvalidAccessKeyId.NotFound`; a wrong signature 400
 *   `SignatureDoesNotMatch` whose message ends with `server string to sign is:<StringToSign>`;
 * - a nonce seen again within the store's window gives 400 `SignatureNonceUsed`. Nonces are remembered only
 *   for correctly signed requests, so a forged request cannot burn a caller's nonce.
 */
export function verifyRpcV2(request: ArrivedRequest, options: VerifyOptions): AlibabaVerdict {
  const method = request.method.toUpperCase();
  if (method !== 'GET' && method !== 'POST') return authFailure('UnsupportedHTTPMethod');
  const { query, form } = arrivedParams(request);
  const all = [...query, ...form];
  const common = firstValues(all.filter(([name]) => V2_COMMON_PARAMETERS.has(name)));
  const signature = common['Signature'];
  if (signature === undefined) return authFailure('MissingParameter', 'Signature');
  for (const name of REQUIRED) if (common[name] === undefined) return authFailure('MissingParameter', name);
  if (common['SignatureMethod'] !== V2_SIGNATURE_METHOD) return authFailure('InvalidParamater', `SignatureMethod must be ${V2_SIGNATURE_METHOD}.`);
  if (common['SignatureVersion'] !== V2_SIGNATURE_VERSION) return authFailure('InvalidParamater', `SignatureVersion must be ${V2_SIGNATURE_VERSION}.`);
  const timestampText = common['Timestamp'];
  const timestamp = timestampText === undefined ? undefined : parseAcsTime(timestampText);
  if (timestamp === undefined) return authFailure('IllegalTimestamp');
  if (Math.abs(options.now - timestamp) > (options.skewSeconds ?? DEFAULT_SKEW_SECONDS)) return authFailure('InvalidTimeStamp.Expired');
  const accessKeyId = common['AccessKeyId'] as string;
  const secret = options.secretOf(accessKeyId);
  if (secret === undefined) return authFailure('InvalidAccessKeyId.NotFound');
  const expected = signRpcV2(method, all, secret);
  if (!signaturesEqual(expected.signature, signature)) return authFailure('SignatureDoesNotMatch', expected.stringToSign);
  if (!options.nonces.remember(accessKeyId, common['SignatureNonce'] as string, options.now)) return authFailure('SignatureNonceUsed');
  return {
    ok: true,
    scheme: 'HMAC-SHA1',
    accessKeyId,
    params: firstValues(all, V2_COMMON_PARAMETERS),
    action: common['Action'],
    version: common['Version'],
    format: common['Format'],
    securityToken: common['SecurityToken'],
  };
}
