import { readFileSync } from 'node:fs';
import type { ValidateFunction } from 'ajv';
import { createSchemaValidator } from '../../../src/spec/ajv.ts';

/** The published schema of conformance.json, compiled the way the project compiles every schema (strict mode on). */
export function reportValidator(): ValidateFunction {
  const schema = JSON.parse(readFileSync(new URL('../../../reporters/conformance.schema.json', import.meta.url), 'utf8')) as object;
  return createSchemaValidator({ allErrors: true, strict: true }).compile(schema);
}

/** ajv's errors in one readable string, for assertion messages. */
export function errorsOf(validate: ValidateFunction): string {
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`).join('\n');
}
