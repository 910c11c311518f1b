import { behaviourParts, compareVendors, type BehaviourTally, type RuleRow, type SeenBehaviour, type VendorComparison } from '../src/report/vendor-comparison.ts';
import { escapeHtml } from './html-text.ts';
import { OUTCOME_SYMBOL, OUTCOMES, type ConformanceReport, type Outcome } from './report-types.ts';

/**
 * The "Targets side by side" section of `conformance.html`, beside the rule × target matrix: a chart of the
 * outcomes per area and target (inline SVG, coloured by the page's outcome colours, no script), then each
 * rule with the catalogue's summary and what every target answered — code, HTTP status, values seen, variant
 * matched — with the cases of a rule of several behind a disclosure. Plain HTML: it reads without JavaScript.
 * A report of one target gets the same, titled for one: the rule summaries and its answers are worth reading alone.
 */
export function vendorComparisonSection(report: ConformanceReport): string {
  const comparison = compareVendors([{ label: report.run.id, report }]);
  if (comparison.columns.length === 0) return '';
  // data-vendor: the page's vendor filter (html/report.js) hides the other vendors' columns here as in the matrix.
  const vendors = comparison.columns.map((c) => escapeHtml(c.vendor));
  const heads = comparison.columns.map((c, i) => `<th scope="col" data-vendor="${vendors[i]}">${escapeHtml(c.label)}<span class="vendor">${escapeHtml(c.vendor)}${c.region ? ` · ${escapeHtml(c.region)}` : ''}</span></th>`).join('');
  return `<section id="vendors">
<h2>${comparison.columns.length > 1 ? 'Targets side by side' : 'What the target answered'}</h2>
<p class="hint">How each target behaved, rule by rule: the answer that decided each case (error code/HTTP status), the values it showed where the documents leave a choice or a number, and the documented variant it matched. A rule of several cases shows how many answered each way; open it for every case. <code>snapconform report --vendors</code> prints the same, and compares the targets of two reports (a vendor and an emulator, two regions, two accounts).</p>
${outcomeChart(comparison)}
<table id="vendor-comparison">
<thead><tr><th scope="col">rule</th>${heads}</tr></thead>
<tbody>
${comparison.rules.map((rule) => ruleRows(rule, vendors)).join('\n')}
</tbody>
</table>
</section>`;
}

function ruleRows(rule: RuleRow, vendors: string[]): string {
  const single = rule.cases.length === 1 ? rule.cases[0]! : undefined;
  const cells = rule.tallies.map((tallies, i) => `<td data-vendor="${vendors[i]}">${single ? behaviourCell(single.cells[i] ?? null) : talliesCell(tallies)}</td>`).join('');
  const head = `<tr data-vc-rule="${escapeHtml(rule.ruleId)}" data-vc-area="${escapeHtml(rule.area)}"><th scope="row"><code>${escapeHtml(rule.ruleId)}</code>${rule.summary ? `<span class="rule-summary">${escapeHtml(rule.summary)}</span>` : ''}</th>${cells}</tr>`;
  if (single) return head;
  const rows = rule.cases.map((row) => `<tr><th scope="row">${escapeHtml(row.key)}</th>${row.cells.map((cell, i) => `<td data-vendor="${vendors[i]}">${behaviourCell(cell)}</td>`).join('')}</tr>`);
  return `${head}
<tr class="vc-cases"><td colspan="${vendors.length + 1}"><details><summary>${rule.cases.length} cases of <code>${escapeHtml(rule.ruleId)}</code>, each target's answer</summary><table><tbody>${rows.join('')}</tbody></table></details></td></tr>`;
}

/** The outcome's badge: its symbol in a cell (the word is its title and, for a screen reader, its text), symbol and word in the key. */
const badge = (outcome: Outcome, withWord = false) => `<span class="badge o-${outcome}" title="${outcome}"><span aria-hidden="true">${OUTCOME_SYMBOL[outcome]}</span>${withWord ? ` ${outcome}` : `<span class="vc-sr">${outcome}</span>`}</span>`;

