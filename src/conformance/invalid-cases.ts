import type { ValidateFunction } from 'ajv';
import type { ValidationErrors } from '../spec/spec-types.ts';
import { keywordValues, type DocumentedValue, type JsonSchema } from '../spec/vendor-spec.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A request that breaks exactly one constraint keyword of one parameter. */
export interface InvalidCase {
  /** Dotted path of the broken value (`Tags.0.Key`), or of the missing/unknown parameter. */
  path: string;
  /** The top-level parameter the path starts with. */
  parameter: string;
  /** The JSON Schema keyword the request breaks. */
  keyword: string;
  /** What was done, for titles: `Deadline = "not-a-date"`. */
  description: string;
  /** True for a boundary value (one past a length or a size limit). */
  boundary: boolean;
  request: { [key: string]: Json };
  /**
   * The broken keyword as the schema states it and as other pages do (`x-variants`), when another page's
   * value makes this request valid (Alibaba's 2025 page allows a 128-character tag key where the seed page
   * says 64): then refusing and accepting are both documented. Empty when every page refuses the value.
   */
  validUnder: DocumentedValue[];
  /** The keyword's value and source in the schema itself (the page the refusal follows), where it has one. */
  stated?: DocumentedValue;
  /**
   * Set when the spec marks the broken constraint itself inferred (`x-inferred` on the schema whose `type`,
   * `required` or `additionalProperties` the case breaks): the spec's note.
   */
  inferredConstraint?: string;
  /**
   * True when, on a wire that carries only strings (flattened names), the case's value travels under a
   * parameter name the service does not define: a scalar where a list or an object belongs (`Tag=x` where
   * only `Tag.1.Key` exists). On that wire the case is an unknown parameter, whatever keyword it breaks.
   */
  unknownOnWire: boolean;
}

/**
 * Why the documents do not say that an unknown parameter is refused, or undefined when they do. Only the
 * error they name for one tells: Tencent's pages name UnknownParameter ("extra undefined params cause an
 * error"); Alibaba's say nothing, and the spec's `x-validation-errors.additionalProperties` is inferred, with
 * a note that such parameters may also be ignored.
 */
export function unknownParameterUndocumented(errors: ValidationErrors): string | undefined {
  const unknown = errors.additionalProperties;
  return unknown.inferred ? `the documents do not say an unknown parameter is refused (x-validation-errors.additionalProperties: ${unknown.note ?? 'inferred'})` : undefined;
}

/** Keywords the generator knows how to break. */
export const BREAKABLE_KEYWORDS = [
  'required', 'type', 'minLength', 'maxLength', 'pattern', 'format', 'enum', 'minimum', 'maximum',
  'minItems', 'maxItems', 'x-forbidden-prefixes', 'x-unique-by', 'x-excludes', 'additionalProperties',
] as const;

const clone = <T extends Json>(value: T): T => structuredClone(value);

function setAt(root: { [key: string]: Json }, path: Array<string | number>, value: Json | undefined): { [key: string]: Json } {
  const out = clone(root);
  let node: Json = out;
  path.forEach((segment, i) => {
    const container = node as { [key: string]: Json } & Json[];
    if (i === path.length - 1) {
      if (value === undefined) delete container[segment as never];
      else container[segment as never] = value as never;
    } else {
      node = container[segment as never] as Json;
    }
  });
  return out;
}

function wrongType(schema: JsonSchema): Json {
  const types = ([] as unknown[]).concat(schema['type'] ?? []);
  if (types.includes('string')) return 12345;
  if (types.includes('array')) return 'not-an-array';
  if (types.includes('object')) return 'not-an-object';
  return 'not-a-number';
}

/** Options of {@link invalidCases}. */
export interface InvalidCaseOptions {
  /**
   * True when the wire carries every value as a string (a query or form: Alibaba RPC): a wrong type for a
   * string parameter cannot be sent (12345 arrives as the valid string "12345"), so no such case is made.
   * @defaultValue false
   */
  stringsOnly?: boolean;
}

