import fc from 'fast-check';
import type { JsonSchema } from '../spec/vendor-spec.ts';

/** Options of {@link stringFromSchema}. */
export interface StringFromSchemaOptions {
  /** Upper length when the schema states none. @defaultValue 60 */
  fallbackMaxLength?: number;
  /**
   * Text every string starts with (the run's name prefix, `src/conformance/run-label.ts`): the rest is
   * generated within the lengths left, and the whole must still match the schema.
   */
  prefix?: string;
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
  const regex = pattern ? new RegExp(pattern, 'u') : undefined;
  const prefix = options.prefix ?? '';
  const room = maxLength - [...prefix].length;
  if (room < 0) throw new Error(`the prefix '${prefix}' is longer than the schema's maxLength ${maxLength}`);
  const restMin = Math.max(0, minLength - [...prefix].length);
  // With a prefix and a pattern, the rest is a continuation of letters, digits, `_` and `-` (the patterns of
  // the documents allow these after a leading letter); without a prefix, the pattern itself (which fixes how
  // a string may start) generates.
  const base = regex && !prefix
    ? fc.stringMatching(regex, { maxLength })
    : (regex
        ? fc.stringMatching(/^[A-Za-z0-9_-]*$/, { maxLength: room })
        : fc.oneof(
            fc.string({ unit: 'grapheme-ascii', minLength: restMin, maxLength: room }),
            fc.string({ unit: 'grapheme', minLength: restMin, maxLength: Math.min(room, 20) }),
          )
      ).map((rest) => prefix + rest);
  return base.filter((s) => [...s].length >= minLength && [...s].length <= maxLength && !forbidden.some((p) => s.startsWith(p)) && (!regex || regex.test(s)));
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