function behaviourCell(cell: SeenBehaviour | null): string {
  if (!cell) return '<span class="none">—</span>';
  // The expectation and observation behind the cell, for a pointer's hover; the matrix's findings have the rest.
  const detail = [`case ${cell.caseId}`, `expected: ${cell.expected}`, ...(cell.observed ? [`observed: ${cell.observed}`] : []), ...(cell.skipReason ? [`skipped: ${cell.skipReason}`] : [])].join('\n');
  const { answer, values, variant } = behaviourParts(cell);
  return `<div class="vc-seen" title="${escapeHtml(detail)}">${badge(cell.outcome)} ${answer !== undefined ? escapeHtml(answer) : ''}${values.map((v) => `<div class="vc-value">${escapeHtml(v)}</div>`).join('')}${variant !== undefined ? `<div class="vc-variant">variant: ${escapeHtml(variant)}</div>` : ''}</div>`;
}

function talliesCell(tallies: BehaviourTally[]): string {
  if (tallies.length === 0) return '<span class="none">—</span>';
  return tallies.map((t) => `<div class="vc-seen">${badge(t.outcome)} ${escapeHtml(t.behaviour)} <span class="vc-count">×${t.count}</span></div>`).join('');
}

// The chart's geometry, in SVG user units (the SVG scales to the page's width).
const LABEL_WIDTH = 230;
const BAR_WIDTH = 420;
const COUNT_WIDTH = 260;
const ROW = 18;
const AREA_HEAD = 24;

/**
 * Cases per outcome, by area and target, as horizontal stacked bars on one scale (the longest bar is the
 * area × target with the most cases), so a glance shows where a target fails, skips or differs from the others.
 */
function outcomeChart(comparison: VendorComparison): string {
  const totals = comparison.areas.flatMap((a) => a.counts.map((c) => OUTCOMES.reduce((sum, o) => sum + c[o], 0)));
  const scale = BAR_WIDTH / Math.max(1, ...totals);
  const parts: string[] = [];
  let y = 0;
  for (const { area, counts } of comparison.areas) {
    parts.push(`<text class="vc-area" x="0" y="${y + 16}">${escapeHtml(area)}</text>`);
    y += AREA_HEAD;
    counts.forEach((count, i) => {
      const column = comparison.columns[i]!;
      parts.push(`<text class="vc-label" x="${LABEL_WIDTH - 8}" y="${y + 13}" text-anchor="end">${escapeHtml(column.label)}</text>`);
      let x = LABEL_WIDTH;
      // Worst first from the left, as the matrix lists outcomes; passes and skips end the bar.
      for (const outcome of OUTCOMES) {
        if (count[outcome] === 0) continue;
        const width = count[outcome] * scale;
        parts.push(`<rect class="vc-${outcome}" x="${x.toFixed(1)}" y="${y + 2}" width="${width.toFixed(1)}" height="${ROW - 4}"><title>${escapeHtml(`${column.label}, ${area}: ${count[outcome]} ${outcome}`)}</title></rect>`);
        x += width;
      }
      const text = OUTCOMES.filter((o) => count[o] > 0).map((o) => `${count[o]} ${o}`).join(' · ') || 'no cases';
      parts.push(`<text class="vc-counts" x="${(x + 6).toFixed(1)}" y="${y + 13}">${text}</text>`);
      y += ROW;
    });
  }
  const width = LABEL_WIDTH + BAR_WIDTH + COUNT_WIDTH;
  return `<figure class="vc-chart">
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${y + 4}" width="${width}" role="img" aria-labelledby="vc-chart-title"><title id="vc-chart-title">Cases per outcome, by area and target</title>
${parts.join('\n')}
</svg>
<figcaption>Cases per outcome, by area (${comparison.areas.map((a) => escapeHtml(a.area)).join(', ')}) and target, on one scale: ${OUTCOMES.map((o) => badge(o, true)).join(' ')}</figcaption>
</figure>`;
}