/** True for a request content type whose values all travel as strings. */
export function carriesStringsOnly(contentType: string): boolean {
  return /^application\/x-www-form-urlencoded\b/i.test(contentType);
}

/**
 * Whether `value` meets `constraint` as the value of `keyword` (another page's version of the keyword).
 * Keywords not listed count as unmet: a case then stays a refusal on every page.
 */
function meets(keyword: string, constraint: unknown, value: Json): boolean {
  const length = typeof value === 'string' ? [...value].length : Array.isArray(value) ? value.length : undefined;
  switch (keyword) {
    case 'maxLength': case 'maxItems': return length !== undefined && length <= (constraint as number);
    case 'minLength': case 'minItems': return length !== undefined && length >= (constraint as number);
    case 'maximum': return typeof value === 'number' && value <= (constraint as number);
    case 'minimum': return typeof value === 'number' && value >= (constraint as number);
    case 'pattern': return typeof value === 'string' && new RegExp(constraint as string, 'u').test(value);
    case 'enum': return (constraint as unknown[]).includes(value);
    case 'x-forbidden-prefixes': return typeof value === 'string' && !(constraint as string[]).some((prefix) => value.startsWith(prefix));
    default: return false;
  }
}

/** The other pages' versions of `keyword` (`x-variants`) that `value` meets. */
function variantsMet(schema: JsonSchema, keyword: string, value: Json): DocumentedValue[] {
  return keywordValues(schema, keyword).filter((v) => !v.primary && meets(keyword, v.value, value));
}

/** The spec's note on a schema it marks inferred (`x-inferred`), or undefined. */
function inferredNote(schema: JsonSchema | undefined): string | undefined {
  if (schema?.['x-inferred'] !== true) return undefined;
  return typeof schema['x-note'] === 'string' ? schema['x-note'] : 'the spec marks this schema inferred (x-inferred)';
}

