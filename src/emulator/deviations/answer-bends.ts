import type { HttpAnswer } from '../http-server.ts';
import type { Deviations } from './catalogue.ts';

/** Rewrites a JSON answer's body; answers that are not JSON (Alibaba's XML, faults) pass unchanged. */
function rewriteJson(answer: HttpAnswer, rewrite: (value: unknown) => unknown): HttpAnswer {
  if (!/json/i.test(answer.headers['content-type'] ?? '')) return answer;
  try {
    return { ...answer, body: JSON.stringify(rewrite(JSON.parse(answer.body.toString()))) };
  } catch {
    return answer;
  }
}

/**
 * Rewrites the text elements of an XML answer (Alibaba's, when a request asks for XML) as {@link mapEntries}
 * does the pairs of a JSON one: `change` gives an element's new text, or undefined to leave it out.
 */
function rewriteXml(answer: HttpAnswer, change: (name: string, text: string) => [string, string] | undefined): HttpAnswer {
  if (!/xml/i.test(answer.headers['content-type'] ?? '')) return answer;
  const body = answer.body.toString().replace(/<([A-Za-z_][\w.-]*)>([^<]*)<\/\1>/g, (_whole, name: string, text: string) => {
    const changed = change(name, text);
    return changed ? `<${changed[0]}>${changed[1]}</${changed[0]}>` : '';
  });
  return { ...answer, body };
}

/** Both: a JSON answer's pairs, an XML answer's text elements. */
function rewriteAnswer(answer: HttpAnswer, change: (key: string, value: unknown) => [string, unknown] | undefined): HttpAnswer {
  const json = rewriteJson(answer, (v) => mapEntries(v, change));
  return json !== answer ? json : rewriteXml(answer, (name, text) => {
    const changed = change(name, text);
    return changed ? [changed[0], String(changed[1])] : undefined;
  });
}

/** A copy of a JSON value with `change` applied to every key/value pair of every object, at any depth. */
function mapEntries(value: unknown, change: (key: string, value: unknown) => [string, unknown] | undefined): unknown {
  if (Array.isArray(value)) return value.map((item) => mapEntries(item, change));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).flatMap(([key, v]) => {
    const changed = change(key, mapEntries(v, change));
    return changed ? [changed] : [];
  }));
}

const isRequestId = (key: string) => key.toLowerCase() === 'requestid';
/** The creation-time fields of the vendors' snapshot descriptions (Tencent CreateTime, Alibaba CreationTime, Zenlayer createTime). */
const CREATION_TIME = /^(CreateTime|CreationTime|createTime)$/;
let counter = 0;

/**
 * Bends an API answer (not an admin one) as the answer-wide deviations say — in JSON and in XML alike, so that
 * an XML answer's checks are proved as a JSON one's: the request id removed or malformed, the content type
 * wrong, a required field left out of snapshot descriptions. `describesSnapshots`
 * tells whether the answer is one of the vendor's DescribeSnapshots.
 */
export function bendAnswer(answer: HttpAnswer, deviations: Deviations, describesSnapshots: boolean): HttpAnswer {
  let bent = answer;
  if (deviations.has('request-id-missing')) bent = rewriteAnswer(bent, (k, x) => (isRequestId(k) ? undefined : [k, x]));
  if (deviations.has('request-id-malformed')) bent = rewriteAnswer(bent, (k, x) => [k, isRequestId(k) ? `req-${(counter += 1)}` : x]);
  if (deviations.has('describe-omits-field') && describesSnapshots) bent = rewriteAnswer(bent, (k, x) => (CREATION_TIME.test(k) ? undefined : [k, x]));
  if (deviations.has('wrong-content-type') && bent.headers['content-type']) bent = { ...bent, headers: { ...bent.headers, 'content-type': 'text/plain; charset=utf-8' } };
  return bent;
}
