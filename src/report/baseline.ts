import { RULES, wildcard } from '../conformance/rule-catalogue.ts';
import { readYamlFile } from '../spec/yaml-source.ts';
import { summaryOf } from '../../reporters/build-report.ts';
import type { BaselineNote, ConformanceReport, ReportEntry } from '../../reporters/report-types.ts';

/**
 * A baseline: the deviations a team knows about and accepts for now, so that a gate fails only on new ones.
 *
 * ```yaml
 * deviations:
 *   - rule: envelope.request-id        # * matches anything
 *     target: alibaba-*
 *     case: CreateSnapshot.*           # optional: only these cases
 *     reason: the vendor omits RequestId on throttled answers
 *     link: https://tracker.example/SNAP-12
 *     expires: 2026-12-31              # optional: excuses nothing after this day (UTC)
 * ```
 *
 * Applied to a report, a `fail` or `undocumented` case an entry matches becomes `known` (an undocumented one keeps
 * its reason, so it reads as undocumented once the baseline is undone); a rule × target an entry matches that
 * passed in every case becomes `fixed` (the entry can go). Errors are never excused: the suite or the
 * network failed, not the vendor. An expired entry excuses nothing; it stays visible on the cases it matches.
 */

/** A baseline file that cannot be used: one line naming the file, the key and what is wrong. */
export class BaselineError extends Error {
  override readonly name = 'BaselineError';
}

/** One known deviation. */
export interface BaselineEntry {
  /** Where it sits in the file, e.g. `deviations[2]`. */
  at: string;
  /** Rule id pattern (`*` matches anything). */
  rule: string;
  /** Target name pattern. */
  target: string;
  /** Case id pattern; absent: every case. */
  case?: string;
  reason: string;
  link: string;
  /** The expiry as written. */
  expires?: string;
  /** The first instant the entry no longer excuses: the day after a date (UTC), or the instant written. */
  expiresAt?: Date;
}

/** A parsed baseline file. */
export interface Baseline {
  file: string;
  entries: BaselineEntry[];
}

const ENTRY_KEYS = ['rule', 'target', 'case', 'reason', 'link', 'expires'];
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** Reads and checks a baseline file. @throws {@link BaselineError} */
export function loadBaseline(file: string): Baseline {
  const read = readYamlFile(file, 'pass an existing baseline file with --baseline');
  if ('problem' in read) throw new BaselineError(`${file}: (file): ${read.problem}`);
  return parseBaseline(file, read.data);
}

/** Checks a baseline's parsed YAML. @throws {@link BaselineError} */
export function parseBaseline(file: string, data: unknown): Baseline {
  const bad = (key: string, reason: string): never => {
    throw new BaselineError(`${file}: ${key}: ${reason}`);
  };
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return bad('(file)', 'must be a mapping with a deviations list');
  const unknownTop = Object.keys(data).find((k) => k !== 'deviations');
  if (unknownTop !== undefined) bad(unknownTop, 'unknown key; a baseline has only deviations');
  const list = (data as { deviations?: unknown }).deviations;
  if (!Array.isArray(list)) return bad('deviations', `must be a list of known deviations (${ENTRY_KEYS.join(', ')})`);
  const entries = list.map((raw: unknown, i): BaselineEntry => {
    const at = `deviations[${i}]`;
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return bad(at, `must be a mapping of ${ENTRY_KEYS.join(', ')}`);
    const fields = raw as Record<string, unknown>;
    const unknown = Object.keys(fields).find((k) => !ENTRY_KEYS.includes(k));
    if (unknown !== undefined) bad(`${at}.${unknown}`, `unknown key; an entry has ${ENTRY_KEYS.join(', ')}`);
    const text = (key: string, required: boolean): string | undefined => {
      const value = fields[key];
      if (value === undefined && !required) return undefined;
      if (typeof value !== 'string' || value.trim() === '') return bad(`${at}.${key}`, value === undefined ? 'is required' : 'must be a non-empty string');
      return value;
    };
    const rule = text('rule', true)!;
    if (!Object.keys(RULES).some((id) => wildcard(rule).test(id))) {
      bad(`${at}.rule`, `'${rule}' matches no rule; rules are ${Object.keys(RULES).join(', ')} (a * matches anything)`);
    }
    const entry: BaselineEntry = { at, rule, target: text('target', true)!, reason: text('reason', true)!, link: text('link', true)! };
    const caseId = text('case', false);
    if (caseId !== undefined) entry.case = caseId;
    const expires = fields['expires'];
    if (expires !== undefined) {
      // YAML 1.1 documents may turn an unquoted date into a timestamp; YAML 1.2 (the default) keeps a string.
      const written = expires instanceof Date ? expires.toISOString() : expires;
      if (typeof written !== 'string' || !(DATE.test(written) || DATE_TIME.test(written)) || Number.isNaN(Date.parse(written))) {
        bad(`${at}.expires`, `must be a date, YYYY-MM-DD (or an ISO 8601 time), got ${JSON.stringify(expires)}`);
      }
      const at0 = new Date(Date.parse(written as string));
      entry.expires = written as string;
      // A date is good through that whole day (UTC).
      entry.expiresAt = DATE.test(written as string) ? new Date(at0.getTime() + 86_400_000) : at0;
    }
    return entry;
  });
  return { file, entries };
}

