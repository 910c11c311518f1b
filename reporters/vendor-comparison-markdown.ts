import { compareVendors, type BehaviourTally } from '../src/report/vendor-comparison.ts';
import { OUTCOME_SYMBOL, type ConformanceReport } from './report-types.ts';

/** A cell lists at most this many behaviours, and says how many more there were: the section stays compact. */
const SHOWN = 3;

/**
 * Text from an endpoint (an error code, a default name) inside a Markdown table cell: markup characters and
 * `|` escaped, `<`, `>` and `&` as entities (no HTML reaches the page), control characters and line breaks as
 * spaces (a break would end the row).
 */
export function markdownCellText(text: string): string {
  return text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ')
    .replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;')
    .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`);
}

function cell(tallies: BehaviourTally[], manyCases: boolean): string {
  if (tallies.length === 0) return '—';
  const shown = tallies.slice(0, SHOWN).map((t) => `${OUTCOME_SYMBOL[t.outcome]} ${markdownCellText(t.behaviour)}${manyCases ? ` ×${t.count}` : ''}`);
  const more = tallies.length - SHOWN;
  return [...shown, ...(more > 0 ? [`… ${more} more`] : [])].join('<br>');
}

/**
 * The compact "Targets side by side" section of `conformance.md`: one row per rule, with the catalogue's
 * summary, and per target its answer (code, HTTP status, values seen, variant matched) or, for a rule of
 * several cases, how many answered each way (the three most frequent). Folded in a `<details>`, so a pull
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
    `<summary>What each target answered, rule by rule (${comparison.rules.length} rules): ${OUTCOME_SYMBOL.pass} pass, ${OUTCOME_SYMBOL.fail} fail, ${OUTCOME_SYMBOL.undocumented} undocumented, ${OUTCOME_SYMBOL.error} error, ${OUTCOME_SYMBOL.skip} skip; ×n cases answered alike</summary>`,
    '',
    `| rule | ${comparison.columns.map((c) => markdownCellText(c.label)).join(' | ')} |`,
    `|---|${comparison.columns.map(() => '---').join('|')}|`,
    ...comparison.rules.map((rule) => `| \`${rule.ruleId}\`${rule.summary ? `<br>${markdownCellText(rule.summary)}` : ''} | ${rule.tallies.map((t) => cell(t, rule.cases.length > 1)).join(' | ')} |`),
    '',
    '</details>',
    '',
  ];
}
