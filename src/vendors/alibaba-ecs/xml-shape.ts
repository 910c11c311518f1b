import type { JsonSchema } from '../../spec/vendor-spec.ts';
import type { XmlValue } from './xml.ts';

/** Schemas a `$ref` may name (`#/components/schemas/<Name>`). */
export type Components = Record<string, JsonSchema>;

const REF = '#/components/schemas/';
/** A number as XML writes one: the JSON grammar, nothing looser (no `0x1`, no spaces, no empty text). */
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
/** Deep enough for every answer's nesting; a guard against a schema that refers to itself. */
const MAX_DEPTH = 32;

function resolved(schema: JsonSchema | undefined, components: Components, depth: number): JsonSchema | undefined {
  let current = schema;
  for (let hops = 0; current && typeof current['$ref'] === 'string' && hops < MAX_DEPTH; hops += 1) {
    const ref = current['$ref'];
    current = ref.startsWith(REF) ? components[ref.slice(REF.length)] : undefined;
  }
  return depth > MAX_DEPTH ? undefined : current;
}

const typesOf = (schema: JsonSchema) => ([] as unknown[]).concat(schema['type'] ?? (schema['properties'] ? 'object' : []));

/**
 * Reads an XML answer (the value {@link parseXml} gives its root) as the JSON the documents describe, guided by
 * the action's success schema, so that it is checked against that schema as strictly as a JSON answer. XML
 * carries text only, and repeats an element for a list (reference §A2): text is read as a number or a boolean
 * where the schema types the value so and the text is exactly one (`7`, `true`); one occurrence of a list's
 * element is a list of one; a list whose element does not occur inside its present parent (`<Tags></Tags>`,
 * which is how an empty list is written) is empty, and an empty element the schema calls an object is an empty
 * object. Nothing else changes: a value of the wrong kind stays as written and fails the schema. Never throws.
 */
export function shapeXml(value: XmlValue | XmlValue[] | undefined, schema: JsonSchema | undefined, components: Components, depth = 0): unknown {
  const node = resolved(schema, components, depth);
  if (!node || value === undefined) return value;
  const types = typesOf(node);
  if (types.includes('array')) {
    const items = Array.isArray(value) ? value : [value];
    return items.map((item) => shapeXml(item, node['items'] as JsonSchema | undefined, components, depth + 1));
  }
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') {
    if (types.includes('object') && value.trim() === '') return shapeXml({}, node, components, depth + 1);
    if ((types.includes('integer') || types.includes('number')) && NUMBER.test(value)) return Number(value);
    if (types.includes('boolean') && (value === 'true' || value === 'false')) return value === 'true';
    return value;
  }
  if (!types.includes('object')) return value;
  const properties = (node['properties'] ?? {}) as Record<string, JsonSchema>;
  const out: Record<string, unknown> = {};
  for (const [name, item] of Object.entries(value)) {
    Object.defineProperty(out, name, { value: shapeXml(item, Object.hasOwn(properties, name) ? properties[name] : undefined, components, depth + 1), enumerable: true, writable: true, configurable: true });
  }
  for (const [name, property] of Object.entries(properties)) {
    if (Object.hasOwn(out, name)) continue;
    const kind = resolved(property, components, depth + 1);
    if (kind && typesOf(kind).includes('array')) out[name] = [];
  }
  return out;
}
