import fc from 'fast-check';
import type { JsonSchema } from '../spec/vendor-spec.ts';

/** Options of {@link stringFromSchema}. */
export interface StringFromSchemaOptions {
  /** Upper length when the schema states none. @defaultValue 60 */
  fallbackMaxLength?: number;
}

/**
 * Valid strings for a string schema: its `pattern` (with the `u` flag), length limits and forbidden
 * prefixes, all honoured. Where the documents state no limit, lengths stay modest (60) so a real service's
 * undocumented limit is not mistaken for a deviation.
 */
export function stringFromSchema(schema: JsonSchema | undefined, options: StringFromSchemaOptions = {}): fc.Arbitrary<string> {
  const minLength = Math.max(1, (schema?.['minLength'] as number | undefined) ?? 1);
  const maxLength = (schema?.['maxLength'] as number | undefined) ?? options.fallbackMaxLength ?? 60;
  const forbidden = (schema?.['x-forbidden-prefixes'] as string[] | undefined) ?? [];
  const pattern = schema?.['pattern'] as string | undefined;
  const base = pattern
    ? fc.stringMatching(new RegExp(pattern, 'u'), { maxLength })
    : fc.oneof(
        fc.string({ unit: 'grapheme-ascii', minLength, maxLength }),
        fc.string({ unit: 'grapheme', minLength, maxLength: Math.min(maxLength, 20) }),
      );
  return base.filter((s) => [...s].length >= minLength && [...s].length <= maxLength && !forbidden.some((p) => s.startsWith(p)));
}

/** Options of {@link tokenFromSchema}. */
export interface TokenFromSchemaOptions {
  /** Characters to leave free at the end of the schema's `maxLength` (for a suffix the caller appends). @defaultValue 0 */
  reserve?: number;
  /** Upper length when the schema states none. @defaultValue 64 */
  fallbackMaxLength?: number;
}

/**
 * Valid idempotency tokens (Alibaba `ClientToken`) for a string schema: printable ASCII without spaces, within
 * the schema's length limits less `reserve`, and matching its `pattern`. Control characters are left out
 * even where the pattern allows them: a real service's refusal of those is not what a token rule tests.
 */
export function tokenFromSchema(schema: JsonSchema | undefined, options: TokenFromSchemaOptions = {}): fc.Arbitrary<string> {
  const minLength = Math.max(1, (schema?.['minLength'] as number | undefined) ?? 1);
  const maxLength = ((schema?.['maxLength'] as number | undefined) ?? options.fallbackMaxLength ?? 64) - (options.reserve ?? 0);
  const pattern = schema?.['pattern'] as string | undefined;
  const regex = pattern ? new RegExp(pattern, 'u') : undefined;
  const printable = fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c));
  return fc.string({ unit: printable, minLength: Math.min(minLength, maxLength), maxLength: Math.max(1, maxLength) })
    .filter((s) => (regex ? regex.test(s) : true));
}
