import { MAX_PARAM_DEPTH, coerceToSchema, flattenParams, unflattenParams, type ParamValue } from '../../transport/flatten.ts';
import type { JsonSchema } from '../../spec/vendor-spec.ts';
import type { ParamPair } from './percent-encode.ts';

/**
 * The Alibaba RPC parameter codec: the spec's structured request object ⇄ flat wire pairs.
 * Arrays of objects are flattened 1-based, `Tag: [{Key, Value}]` → `Tag.1.Key`, `Tag.1.Value`
 * (../shared/reference/alibaba-ecs-and-zenlayer-zec.md §A3.1, §A4 point 6). Parameters the spec types as
 * JSON-array strings — DescribeSnapshots `SnapshotIds`, DescribeDisks `DiskIds` (§A3.5, §A3.7; captures #13,
 * #15: `SnapshotIds=%5B%22s-1%22%2C%22s-2%22%5D`) — are strings in the schema and travel as they are: the codec
 * never turns them into `SnapshotIds.1`, nor a wrongly typed value into a valid one.
 */

/** Structured parameters, as a spec request schema describes them. */
export type StructuredParams = { [key: string]: ParamValue };

/** Flattens structured parameters into wire pairs (values as strings; `null`/`undefined` dropped). */
export function encodeParams(params: StructuredParams): ParamPair[] {
  return flattenParams(params, 1);
}

/** The result of {@link decodeParams}. */
export interface DecodedParams {
  params: StructuredParams;
  /**
   * Names that were not decoded: an empty segment (`Tag..Key`), a segment an object inherits (`__proto__`,
   * `constructor`, `toString`: unflattening those would write into Object.prototype), a repeated name, or a
   * name that is both a value and a prefix of another (`Tag` and `Tag.1.Key`). The first one wins.
   */
  dropped: string[];
}

const INHERITED = new Set(Object.getOwnPropertyNames(Object.prototype));

/**
 * Rebuilds the structured object from wire pairs, for the emulator: numeric segments become arrays in
 * index order (`Tag.1.Key`, `Tag.2.Key` → `Tag[0]`, `Tag[1]`; gaps close up), and values are coerced to the
 * schema's types (`RetentionDays: "7"` → 7, `Force: "true"` → true). Never throws: names that cannot be
 * unflattened safely are set aside in `dropped` (`unflattenParams` itself throws on `Tag` + `Tag.1.Key` and
 * follows `__proto__`).
 */
export function decodeParams(pairs: Iterable<ParamPair> | Record<string, string>, schema?: JsonSchema): DecodedParams {
  const list: Iterable<ParamPair> = Symbol.iterator in pairs ? (pairs as Iterable<ParamPair>) : Object.entries(pairs);
  const leaves = new Set<string>();
  const prefixes = new Set<string>();
  const kept: ParamPair[] = [];
  const dropped: string[] = [];
  for (const [name, value] of list) {
    // Over-deep names are refused before any work proportional to their depth (one prefix per level).
    if (name.split('.', MAX_PARAM_DEPTH + 1).length > MAX_PARAM_DEPTH) {
      dropped.push(name.slice(0, 64));
      continue;
    }
    const segments = name.split('.');
    const paths = segments.map((_, i) => segments.slice(0, i + 1).join('.'));
    const unsafe = segments.some((s) => s === '' || INHERITED.has(s));
    const clashes = leaves.has(name) || prefixes.has(name) || paths.slice(0, -1).some((p) => leaves.has(p));
    if (unsafe || clashes) {
      dropped.push(name);
      continue;
    }
    leaves.add(name);
    for (const path of paths.slice(0, -1)) prefixes.add(path);
    kept.push([name, value]);
  }
  const structured = unflattenParams(kept);
  return { params: coerceToSchema(structured, schema) as StructuredParams, dropped };
}
