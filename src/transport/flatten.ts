/**
 * Flattening of structured parameters into RPC key/value pairs, as the vendors' query and form encodings
 * need: Tencent `Tags.0.Key` (0-based, v1 and GET), Alibaba `Tag.1.Key` (1-based).
 */

/**
 * The deepest flattened name honoured (`Filters.0.Values.1` is 4). A deeper name is kept whole, as one
 * unknown top-level name, so that it is refused as an unknown parameter instead of being unfolded level by
 * level: a 100 000-segment name must cost nothing.
 */
export const MAX_PARAM_DEPTH = 16;

/** A parameter value before flattening. */
export type ParamValue = string | number | boolean | null | undefined | ParamValue[] | { [key: string]: ParamValue };

/** Flattens `{Tags: [{Key: 'a'}]}` into `[['Tags.0.Key', 'a']]`; `null`/`undefined` are dropped. */
export function flattenParams(params: { [key: string]: ParamValue }, indexBase: 0 | 1): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const visit = (prefix: string, value: ParamValue): void => {
    if (value === null || value === undefined) return;
    if (Array.isArray(value)) value.forEach((item, i) => visit(`${prefix}.${i + indexBase}`, item));
    else if (typeof value === 'object') for (const [key, item] of Object.entries(value)) visit(`${prefix}.${key}`, item);
    else out.push([prefix, String(value)]);
  };
  for (const [key, value] of Object.entries(params)) visit(key, value);
  return out;
}

/**
 * Rebuilds structure from flattened pairs: a numeric segment makes an array (sorted by index, so gaps
 * close up), anything else an object. Values stay strings; see {@link coerceToSchema}.
 */
export function unflattenParams(pairs: Iterable<[string, string]>): { [key: string]: ParamValue } {
  // Null-prototype nodes, and names that would reach a prototype refused: a request parameter named
  // `__proto__.polluted` must not be able to change the emulator's objects.
  const node = (): { [key: string]: ParamValue } => Object.create(null) as { [key: string]: ParamValue };
  const root = node();
  for (const [name, value] of pairs) {
    const segments = name.split('.', MAX_PARAM_DEPTH + 1);
    if (segments.length > MAX_PARAM_DEPTH) {
      root[name] = value;
      continue;
    }
    if (segments.some((s) => s === '__proto__' || s === 'constructor' || s === 'prototype' || s === '')) continue;
    let current = root;
    segments.forEach((segment, i) => {
      if (i === segments.length - 1) {
        // A scalar never replaces a structure already built (`Tag.1.Key` then `Tag`): the structure wins.
        if (!(segment in current) || typeof current[segment] !== 'object') current[segment] = value;
        return;
      }
      const next = current[segment];
      if (next === null || typeof next !== 'object' || Array.isArray(next)) current[segment] = node();
      current = current[segment] as { [key: string]: ParamValue };
    });
  }
  const arrays = (value: ParamValue): ParamValue => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
    const keys = Object.keys(value);
    if (keys.length > 0 && keys.every((k) => /^\d+$/.test(k))) {
      return keys.sort((a, b) => Number(a) - Number(b)).map((k) => arrays(value[k]));
    }
    return Object.fromEntries(keys.map((k) => [k, arrays(value[k])]));
  };
  return arrays(root) as { [key: string]: ParamValue };
}

/**
 * Turns string values from a query or form into the types a JSON Schema asks for (`"10"` → 10 for an
 * integer, `"true"` → true for a boolean); a value that does not convert stays a string, so validation
 * reports it as the wrong type.
 */
export function coerceToSchema(value: ParamValue, schema: { [key: string]: unknown } | undefined): ParamValue {
  if (!schema) return value;
  if (Array.isArray(value)) return value.map((item) => coerceToSchema(item, schema['items'] as { [key: string]: unknown } | undefined));
  if (value !== null && typeof value === 'object') {
    const properties = (schema['properties'] ?? {}) as { [key: string]: { [key: string]: unknown } };
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, coerceToSchema(v, properties[k])]));
  }
  if (typeof value !== 'string') return value;
  const types = ([] as unknown[]).concat(schema['type'] ?? []);
  if ((types.includes('integer') || types.includes('number')) && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (types.includes('boolean') && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}
