import { fieldText, type CallResult, type ProtocolFinding, type Transcript } from '../../transport/call-result.ts';
import type { WireResponse } from '../../transport/http-transport.ts';

/**
 * Decodes a Tencent API 3.0 response: `{"Response": {..., "RequestId"}}`, with `Response.Error` on
 * failure, always HTTP 200 (../shared/reference/tencent-cbs.md §2.1). Anything else becomes a finding.
 */
export function decodeTencentResponse(action: string, response: WireResponse, transcript: Transcript, requestIdPattern: RegExp): CallResult {
  const findings: ProtocolFinding[] = [];
  const contentType = response.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(contentType)) {
    findings.push({ kind: 'wrong-content-type', detail: `content-type is '${contentType}', expected application/json` });
  }
  const result: CallResult = {
    action, httpStatus: response.status, requestId: undefined, ok: false, data: undefined, error: undefined,
    body: undefined, findings, transcript, durationMs: response.durationMs,
  };
  let body: unknown;
  try {
    body = JSON.parse(response.body.toString('utf8'));
  } catch {
    findings.push({ kind: 'non-json-body', detail: `the body is not JSON (${response.body.length} bytes, HTTP ${response.status})` });
    return result;
  }
  result.body = body;
  const inner = (body as { Response?: unknown } | null)?.Response;
  if (inner === null || typeof inner !== 'object' || Array.isArray(inner)) {
    findings.push({ kind: 'no-envelope', detail: 'the body has no `Response` object' });
    return result;
  }
  const envelope = inner as Record<string, unknown>;
  const requestId = envelope['RequestId'];
  if (typeof requestId !== 'string' || requestId === '') {
    findings.push({ kind: 'missing-request-id', detail: '`Response.RequestId` is missing' });
  } else {
    result.requestId = requestId;
    if (!requestIdPattern.test(requestId)) findings.push({ kind: 'malformed-request-id', detail: `RequestId '${requestId}' does not match ${requestIdPattern}` });
  }
  const error = envelope['Error'];
  if (error !== undefined) {
    // Anything in `Error` means failure; a malformed one (null, a string) still must not crash the decoder.
    const fields = (error !== null && typeof error === 'object' ? error : {}) as { Code?: unknown; Message?: unknown };
    result.error = { code: fieldText(fields.Code), message: fieldText(fields.Message) };
    if (response.status !== 200) findings.push({ kind: 'error-status-mismatch', detail: `error ${result.error.code} came with HTTP ${response.status}; Tencent answers errors with HTTP 200` });
    return result;
  }
  if (response.status !== 200) findings.push({ kind: 'error-status-mismatch', detail: `success came with HTTP ${response.status}` });
  const { RequestId: _id, ...data } = envelope;
  result.ok = true;
  result.data = data;
  return result;
}
