import { fieldText, type CallResult, type ProtocolFinding, type Transcript } from '../../transport/call-result.ts';
import type { WireResponse } from '../../transport/http-transport.ts';
import { parseXml, type XmlValue } from './xml.ts';

/**
 * Decoding of Alibaba RPC responses (../shared/reference/alibaba-ecs-and-zenlayer-zec.md §A2):
 * success is HTTP 2xx with `{RequestId, …action fields}`; an error is the documented 4xx/5xx status with
 * `{RequestId, HostId, Code, Message}` (+ `Recommend` on newer answers), or the same as
 * `<Error><RequestId>…</RequestId>…</Error>` XML. With `Format=XML` (the V2 default) a success is XML rooted
 * at `<{Action}Response>`.
 */

/** What the request asked for: V3 sends `accept: application/json`, the client's V2 sends `Format=JSON` or `Format=XML`. */
export interface AlibabaDecodeOptions {
  /** @defaultValue 'json' */
  expect?: 'json' | 'xml';
  /**
   * Reads a successful XML answer (its root's value) as the documented JSON, for the schema checks (the
   * client's is {@link shapeXml} with the action's success schema); as parsed when not given.
   */
  shapeXml?: (value: XmlValue) => unknown;
}

const JSON_TYPE = /^application\/(?:[\w.+-]*\+)?json\b/i;
const XML_TYPE = /^(?:text|application)\/(?:[\w.+-]*\+)?xml\b/i;

/**
 * `Code` values that mean success: pop-core treats a body whose Code is one of these as a success whatever
 * the status (§A4, "How errors surface"); ECS answers carry no Code on success at all.
 */
const SUCCESS_CODES = new Set(['200', 'OK', 'Success', 'success']);

/**
 * Decodes a response into a {@link CallResult}, as decodeTencentResponse does for Tencent. Findings:
 * `wrong-content-type` when the content type is not the format asked for (so an XML error answering a JSON
 * request is decoded and flagged); `non-json-body` when the body is neither JSON nor XML, or is XML labelled
 * JSON; `non-xml-body` when XML was asked for and the body is JSON; `no-envelope` when the body is not an
 * object, an error lacks `HostId`/`Message`, or an XML answer's root is not `<Error>` (an error) or
 * `<{Action}Response>` (a success);
 * `missing-request-id` / `malformed-request-id` (against x-envelope.requestIdPattern); and
 * `error-status-mismatch` for an error with a status outside 4xx/5xx or a success outside 2xx.
 * Never throws.
 */
export function decodeAlibabaResponse(
  action: string, response: WireResponse, transcript: Transcript, requestIdPattern: RegExp, options: AlibabaDecodeOptions = {},
): CallResult {
  const findings: ProtocolFinding[] = [];
  const expect = options.expect ?? 'json';
  const contentType = response.headers['content-type'] ?? '';
  if (!(expect === 'json' ? JSON_TYPE : XML_TYPE).test(contentType)) {
    findings.push({ kind: 'wrong-content-type', detail: `content-type is '${contentType}', expected ${expect === 'json' ? 'application/json' : 'text/xml'}` });
  }
  const result: CallResult = {
    action, httpStatus: response.status, requestId: undefined, ok: false, data: undefined, error: undefined,
    body: undefined, findings, transcript, durationMs: response.durationMs,
  };
  const text = response.body.toString('utf8');
  let body: unknown;
  let xmlRoot: string | undefined;
  try {
    body = JSON.parse(text);
    if (expect === 'xml') findings.push({ kind: 'non-xml-body', detail: `XML was asked for and the body is JSON (${response.body.length} bytes, HTTP ${response.status})` });
  } catch {
    const xml = parseXml(text);
    if (!xml) {
      findings.push({ kind: 'non-json-body', detail: `the body is neither JSON nor XML (${response.body.length} bytes, HTTP ${response.status})` });
      return result;
    }
    if (JSON_TYPE.test(contentType)) findings.push({ kind: 'non-json-body', detail: `content-type is '${contentType}' but the body is XML <${xml.root}>` });
    body = xml.value;
    xmlRoot = xml.root;
  }
  result.body = body;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    findings.push({ kind: 'no-envelope', detail: 'the body is not an object' });
    return result;
  }
  const envelope = body as Record<string, unknown>;
  const requestId = envelope['RequestId'];
  if (typeof requestId !== 'string' || requestId === '') {
    findings.push({ kind: 'missing-request-id', detail: '`RequestId` is missing' });
  } else {
    result.requestId = requestId;
    if (!requestIdPattern.test(requestId)) findings.push({ kind: 'malformed-request-id', detail: `RequestId '${requestId}' does not match ${requestIdPattern}` });
  }
  const status = response.status;
  const code = envelope['Code'];
  if (code !== undefined && code !== null && !SUCCESS_CODES.has(fieldText(code))) {
    result.error = { code: fieldText(code), message: fieldText(envelope['Message'] ?? '') };
    if (xmlRoot !== undefined && xmlRoot !== 'Error') findings.push({ kind: 'no-envelope', detail: `the XML error is rooted at <${xmlRoot}>, not <Error>` });
    const missing = ['HostId', 'Message'].filter((field) => envelope[field] === undefined);
    if (missing.length > 0) findings.push({ kind: 'no-envelope', detail: `the error body has no ${missing.join(' or ')}` });
    if (status < 400 || status > 599) findings.push({ kind: 'error-status-mismatch', detail: `error ${result.error.code} came with HTTP ${status}; Alibaba answers errors with 4xx/5xx` });
    return result;
  }
  if (status < 200 || status > 299) findings.push({ kind: 'error-status-mismatch', detail: `success came with HTTP ${status}` });
  if (xmlRoot !== undefined) {
    if (xmlRoot !== `${action}Response`) findings.push({ kind: 'no-envelope', detail: `the XML answer is rooted at <${xmlRoot}>, not <${action}Response>` });
    if (options.shapeXml) {
      const shaped = options.shapeXml(envelope as XmlValue);
      result.body = shaped;
      if (shaped !== null && typeof shaped === 'object' && !Array.isArray(shaped)) {
        const { RequestId: _shapedId, ...data } = shaped as Record<string, unknown>;
        result.ok = true;
        result.data = data;
        return result;
      }
    }
  }
  const { RequestId: _id, ...data } = envelope;
  result.ok = true;
  result.data = data;
  return result;
}
