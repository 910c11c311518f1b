import { BREAKABLE_KEYWORDS } from '../src/conformance/invalid-cases.ts';
import type { Transcript } from '../src/transport/call-result.ts';
import type { ErrorEntry } from '../src/spec/spec-types.ts';
import type { ActionSpec, JsonSchema } from '../src/spec/vendor-spec.ts';
import type { CoverageDimension, ReportEntry, VendorCoverage } from './report-types.ts';

/**
 * Spec coverage: of what a vendor's spec documents — error codes, request parameters, parameter
 * constraints — how much the run exercised.
 *
 * Documented, from the spec:
 * - error codes: each action's `x-errors` and the service's `x-common-errors`;
 * - parameters: every request parameter, nested ones too (`CreateSnapshot.Tag[].Key`);
 * - constraints: every validation keyword on a parameter (`CreateSnapshot.Tag[].Key#maxLength`), each
 *   `required` name, `additionalProperties: false`, and the cross-parameter keywords (`not`, `anyOf`, `if`…).
 *
 * Exercised, from what the run did (skipped entries exercised nothing):
 * - an error code when a rule that ran expected it or an endpoint answered with it (observed text,
 *   transcripts, the run's exchanges). A code not seen that the spec lists as one no run can provoke
 *   (`x-unprovokable-errors`) is reported apart, with why: `notExercised` holds the gaps only;
 * - a parameter when a case was about it (`caseId` `<Action>.<path>`) or a request sent it;
 * - a constraint when a generated case broke it (`request.invalid-<keyword>` on `<Action>.<path>`, the
 *   convention of `suites/request-validation.case.ts`).
 */

/** The parts of a `VendorSpec` coverage reads; a plain object will do (the unit tests use one). */
export interface CoverageSpec {
  vendor: string;
  actions: ReadonlyArray<Pick<ActionSpec, 'action' | 'resolvedRequestSchema'> & { errors: ReadonlyArray<Pick<ErrorEntry, 'code'>> }>;
  commonErrors: ReadonlyArray<Pick<ErrorEntry, 'code'>>;
  /** Documented codes no run can provoke, with why (`VendorSpec.unprovokableErrors`). */
  unprovokableErrors?: ReadonlyArray<{ code: string; why: string }>;
}

/** The fields of a report entry coverage reads. */
export type CoverageEntry = Pick<ReportEntry, 'ruleId' | 'caseId' | 'vendor' | 'outcome' | 'observed' | 'expectation' | 'transcript'>;

/** One recorded exchange (`exchanges.ndjson`), with the vendor of its target. */
export interface CoverageExchange {
  vendor: string;
  action: string;
  request: Pick<Transcript['request'], 'url' | 'body'>;
  response: Pick<Transcript['response'], 'body'>;
}

/** Keywords that constrain a value, beyond the ones the case generator breaks: documented all the same. */
const CONSTRAINT_KEYWORDS = [
  ...BREAKABLE_KEYWORDS.filter((k) => k !== 'required' && k !== 'additionalProperties'),
  'const', 'multipleOf', 'exclusiveMinimum', 'exclusiveMaximum', 'uniqueItems', 'minProperties', 'maxProperties',
  'dependentRequired', 'not', 'anyOf', 'oneOf', 'if',
];

/** Deep enough for every spec's nesting (`Filters[].Values[]`); a guard against a self-referencing schema. */
const MAX_DEPTH = 8;

const INVALID_CASE_RULE = /^request\.invalid-(.+)$/;

/** `Tag[].Key` from path segments `['Tag', 1, 'Key']` or `['Tag', '[]', 'Key']`: array indices do not matter. */
function joinPath(segments: ReadonlyArray<string | number>): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number' || segment === '[]' || /^\d+$/.test(segment)) out += '[]';
    else out = out === '' ? segment : `${out}.${segment}`;
  }
  return out;
}

/** `Tag`, `Tag[]`, `Tag[].Key` for `Tag.1.Key`: sending a nested value sends its parents too. */
function prefixesOf(segments: ReadonlyArray<string | number>): string[] {
  return segments.map((_, i) => joinPath(segments.slice(0, i + 1)));
}

const qualified = (action: string, path: string) => (path === '' ? action : `${action}.${path}`);

/** Walks a request schema: the documented parameters and constraints of one action. */
function documentAction(action: string, schema: JsonSchema, parameters: Set<string>, constraints: Set<string>): void {
  const visit = (node: JsonSchema, path: Array<string | number>, depth: number): void => {
    if (depth > MAX_DEPTH) return;
    const at = qualified(action, joinPath(path));
    for (const keyword of CONSTRAINT_KEYWORDS) {
      // The request itself is always an object: its `type` is not a constraint a parameter can break.
      if (keyword in node && !(keyword === 'type' && path.length === 0)) constraints.add(`${at}#${keyword}`);
    }
    if (node['additionalProperties'] === false) constraints.add(`${at}#additionalProperties`);
    for (const name of (node['required'] as string[] | undefined) ?? []) constraints.add(`${qualified(action, joinPath([...path, name]))}#required`);
    for (const [name, child] of Object.entries((node['properties'] ?? {}) as Record<string, JsonSchema>)) {
      if (child === null || typeof child !== 'object') continue;
      parameters.add(qualified(action, joinPath([...path, name])));
      visit(child, [...path, name], depth + 1);
    }
    const items = node['items'];
    if (items !== null && typeof items === 'object' && !Array.isArray(items)) visit(items as JsonSchema, [...path, '[]'], depth + 1);
  };
  visit(schema, [], 0);
}

