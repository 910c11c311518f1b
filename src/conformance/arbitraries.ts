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