/** Candidate values that may break `keyword` of a schema, given a valid value of it. */
function candidates(keyword: string, schema: JsonSchema, valid: Json, options: InvalidCaseOptions): Array<{ value: Json; description: string; boundary: boolean }> {
  const text = typeof valid === 'string' ? valid : 'a';
  const fill = (length: number) => (text.repeat(Math.ceil(length / Math.max(1, text.length)) + 1) || 'a').slice(0, length);
  switch (keyword) {
    case 'type':
      if (options.stringsOnly && ([] as unknown[]).concat(schema['type'] ?? []).includes('string')) return [];
      return [{ value: wrongType(schema), description: 'a value of the wrong type', boundary: false }];
    case 'minLength': {
      const min = schema['minLength'] as number;
      return min > 0 ? [{ value: fill(min - 1), description: `${min - 1} characters (minimum ${min})`, boundary: true }] : [];
    }
    case 'maxLength': {
      const max = schema['maxLength'] as number;
      return [{ value: fill(max + 1), description: `${max + 1} characters (maximum ${max})`, boundary: true }];
    }
    case 'pattern':
      // Timestamps also get near misses that stay valid date-times (another offset, fractions), so a
      // pattern stricter than `format` (Zenlayer's yyyy-MM-ddTHH:mm:ssZ, Tencent's UTC-only Deadline) can be
      // broken alone.
      return [text.replace(/Z$/, '+00:00'), text.replace(/Z$/, '+08:00'), text.replace(/Z$/, '.000Z'), '!' + text, text + ' !', '#', ' ', '中'].map((value) => ({ value, description: `"${value}" (does not match ${String(schema['pattern'])})`, boundary: false }));
    case 'format':
      // The space-separated form first (the older Tencent page's format, the nearest miss of ISO 8601), in the
      // future: a past time would be refused for its retention anyway, hiding a service that accepts the format.
      return ['2030-01-08 09:47:55', 'not-a-date', '2022-13-45T99:99:99Z', 'x'].map((value) => ({ value, description: `"${value}" (not ${String(schema['format'])})`, boundary: false }));
    case 'enum': {
      const first = String((schema['enum'] as unknown[])[0] ?? 'X');
      return [`${first}_NOT_DOCUMENTED`, first.toLowerCase() + '-x'].map((value) => ({ value, description: `"${value}" (outside the documented values)`, boundary: false }));
    }
    case 'minimum': {
      const min = schema['minimum'] as number;
      return [{ value: min - 1, description: `${min - 1} (minimum ${min})`, boundary: true }];
    }
    case 'maximum': {
      const max = schema['maximum'] as number;
      return [{ value: max + 1, description: `${max + 1} (maximum ${max})`, boundary: true }];
    }
    case 'minItems': {
      const min = schema['minItems'] as number;
      const items = Array.isArray(valid) ? valid : [];
      return min > 0 ? [{ value: items.slice(0, min - 1), description: `${min - 1} items (minimum ${min})`, boundary: true }] : [];
    }
    case 'maxItems': {
      const max = schema['maxItems'] as number;
      const items = Array.isArray(valid) && valid.length > 0 ? valid : [];
      if (items.length === 0) return [];
      // Items that must differ in a field (`x-unique-by`: Alibaba's tag keys) get a numbered one each, so the
      // case breaks maxItems alone.
      const field = schema['x-unique-by'] as string | undefined;
      const many = Array.from({ length: max + 1 }, (_, i) => {
        const item = clone(items[i % items.length]!);
        if (field && i > 0 && item !== null && typeof item === 'object' && !Array.isArray(item) && typeof item[field] === 'string') item[field] = `${item[field] as string}${i}`;
        return item;
      });
      return [{ value: many, description: `${max + 1} items (maximum ${max})`, boundary: true }];
    }
    case 'x-unique-by': {
      // The first item again, as a second item: the two share the field (and everything else).
      const field = schema['x-unique-by'] as string;
      const items = Array.isArray(valid) ? valid : [];
      const first = items[0];
      if (first === undefined) return [];
      return [{ value: [first, clone(first), ...items.slice(1)], description: `two items with one ${field} (${JSON.stringify((first as Record<string, Json>)[field])})`, boundary: false }];
    }
    case 'x-forbidden-prefixes':
      return (schema['x-forbidden-prefixes'] as string[]).map((prefix) => ({
        value: prefix + text.slice(0, Math.max(0, ((schema['maxLength'] as number | undefined) ?? 1000) - prefix.length)),
        description: `"${prefix}…" (must not start with ${prefix})`,
        boundary: false,
      }));
    default:
      return [];
  }
}

/**
 * Generates, from an action's request schema and one valid request, every request that breaks exactly one
 * constraint keyword of one parameter (nested ones too: `Tags.0.Key`). Each candidate is checked with the
 * spec's own validator: it is kept only when the keyword it targets is the only one that fails, so a case
 * never blames the wrong rule. Boundary values (one past each limit) come first.
 */