/** Parameter paths a request carried: its query, and its body as JSON or as a form. */
function sentPaths(request: Pick<Transcript['request'], 'url' | 'body'>): string[][] {
  const paths: string[][] = [];
  const fromQuery = (query: URLSearchParams) => { for (const name of query.keys()) paths.push(name.split('.')); };
  try {
    fromQuery(new URL(request.url).searchParams);
  } catch {
    // a URL the transport could not have sent; nothing to read
  }
  const body = request.body.trim();
  if (body.startsWith('{')) {
    const walk = (value: unknown, path: string[], depth: number): void => {
      if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return;
      if (Array.isArray(value)) {
        for (const item of value) walk(item, [...path, '[]'], depth + 1);
        return;
      }
      for (const [key, child] of Object.entries(value)) {
        paths.push([...path, key]);
        walk(child, [...path, key], depth + 1);
      }
    };
    try {
      walk(JSON.parse(body), [], 0);
    } catch {
      // not JSON after all
    }
  } else if (body !== '') {
    fromQuery(new URLSearchParams(body));
  }
  return paths;
}

/** Error-code-like tokens of a text: `InvalidSnapshotCategory.Malformed`, `INVALID_DISK_NOT_FOUND`. */
function codeTokens(text: string | undefined, into: Set<string>): void {
  for (const token of (text ?? '').match(/[A-Za-z][\w.]*\w/g) ?? []) into.add(token);
}

function dimension(documented: ReadonlySet<string>, exercised: ReadonlySet<string>): CoverageDimension {
  const notExercised = [...documented].filter((item) => !exercised.has(item)).sort();
  return { documented: documented.size, exercised: documented.size - notExercised.length, notExercised };
}

/** Error codes: those not seen that no run can provoke are listed apart, with why, from the gaps. */
function errorCodeDimension(documented: ReadonlySet<string>, seen: ReadonlySet<string>, unprovokable: ReadonlyArray<{ code: string; why: string }>): CoverageDimension {
  const all = dimension(documented, seen);
  const why = new Map(unprovokable.map((u) => [u.code, u.why]));
  const unprovokableSeen = all.notExercised.filter((code) => why.has(code)).map((code) => ({ code, why: why.get(code)! }));
  if (unprovokableSeen.length === 0) return all;
  return { ...all, notExercised: all.notExercised.filter((code) => !why.has(code)), unprovokable: unprovokableSeen };
}

/**
 * The coverage of one vendor's spec by a run: its entries (those of other vendors are ignored) and the
 * exchanges its targets recorded.
 */
export function specCoverage(spec: CoverageSpec, entries: Iterable<CoverageEntry>, exchanges: Iterable<CoverageExchange> = []): VendorCoverage {
  const codes = new Set([...spec.actions.flatMap((a) => a.errors.map((e) => e.code)), ...spec.commonErrors.map((e) => e.code)]);
  const parameters = new Set<string>();
  const constraints = new Set<string>();
  for (const action of spec.actions) documentAction(action.action, action.resolvedRequestSchema, parameters, constraints);

  const tokens = new Set<string>();
  const touched = new Set<string>();
  const broken = new Set<string>();
  const touch = (action: string, segments: ReadonlyArray<string | number>) => {
    for (const prefix of prefixesOf(segments)) touched.add(qualified(action, prefix));
  };
  for (const entry of entries) {
    if (entry.vendor !== spec.vendor || entry.outcome === 'skip') continue;
    codeTokens(entry.observed, tokens);
    codeTokens(entry.expectation.text, tokens);
    codeTokens(entry.transcript?.response.body, tokens);
    const [action = '', ...path] = entry.caseId.split('.');
    if (path.length > 0) touch(action, path);
    const keyword = INVALID_CASE_RULE.exec(entry.ruleId)?.[1];
    if (keyword === undefined) continue;
    // An unknown parameter breaks `additionalProperties` of the object that holds it.
    const at = keyword === 'additionalProperties' ? path.slice(0, -1) : path;
    broken.add(`${qualified(action, joinPath(at))}#${keyword}`);
  }
  for (const exchange of exchanges) {
    if (exchange.vendor !== spec.vendor) continue;
    codeTokens(exchange.response.body, tokens);
    for (const path of sentPaths(exchange.request)) touch(exchange.action, path);
  }
  return {
    vendor: spec.vendor,
    errorCodes: errorCodeDimension(codes, tokens, spec.unprovokableErrors ?? []),
    parameters: dimension(parameters, touched),
    constraints: dimension(constraints, broken),
  };
}

/** The unprovokable codes of a dimension grouped by why (reasons in the order of their first code): what the formats list. */
export function unprovokableByWhy(dimension: CoverageDimension): Array<[why: string, codes: string[]]> {
  const groups = new Map<string, string[]>();
  for (const { code, why } of dimension.unprovokable ?? []) groups.set(why, [...(groups.get(why) ?? []), code]);
  return [...groups.entries()];
}
