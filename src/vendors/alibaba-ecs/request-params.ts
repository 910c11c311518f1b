import type { ArrivedRequest } from '../tencent-cbs/tc3.verifier.ts';
import { decodePairs, type ParamPair } from './percent-encode.ts';

/**
 * The parameters of an arrived RPC request: decoded query pairs and, for a POST with an
 * `application/x-www-form-urlencoded` body, decoded form pairs. Both signatures take business parameters
 * from either place (../shared/reference/alibaba-ecs-and-zenlayer-zec.md §A1.1 step 1, §A1.3, §A4).
 */
export interface ArrivedParams {
  query: ParamPair[];
  form: ParamPair[];
}

const FORM = /^application\/x-www-form-urlencoded\b/i;

/** Decodes the query and, when there is one, the form body of a request. Never throws. */
export function arrivedParams(request: ArrivedRequest): ArrivedParams {
  const isForm = request.method.toUpperCase() === 'POST' && FORM.test(request.headers['content-type'] ?? '');
  return {
    query: decodePairs(request.query),
    form: isForm ? decodePairs(Buffer.from(request.body).toString('utf8')) : [],
  };
}

/** The first value of each name, skipping the names in `exclude`; a repeated name keeps its first value. */
export function firstValues(pairs: Iterable<ParamPair>, exclude: ReadonlySet<string> = new Set()): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of pairs) {
    // defineProperty, not assignment: a parameter named __proto__ must stay a plain own property.
    if (!exclude.has(name) && !Object.hasOwn(out, name)) Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}
