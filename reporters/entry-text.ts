import { plainAssertionLine, plainAssertionText } from '../src/conformance/plain-assertion.ts';
import type { SourceRef } from '../src/spec/spec-types.ts';
import type { ReportEntry, ReportTarget } from './report-types.ts';

/**
 * Plain-text pieces of an entry, shared by the Markdown and JUnit renderers so both say the same thing the
 * same way. (The HTML page renders entries in the browser, from the embedded JSON.)
 */

/** The entry's source references as a list. */
export function sourcesOf(entry: Pick<ReportEntry, 'expectation'>): SourceRef[] {
  const source = entry.expectation.source;
  return source === undefined ? [] : Array.isArray(source) ? source : [source];
}

/** `cbs-create-intl § 2. Input Parameters; ref-cbs § 2.2 Common error codes`. */
export function sourceText(entry: Pick<ReportEntry, 'expectation'>): string {
  return sourcesOf(entry).map((r) => `${r.doc} § ${r.section}`).join('; ');
}

/** Whether the documents state the expectation or the spec infers it. */
export function expectationKind(entry: Pick<ReportEntry, 'expectation'>): string {
  return entry.expectation.inferred ? 'inferred, not stated by the documents' : 'documented';
}

/**
 * The finding in one plain sentence, the first thing every format says about it: the failing check's headline;
 * for a report written before headlines, the first line of its message in plain words, else the expectation
 * against what was observed.
 */
export function headlineText(entry: Pick<ReportEntry, 'headline' | 'observed' | 'message' | 'expectation'>): string {
  const message = entry.message?.split('\n')[0];
  return entry.headline || (message ? plainAssertionLine(message) : '') || `expected: ${entry.expectation.text}; observed: ${observedText(entry)}`;
}

/**
 * The message beyond the headline, in plain words (a report written before messages were cleaned still carries
 * the assertion library's phrasing); undefined when it says nothing the headline does not.
 */
export function messageText(entry: Pick<ReportEntry, 'headline' | 'observed' | 'message' | 'expectation'>): string | undefined {
  const message = entry.message === undefined ? '' : plainAssertionText(entry.message);
  return message === '' || message === headlineText(entry) ? undefined : message;
}

/** What was observed, in one line: the record's observation, else the first line of the message. */
export function observedText(entry: Pick<ReportEntry, 'observed' | 'message'>): string {
  return entry.observed ?? entry.message?.split('\n')[0] ?? 'no answer';
}

/** A value as indented JSON, cut at `max` characters (a counterexample can be a 64-item array). */
export function jsonText(value: unknown, max = 2000): string {
  let text: string;
  try {
    text = JSON.stringify(value, null, 2) ?? 'undefined';
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max)}\n…` : text;
}

/** `42, path 3:1:0` for a property's seed and shrink path. */
export function seedText(entry: Pick<ReportEntry, 'seed' | 'path'>): string | undefined {
  return entry.seed === undefined ? undefined : `${entry.seed}${entry.path ? `, path ${entry.path}` : ''}`;
}

/** A target's endpoint as the report's targets table shows it: `emulator (deviates on purpose: quota-off-by-one)`. */
export function endpointText(target: Pick<ReportTarget, 'endpoint' | 'deviations'>): string {
  return target.deviations?.length ? `${target.endpoint} (deviates on purpose: ${target.deviations.join(', ')})` : target.endpoint;
}