export function invalidCases(schema: JsonSchema, validRequest: { [key: string]: Json }, validate: ValidateFunction, options: InvalidCaseOptions = {}): InvalidCase[] {
  const cases: InvalidCase[] = [];
  const onlyFails = (request: { [key: string]: Json }, keyword: string, path: string): boolean => {
    if (validate(request)) return false;
    const errors = (validate.errors ?? []).filter((e) => !['anyOf', 'oneOf', 'allOf', 'if', 'not'].includes(e.keyword));
    return errors.length > 0 && errors.every((e) => {
      const params = e.params as Record<string, unknown>;
      const at = e.instancePath.split('/').slice(1);
      const named = (params['missingProperty'] ?? params['additionalProperty']) as string | undefined;
      if (named !== undefined) at.push(named);
      return e.keyword === keyword && at.join('.') === path;
    });
  };
  /** `schema` is the node whose keyword the case breaks (the object, for `required` and `additionalProperties`). */
  const add = (path: Array<string | number>, keyword: string, request: { [key: string]: Json } | undefined, description: string, boundary: boolean, schema: JsonSchema, value?: Json): boolean => {
    const dotted = path.join('.');
    if (!request || !onlyFails(request, keyword, dotted)) return false;
    const types = ([] as unknown[]).concat(schema['type'] ?? []);
    const inferredConstraint = ['type', 'required', 'additionalProperties'].includes(keyword) ? inferredNote(schema) : undefined;
    const stated = keywordValues(schema, keyword)[0];
    cases.push({
      path: dotted, parameter: String(path[0]), keyword, description, boundary, request,
      validUnder: value === undefined ? [] : variantsMet(schema, keyword, value),
      ...(stated ? { stated } : {}),
      ...(inferredConstraint ? { inferredConstraint } : {}),
      unknownOnWire: Boolean(options.stringsOnly) && keyword === 'type' && (types.includes('array') || types.includes('object')),
    });
    return true;
  };

  type Base = { [key: string]: Json };
  const visitObject = (objectSchema: JsonSchema, value: { [key: string]: Json }, at: Array<string | number>, base: Base): void => {
    const properties = (objectSchema['properties'] ?? {}) as Record<string, JsonSchema>;
    for (const name of (objectSchema['required'] as string[] | undefined) ?? []) {
      if (name in value) add([...at, name], 'required', setAt(base, [...at, name], undefined), `without ${[...at, name].join('.')}`, false, objectSchema);
    }
    // A parameter the schema leaves optional that another page requires (`x-variants: [{required: true}]`:
    // Tencent's 2017 CreateSnapshot page makes DiskId required, the intl page optional). Leaving it out is
    // valid by the schema and refused by that page, so both outcomes are documented: the case is made without
    // the validator's check (the request passes it on purpose), with the schema's "optional" in `validUnder`.
    const required = new Set((objectSchema['required'] as string[] | undefined) ?? []);
    for (const [name, propertySchema] of Object.entries(properties)) {
      if (required.has(name) || !(name in value)) continue;
      const variant = ((propertySchema['x-variants'] ?? []) as Array<Record<string, unknown>>).find((v) => v['required'] === true);
      const request = setAt(base, [...at, name], undefined);
      if (!variant || !validate(request)) continue;
      cases.push({
        path: [...at, name].join('.'), parameter: String([...at, name][0]), keyword: 'required', description: `without ${[...at, name].join('.')}`,
        boundary: false, request, unknownOnWire: false,
        validUnder: [{ value: 'optional', source: propertySchema['x-source'] as DocumentedValue['source'], primary: true }],
        stated: { value: 'required', source: variant['source'] as DocumentedValue['source'], ...(typeof variant['note'] === 'string' ? { note: variant['note'] } : {}), primary: false },
      });
    }
    // A parameter that must not come with others (`x-excludes`): both given, each from the request or a sample
    // (a boolean as true: the parameter switched on, not merely present).
    for (const [name, propertySchema] of Object.entries(properties)) {
      const others = propertySchema['x-excludes'] as string[] | undefined;
      if (!others) continue;
      const own = name in value ? value[name]! : ([] as unknown[]).concat(propertySchema['type'] ?? []).includes('boolean') ? true : sampleOf(propertySchema);
      for (const other of others) {
        const sample = other in value ? value[other] : properties[other] && sampleOf(properties[other]!);
        if (own === undefined || sample === undefined) continue;
        add([...at, name], 'x-excludes', setAt(setAt(base, [...at, name], own), [...at, other], sample), `${[...at, name].join('.')} together with ${[...at, other].join('.')}`, false, propertySchema);
      }
    }
    if (objectSchema['additionalProperties'] === false) {
      const unknown = 'SnapconformUnknownParameter';
      add([...at, unknown], 'additionalProperties', setAt(base, [...at, unknown], 'x'), `with an unknown parameter ${unknown}`, false, objectSchema);
    }
    for (const [name, propertySchema] of Object.entries(properties)) {
      if (name in value) {
        visitValue(propertySchema, value[name]!, [...at, name], base);
        continue;
      }
      // A parameter the valid request leaves out is broken from a valid sample of it, when one is found.
      for (const sample of [sampleOf(propertySchema), 'snapconform', 'Snapconform-1']) {
        if (sample === undefined) continue;
        const withSample = setAt(base, [...at, name], sample);
        if (validate(withSample)) {
          visitValue(propertySchema, sample, [...at, name], withSample);
          break;
        }
      }
    }
  };

  const visitValue = (schema: JsonSchema, value: Json, at: Array<string | number>, base: Base): void => {
    for (const keyword of BREAKABLE_KEYWORDS) {
      if (keyword === 'required' || keyword === 'additionalProperties' || !(keyword in schema)) continue;
      // A value that every page refuses comes first: the case then tests what all pages agree on, and falls
      // back to one another page allows (both outcomes documented) only when no other value breaks the keyword.
      const all = candidates(keyword, schema, value, options);
      const ordered = [...all.filter((c) => variantsMet(schema, keyword, c.value).length === 0), ...all.filter((c) => variantsMet(schema, keyword, c.value).length > 0)];
      for (const candidate of ordered) {
        if (add(at, keyword, setAt(base, at, candidate.value), `${at.join('.')} = ${candidate.description}`, candidate.boundary, schema, candidate.value)) break;
      }
    }
    if (Array.isArray(value) && schema['items'] && value.length > 0) {
      visitValue(schema['items'] as JsonSchema, value[0]!, [...at, 0], base);
    } else if (value !== null && typeof value === 'object' && !Array.isArray(value) && schema['properties']) {
      visitObject(schema, value, at, base);
    }
  };

  visitObject(schema, validRequest, [], validRequest);
  return cases.sort((a, b) => Number(b.boundary) - Number(a.boundary));
}