/** Whether the entry is past its expiry at `now`. */
export function isExpired(entry: BaselineEntry, now: Date): boolean {
  return entry.expiresAt !== undefined && now.getTime() >= entry.expiresAt.getTime();
}

/** The entries past their expiry: each fails a gate until it is renewed or removed. */
export function expiredEntries(baseline: Baseline | undefined, now: Date): BaselineEntry[] {
  return baseline?.entries.filter((e) => isExpired(e, now)) ?? [];
}

/** Whether a baseline entry names a report entry. */
export function matches(entry: BaselineEntry, result: Pick<ReportEntry, 'ruleId' | 'target' | 'caseId'>): boolean {
  return wildcard(entry.rule).test(result.ruleId) && wildcard(entry.target).test(result.target) && (entry.case === undefined || wildcard(entry.case).test(result.caseId));
}

/**
 * The baseline entry that judges a result: the first that matches it and has not expired, else the first
 * expired one (which excuses nothing but is named). The progress line uses it to count a finding as known
 * while the run goes, as the report will.
 */
export function entryFor(baseline: Baseline | undefined, result: Pick<ReportEntry, 'ruleId' | 'target' | 'caseId'>, now: Date): BaselineEntry | undefined {
  const candidates = baseline?.entries.filter((entry) => matches(entry, result)) ?? [];
  return candidates.find((entry) => !isExpired(entry, now)) ?? candidates[0];
}

/** An entry as the run saw it, before any baseline: known was a fail (undocumented when it has the reason), fixed a pass. */
export function withoutBaseline(result: ReportEntry): ReportEntry {
  const { baseline: _note, ...rest } = result;
  const known = result.undocumented !== undefined ? 'undocumented' : 'fail';
  const outcome = result.outcome === 'known' ? known : result.outcome === 'fixed' ? 'pass' : result.outcome;
  return { ...rest, outcome };
}

function noteOf(entry: BaselineEntry, file: string, expired: boolean): BaselineNote {
  return {
    reason: entry.reason,
    source: `${file}, ${entry.at}`,
    link: entry.link,
    ...(entry.expires !== undefined ? { expires: entry.expires } : {}),
    ...(expired ? { expired: true } : {}),
  };
}

/**
 * The results with a baseline applied (any earlier one undone first, so applying twice is applying once).
 * Each result takes the first entry that matches it and has not expired, else the first expired one.
 * Per baseline entry, rule and target: fails and undocumented cases become `known` (or keep their outcome,
 * with the note, when the entry has expired); passes become `fixed` when none of that rule's cases on that
 * target failed or was undocumented. A rule lives in one file, so a sharded run reaches the same verdicts as
 * an unsharded one.
 */
export function applyBaseline(results: ReadonlyArray<ReportEntry>, baseline: Baseline | undefined, now: Date): ReportEntry[] {
  const raw = results.map(withoutBaseline);
  if (!baseline || baseline.entries.length === 0) return raw;
  const matched = raw.map((result) => entryFor(baseline, result, now));
  const groupOf = (entry: BaselineEntry, result: ReportEntry) => `${entry.at}\n${result.ruleId}\n${result.target}`;
  // An undocumented case is the same behaviour still seen: like a fail, it keeps the entry from being fixed.
  const excusable = (result: ReportEntry) => result.outcome === 'fail' || result.outcome === 'undocumented';
  const failing = new Set(raw.flatMap((result, i) => (matched[i] && excusable(result) ? [groupOf(matched[i], result)] : [])));
  return raw.map((result, i) => {
    const entry = matched[i];
    if (!entry) return result;
    const expired = isExpired(entry, now);
    if (excusable(result)) return expired ? { ...result, baseline: noteOf(entry, baseline.file, true) } : { ...result, outcome: 'known', baseline: noteOf(entry, baseline.file, false) };
    if (result.outcome === 'pass' && !failing.has(groupOf(entry, result))) return { ...result, outcome: 'fixed', baseline: noteOf(entry, baseline.file, expired) };
    return result;
  });
}

/** The report with a baseline applied: results and summary. */
export function withBaseline(report: ConformanceReport, baseline: Baseline | undefined, now: Date): ConformanceReport {
  const results = applyBaseline(report.results, baseline, now);
  return { ...report, results, summary: summaryOf(results) };
}

/** The baseline entries that named no result: stale, or outside this run's rules and targets. */
export function unmatchedEntries(baseline: Baseline | undefined, results: ReadonlyArray<ReportEntry>): BaselineEntry[] {
  return baseline?.entries.filter((entry) => !results.some((result) => matches(entry, result))) ?? [];
}
