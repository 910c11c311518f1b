import type { ArrivedRequest } from '../tencent-cbs/tc3.verifier.ts';
import { verifyAcs3 } from './acs3.verifier.ts';
import type { AlibabaVerdict, VerifyOptions } from './auth-errors.ts';
import { verifyRpcV2 } from './rpc-v2.verifier.ts';

/**
 * Verifies a request under whichever signature it carries, as the gateway accepts both: an `Authorization:
 * ACS3-…` header means V3, anything else is taken as V2 (whose `Signature` parameter, when missing, is
 * reported as 400 MissingParameter). ../shared/reference/alibaba-ecs-and-zenlayer-zec.md §C.1.
 */
export function verifyAlibabaRequest(request: ArrivedRequest, options: VerifyOptions): AlibabaVerdict {
  const authorization = request.headers['authorization']?.trim() ?? '';
  return authorization.startsWith('ACS3-') ? verifyAcs3(request, options) : verifyRpcV2(request, options);
}
