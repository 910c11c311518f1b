import { RULES } from '../src/conformance/rule-catalogue.ts';
import type { ReportEntry } from './report-types.ts';

/** A rule as the report describes it: the catalogue's one-line summary. */
export interface RuleSummary {
  summary: string;
}

/**
 * The catalogue's summary (`src/conformance/rule-catalogue.ts`) of each rule the entries name, by id and
 * sorted, so a reader of the report learns what a rule checks without the source. A rule the catalogue does
 * not know (a report of an older or newer snapconform) is left out rather than guessed.
 */
export function ruleSummaries(entries: ReadonlyArray<Pick<ReportEntry, 'ruleId'>>): Record<string, RuleSummary> {
  const catalogue: Record<string, { summary: string }> = RULES;
  const ids = [...new Set(entries.map((e) => e.ruleId))].filter((id) => Object.hasOwn(catalogue, id)).sort();
  return Object.fromEntries(ids.map((id) => [id, { summary: catalogue[id]!.summary }]));
}

/** A rule's summary as the report carries it, else as this snapconform's catalogue has it (a report written before reports carried them). */
export function summaryOfRule(rules: Record<string, RuleSummary> | undefined, ruleId: string): string | undefined {
  const catalogue: Record<string, { summary: string }> = RULES;
  return rules?.[ruleId]?.summary ?? (Object.hasOwn(catalogue, ruleId) ? catalogue[ruleId]!.summary : undefined);
}
