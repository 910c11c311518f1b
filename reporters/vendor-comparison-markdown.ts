import { compareVendors, type BehaviourTally } from '../src/report/vendor-comparison.ts';
import { markdownText as markdownCellText } from './markdown-text.ts';
import { OUTCOME_SYMBOL, type ConformanceReport } from './report-types.ts';

// Every Markdown renderer escapes endpoint text the same way: reporters/markdown-text.ts.
export { markdownCellText };

/** A cell lists at most this many behaviours, and says how many more there were: the section stays compact. */
const SHOWN = 2;

function cell(tallies: BehaviourTally[], manyCases: boolean): string {
  if (tallies.length === 0) return '—';
  const shown = tallies.slice(0, SHOWN).map((t) => `${OUTCOME_SYMBOL[t.outcome]} ${markdownCellText(t.behaviour)}${manyCases ? ` ×${t.count}` : ''}`);
  const more = tallies.length - SHOWN;
  return [...shown, ...(more > 0 ? [`… ${more} more`] : [])].join('<br>');
}

/**
 * The compact "Targets side by side" section of `conformance.md`: one row per rule, with the catalogue's
 * summary, and per target its answer (code, HTTP status, values seen, variant matched) or, for a rule of
 * several cases, how many answered each way (the two most frequent). Folded in a `<details>`, so a pull
 * request comment stays short; a report of one target gets the same, titled for one. `snapconform report
 * --vendors --cases` lists every case.
 */
export function vendorComparisonMarkdown(report: ConformanceReport): string[] {
  const comparison = compareVendors([{ label: report.run.id, report }]);
  if (comparison.columns.length === 0) return [];
  return [
    comparison.columns.length > 1 ? '## Targets side by side' : '## What the target answered',
    '',
    '<details>',
    `<summary>What each target answered, rule by rule (${comparison.rules.length} rules): ${OUTCOME_SYMBOL.pass} pass, ${OUTCOME_SYMBOL.fail} fail, ${OUTCOME_SYMBOL.undocumented} undocumented, ${OUTCOME_SYMBOL.error} error, ${OUTCOME_SYMBOL.skip} skip; an answer is error code/HTTP status; ×n cases answered alike</summary>`,
    '',
    `| rule | ${comparison.columns.map((c) => markdownCellText(c.label)).join(' | ')} |`,
    `|---|${comparison.columns.map(() => '---').join('|')}|`,
    ...comparison.rules.map((rule) => `| \`${rule.ruleId}\`${rule.summary ? `<br>${markdownCellText(rule.summary)}` : ''} | ${rule.tallies.map((t) => cell(t, rule.cases.length > 1)).join(' | ')} |`),
    '',
    '</details>',
    '',
  ];
}
