import { Ajv2020 } from 'ajv/dist/2020.js';
import type { AnySchemaObject, DataValidateFunction } from 'ajv/dist/types/index.js';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

/**
 * Annotation keywords our specs may carry inside Schema Objects. They do not validate; listing them keeps
 * ajv's strict mode on, so a misspelt constraint (`maxlength`) is an error instead of a silent no-op.
 */
const ANNOTATIONS = [
  'example', 'discriminator', 'xml', 'externalDocs',
  'x-source', 'x-error', 'x-variants', 'x-wire-name', 'x-inferred', 'x-note', 'x-default',
];

/**
 * Creates the one JSON Schema 2020-12 validator that every part of snapconform uses for vendor schemas:
 * formats (`date-time`, …), the `u` flag on patterns, and the `x-forbidden-prefixes`, `x-unique-by` and
 * `x-excludes` keywords.
 */
export function createSchemaValidator(options: { allErrors?: boolean; strict?: boolean } = {}): Ajv2020 {
  const ajv = new Ajv2020({ strict: options.strict ?? true, allErrors: options.allErrors ?? true, unicodeRegExp: true, validateFormats: true, logger: false });
  addFormats(ajv);
  ajv.addVocabulary(ANNOTATIONS);
  ajv.addKeyword({
    keyword: 'x-forbidden-prefixes',
    type: 'string',
    schemaType: 'array',
    metaSchema: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 },
    // "must not start with http:// or https://" and the like (Alibaba CreateSnapshot: SnapshotName,
    // Description, Tag.N.Key/Value). Case-sensitive, as the pages write them.
    validate: ((prefixes: string[], value: string) => !prefixes.some((prefix) => value.startsWith(prefix))) as unknown as DataValidateFunction,
    errors: false,
  } as AnySchemaObject as never);
  ajv.addKeyword({
    keyword: 'x-unique-by',
    type: 'array',
    schemaType: 'string',
    metaSchema: { type: 'string', minLength: 1 },
    // No two items share the named field (Alibaba CreateSnapshot: "Duplicate.TagKey — The Tag.N.Key contain
    // duplicate key."). JSON Schema's uniqueItems compares whole items; two tags with one key and two values
    // are unique items and still refused.
    validate: ((field: string, items: unknown[]) => {
      const seen = items.flatMap((item) => (item !== null && typeof item === 'object' && field in item ? [JSON.stringify((item as Record<string, unknown>)[field])] : []));
      return new Set(seen).size === seen.length;
    }) as unknown as DataValidateFunction,
    errors: false,
  } as AnySchemaObject as never);
  ajv.addKeyword({
    keyword: 'x-excludes',
    schemaType: 'array',
    metaSchema: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 },
    // The parameter must not be given together with the named ones of the same object (Alibaba CreateSnapshot:
    // "The snapshot Category and InstantAccess can't be used together."). On the parameter, not the object, so
    // the refusal is about a parameter and its x-error names the code, as for every other keyword.
    validate: ((others: string[], _value: unknown, _schema: unknown, data?: { parentData?: unknown }) => {
      const parent = data?.parentData;
      return parent === null || typeof parent !== 'object' || !others.some((name) => name in (parent as Record<string, unknown>));
    }) as unknown as DataValidateFunction,
    errors: false,
  } as AnySchemaObject as never);
  return ajv;
}
