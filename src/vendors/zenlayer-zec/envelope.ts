import { fieldText, type CallResult, type ProtocolFinding, type Transcript } from '../../transport/call-result.ts';
import type { WireResponse } from '../../transport/http-transport.ts';

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Records a requestId: a finding when it is missing or does not match the spec's pattern. */
function checkRequestId(value: unknown, where: string, pattern: RegExp, findings: ProtocolFinding[]): string | undefined {
  if (typeof value !== 'string' || value === '') {
    findings.push({ kind: 'missing-request-id', detail: `\`${where}\` is missing` });
    return undefined;
  }
  if (!pattern.test(value)) findings.push({ kind: 'malformed-request-id', detail: `${where} '${value}' does not match ${pattern}` });
  return value;
}

/**
 * Decodes a Zenlayer Cloud API 2.0 response (../shared/reference/alibaba-ecs-and-zenlayer-zec.md §B2):
 * - success: HTTP 200 `{requestId, response: {requestId, ...fields}}`, the same requestId at both levels;
 * - failure: a non-200 status (4xx illegal parameters / operation not allowed, 5xx system error) with
 *   `{requestId, code, message}` — unlike Tencent, errors do NOT come with HTTP 200.
 *
 * The body's shape decides success or failure (`response` object vs `code`); when a body has both, the
 * status decides. A status that contradicts the shape is an `error-status-mismatch` finding. Anything
 * unreadable becomes a finding; this function never throws.
 * `requestIdPattern` comes from the spec's x-envelope.requestIdPattern (`T` + uppercase UUID, §B2).
 */
export function decodeZenlayerResponse(action: string, response: WireResponse, transcript: Transcript, requestIdPattern: RegExp): CallResult {
  const findings: ProtocolFinding[] = [];
  const status = response.status;
  const result: CallResult = {
    action, httpStatus: status, requestId: undefined, ok: false, data: undefined, error: undefined,
    body: undefined, findings, transcript, durationMs: response.durationMs,
  };
  const contentType = response.headers?.['content-type'] ?? '';
  if (!/^application\/json\b/i.test(contentType)) {
    findings.push({ kind: 'wrong-content-type', detail: `content-type is '${contentType}', expected application/json` });
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(response.body ?? []).toString('utf8'));
  } catch {
    findings.push({ kind: 'non-json-body', detail: `the body is not JSON (${response.body?.length ?? 0} bytes, HTTP ${status})` });
    return result;
  }
  result.body = body;
  if (!isObject(body)) {
    findings.push({ kind: 'no-envelope', detail: 'the body is not a JSON object' });
    return result;
  }
  const inner = body['response'];
  const hasResponse = isObject(inner);
  const hasCode = body['code'] !== undefined && body['code'] !== null;
  if (!hasResponse && !hasCode) {
    findings.push({ kind: 'no-envelope', detail: 'the body has neither a `response` object nor an error `code`' });
    return result;
  }
  result.requestId = checkRequestId(body['requestId'], 'requestId', requestIdPattern, findings);

  if (!hasResponse || (hasCode && status !== 200)) {
    result.error = { code: fieldText(body['code']), message: fieldText(body['message']) };
    // §B2: failures travel with a non-200 status; the SDKs only parse `code` when status ≠ 200.
    if (status === 200) {
      findings.push({ kind: 'error-status-mismatch', detail: `error ${result.error.code} came with HTTP 200; Zenlayer answers errors with 4xx/5xx` });
    }
    return result;
  }

  // §B2: the requestId is repeated inside `response`; a missing or different inner one is a finding.
  const envelope = inner as JsonObject;
  const innerId = envelope['requestId'];
  if (typeof innerId !== 'string' || innerId === '') {
    findings.push({ kind: 'missing-request-id', detail: '`response.requestId` is missing or not a string' });
  } else if (result.requestId === undefined) {
    result.requestId = checkRequestId(innerId, 'response.requestId', requestIdPattern, findings);
  } else if (innerId !== result.requestId) {
    findings.push({ kind: 'malformed-request-id', detail: `response.requestId '${innerId}' differs from requestId '${result.requestId}'` });
    checkRequestId(innerId, 'response.requestId', requestIdPattern, findings);
  }
  if (status !== 200) findings.push({ kind: 'error-status-mismatch', detail: `success came with HTTP ${status}; Zenlayer answers success with 200` });
  const { requestId: _id, ...data } = envelope;
  result.ok = true;
  result.data = data;
  return result;
}
