import type { ErrorObject } from 'ajv';
import type { JsonSchema } from '../../spec/vendor-spec.ts';
import type { Deviations } from './catalogue.ts';

/** The value a validation error is about, by its JSON pointer into the request. */
function valueAt(parameters: unknown, instancePath: string): unknown {
  let node = parameters;
  for (const raw of instancePath.split('/').slice(1)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node;
}

const length = (value: unknown) => (typeof value === 'string' ? [...value].length : Number.NaN);
/** The format the older Tencent page used for `Deadline`, and a common near miss of ISO 8601. */
const SPACE_SEPARATED = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/;

/**
 * Whether a deviation makes request validation overlook this error, as a lenient or buggy service would:
 * each request-validation deviation of the catalogue is one keyword (or one case of it) left unchecked.
 */
export function overlookedByDeviation(error: ErrorObject, parameters: unknown, deviations: Deviations): boolean {
  const value = () => valueAt(parameters, error.instancePath);
  switch (error.keyword) {
    case 'enum': return deviations.has('accepts-invalid-enum');
    case 'maxLength': return deviations.has('name-one-too-long-accepted') && length(value()) <= (error.params as { limit: number }).limit + 1;
    case 'minLength': return deviations.has('min-length-not-enforced');
    case 'pattern': return deviations.has('pattern-not-enforced');
    case 'type': return deviations.has('type-not-checked');
    case 'minimum': case 'exclusiveMinimum': return deviations.has('minimum-not-enforced');
    case 'maximum': case 'exclusiveMaximum': return deviations.has('maximum-not-enforced');
    case 'maxItems': return deviations.has('max-items-not-enforced');
    case 'format': return deviations.has('space-separated-datetime-accepted') && SPACE_SEPARATED.test(String(value()));
    case 'x-forbidden-prefixes': return deviations.has('forbidden-prefix-accepted');
    case 'x-unique-by': return deviations.has('duplicate-tag-keys-accepted');
    case 'x-excludes': return deviations.has('exclusive-parameters-accepted');
    case 'additionalProperties': return deviations.has('nested-unknown-field-accepted') && error.instancePath !== '';
    default: return false;
  }
}

/**
 * Under `max-length-name-refused`, the top-level string parameter that is exactly at its schema's
 * `maxLength` (valid, and refused as if too long), else undefined.
 */
export function refusedAtMaxLength(schema: JsonSchema, parameters: unknown, deviations: Deviations): string | undefined {
  if (!deviations.has('max-length-name-refused') || parameters === null || typeof parameters !== 'object') return undefined;
  const properties = (schema['properties'] ?? {}) as Record<string, JsonSchema>;
  return Object.entries(parameters as Record<string, unknown>)
    .find(([name, value]) => typeof properties[name]?.['maxLength'] === 'number' && length(value) === properties[name]!['maxLength'])?.[0];
}
