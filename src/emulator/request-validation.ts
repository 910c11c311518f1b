import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Deviations } from './deviations/catalogue.ts';
import { overlookedByDeviation, refusedAtMaxLength } from './deviations/request-bends.ts';
import type { JsonSchema } from '../spec/vendor-spec.ts';

/** The one constraint of a request that an emulator reports, in spec terms. */
export interface Violation {
  /** The JSON Schema keyword that failed (`required`, `maxLength`, `x-forbidden-prefixes`, …). */
  keyword: string;
  /** The top-level parameter it concerns (the missing or unknown one for `required`/`additionalProperties`). */
  parameter: string | undefined;
  /** Where in the request, as a dotted path (`Tags.0.Key`). */
  path: string;
  /** The same path as segments. */
  segments: string[];
  detail: string;
}

// A service checks presence and unknown names before values; among values, the order ajv found them.
const PRECEDENCE = ['required', 'additionalProperties', 'type'];

function toViolation(error: ErrorObject): Violation {
  const params = error.params as Record<string, unknown>;
  const segments = error.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const named = (params['missingProperty'] ?? params['additionalProperty']) as string | undefined;
  if (named !== undefined) segments.push(named);
  return {
    keyword: error.keyword,
    parameter: segments[0],
    path: segments.join('.'),
    segments,
    detail: error.message ?? error.keyword,
  };
}

/**
 * Validates request parameters against the action's compiled schema and returns the violation a service
 * would report first, or undefined when the request is valid. Request-validation deviations bend it here
 * (src/emulator/deviations/request-bends.ts): a keyword overlooked, or a valid value refused (which needs
 * the resolved request `schema`).
 */
export function firstViolation(validate: ValidateFunction, parameters: unknown, deviations: Deviations, schema?: JsonSchema): Violation | undefined {
  if (validate(parameters)) return atMaxLength(schema, parameters, deviations);
  const errors = (validate.errors ?? [])
    // allOf/anyOf/if wrappers repeat what their inner keywords said.
    .filter((e) => !['anyOf', 'oneOf', 'allOf', 'if', 'not'].includes(e.keyword))
    .filter((e) => !overlookedByDeviation(e, parameters, deviations));
  if (errors.length === 0) return atMaxLength(schema, parameters, deviations);
  const ranked = [...errors].sort((a, b) => rank(a.keyword) - rank(b.keyword));
  return toViolation(ranked[0]!);
}

function rank(keyword: string): number {
  const i = PRECEDENCE.indexOf(keyword);
  return i === -1 ? PRECEDENCE.length : i;
}

/** The `max-length-name-refused` deviation's refusal of a valid request, as a maxLength violation. */
function atMaxLength(schema: JsonSchema | undefined, parameters: unknown, deviations: Deviations): Violation | undefined {
  const name = schema && refusedAtMaxLength(schema, parameters, deviations);
  return name === undefined ? undefined : { keyword: 'maxLength', parameter: name, path: name, segments: [name], detail: 'must NOT have more characters than allowed' };
}