/**
 * A valid sample value for a schema, from the spec itself: its `examples`/`example`/`default`, the first
 * `enum` value, or for arrays one sample item. Undefined when the schema offers nothing to start from.
 */
export function sampleOf(schema: JsonSchema): Json | undefined {
  const examples = schema['examples'];
  if (Array.isArray(examples) && examples.length > 0) return examples[0] as Json;
  if (schema['example'] !== undefined) return schema['example'] as Json;
  if (schema['default'] !== undefined) return schema['default'] as Json;
  if (Array.isArray(schema['enum'])) return schema['enum'][0] as Json;
  const types = ([] as unknown[]).concat(schema['type'] ?? []);
  if (types.includes('array') && schema['items']) {
    const item = sampleOf(schema['items'] as JsonSchema);
    return item === undefined ? undefined : [item];
  }
  if (types.includes('object') && schema['properties']) {
    const out: { [key: string]: Json } = {};
    for (const [name, property] of Object.entries(schema['properties'] as Record<string, JsonSchema>)) {
      const value = sampleOf(property);
      if (value !== undefined) out[name] = value;
    }
    return out;
  }
  if (types.includes('string')) {
    if (schema['format'] === 'date-time') return '2030-01-01T00:00:00Z';
    const min = (schema['minLength'] as number | undefined) ?? 1;
    return schema['pattern'] === undefined ? 'a'.repeat(Math.max(1, min)) : undefined;
  }
  if (types.includes('integer') || types.includes('number')) return (schema['minimum'] as number | undefined) ?? 1;
  if (types.includes('boolean')) return false;
  return undefined;
}

/**
 * The smallest request the schema accepts: each required parameter from {@link sampleOf} (or a plain
 * word). Used where no adapter knows real resource ids, so the cases still exist, and skip with a reason.
 */
export function minimalValidRequest(schema: JsonSchema, validate: ValidateFunction): { [key: string]: Json } | undefined {
  const properties = (schema['properties'] ?? {}) as Record<string, JsonSchema>;
  const request: { [key: string]: Json } = {};
  for (const name of (schema['required'] as string[] | undefined) ?? []) {
    request[name] = (properties[name] && sampleOf(properties[name])) ?? 'snapconform';
  }
  return validate(request) ? request : undefined;
}
