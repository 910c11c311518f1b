import { readFileSync } from 'node:fs';
import { escapeHtml } from './html-text.ts';
import { endpointText } from './entry-text.ts';
import { vendorComparisonSection } from './vendor-comparison-html.ts';
import { areaOf, OUTCOME_SYMBOL, OUTCOMES, type ConformanceReport, type CoverageDimension, type Outcome, type ReportEntry } from './report-types.ts';
import { unprovokableByWhy } from './coverage.ts';
import { runOptionParts } from './run-options-text.ts';

const SYMBOL = OUTCOME_SYMBOL;

/**
 * Renders `conformance.html`: one self-contained page (inline CSS and JS, no network: a Content Security
 * Policy forbids every fetch) that a CI artifact viewer or a mail attachment can open as it is.
 *
 * The summary, targets, spec coverage, the rule × target matrix, the targets side by side and the cleanup on real targets are plain
 * HTML, readable without JavaScript. The script (`html/report.js`) adds the filters (vendor, outcome, area, text) and the
 * drill-down into each entry, rendered from the report JSON embedded in the page.
 */
export function renderHtml(report: ConformanceReport): string {
  const { run } = report;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>snapconform · ${escapeHtml(run.id)}</title>
<style>
${asset('report.css')}
</style>
</head>
<body>
<header>
<h1>snapconform conformance report</h1>
<div class="meta">Run <code>${escapeHtml(run.id)}</code> · ${escapeHtml(run.startedAt)} · ${run.durationMs} ms · snapconform ${escapeHtml(report.tool.version)}${runOptionParts(run).map((p) => ` · ${escapeHtml(p.label)} <code>${escapeHtml(p.value)}</code>`).join('')}</div>
${run.partial ? `<div class="banner" id="partial-banner" role="alert">Partial report: the run ended early (${escapeHtml(run.reason)}). Only the rules that ran are listed; the rest did not run.</div>` : ''}
<div class="chips" id="summary">${OUTCOMES.map((o) => `<span class="chip o-${o}${report.summary[o] === 0 ? ' zero' : ''}" data-outcome="${o}"><span aria-hidden="true">${SYMBOL[o]}</span> ${report.summary[o]} ${o}</span>`).join('')}<span class="chip">${report.summary.total} total</span></div>
</header>
<main>
${targetsSection(report)}
${matrixSection(report)}
${vendorComparisonSection(report)}
${cleanupSection(report)}
<section id="findings">
<h2>Findings</h2>
<p class="hint nojs">Turn on JavaScript to open each finding here; <code>conformance.md</code> beside this page lists the failures too.</p>
<p class="hint" id="finding-hint"></p>
<div id="finding-list"></div>
</section>
${coverageSection(report)}
${timingsSection(report)}
</main>
<script type="application/json" id="report-data">${embedJson(report)}</script>
<script>
${asset('report.js')}
</script>
</body>
</html>
`;
}

const ASSETS = new URL('./html/', import.meta.url);
const assets = new Map<string, string>();

/** The page's stylesheet or script, read once; a script must not be able to end its own element. */
function asset(name: string): string {
  let text = assets.get(name);
  if (text === undefined) {
    text = readFileSync(new URL(name, ASSETS), 'utf8');
    if (/<\/(script|style)/i.test(text)) throw new Error(`reporters/html/${name} must not contain a closing script or style tag`);
    assets.set(name, text);
  }
  return text;
}

/**
 * The report as the content of a `<script type="application/json">`. Every `<` is written `\u003c`, so
 * no value (a vendor's response body, say) can close the element or open a comment; U+2028 and U+2029 are
 * escaped as well, for readers that still treat the content as script.
 */
export function embedJson(value: unknown): string {
  return JSON.stringify(value).replaceAll('<', '\\u003c').replaceAll('\u2028', '\\u2028').replaceAll('\u2029', '\\u2029');
}

function targetsSection(report: ConformanceReport): string {
  if (report.targets.length === 0) return '';
  const spec = (vendor: string) => report.specs.find((s) => s.vendor === vendor);
  const rows = report.targets.map((t) => `<tr><td>${escapeHtml(t.name)}</td><td>${escapeHtml(t.vendor)}</td><td class="mono">${escapeHtml(endpointText(t))}</td><td>${escapeHtml(t.region)}</td><td>${escapeHtml(spec(t.vendor)?.apiVersion ?? '—')}</td></tr>`);
  return `<section id="targets">
<h2>Targets</h2>
<table class="targets"><thead><tr><th>target</th><th>vendor</th><th>endpoint</th><th>region</th><th>API version (spec)</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>
</section>`;
}

function filterGroup(name: string, label: string, values: string[]): string {
  const buttons = ['all', ...values].map((v) => `<button type="button" data-filter="${name}" data-value="${escapeHtml(v)}" aria-pressed="${v === 'all'}">${escapeHtml(v)}</button>`);
  return `<div class="group" role="group" aria-label="${label}"><span class="label">${label}</span>${buttons.join('')}</div>`;
}

function matrixSection(report: ConformanceReport): string {
  const targets = [...new Set([...report.targets.map((t) => t.name), ...report.results.map((r) => r.target)])]
    .filter((name) => report.results.some((r) => r.target === name));
  const vendorOf = (target: string) => report.targets.find((t) => t.name === target)?.vendor ?? report.results.find((r) => r.target === target)?.vendor ?? '';
  const rules = [...new Set(report.results.map((r) => r.ruleId))].sort();
  const areas = [...new Set(rules.map(areaOf))];
  const byCell = new Map<string, ReportEntry[]>();
  for (const entry of report.results) {
    const key = `${entry.ruleId}\n${entry.target}`;
    byCell.set(key, [...(byCell.get(key) ?? []), entry]);
  }
  let previousArea = '';
  const rows = rules.map((rule) => {
    const area = areaOf(rule);
    const start = area !== previousArea;
    previousArea = area;
    const cells = targets.map((target) => `<td data-target="${escapeHtml(target)}" data-vendor="${escapeHtml(vendorOf(target))}">${cell(rule, target, byCell.get(`${rule}\n${target}`) ?? [])}</td>`);
    return `<tr data-rule="${escapeHtml(rule)}" data-area="${escapeHtml(area)}"${start ? ' class="area-start"' : ''}><th class="rule" scope="row"><code>${escapeHtml(rule)}</code></th>${cells.join('')}</tr>`;
  });
  return `<section id="matrix-section">
<h2>Rules × targets</h2>
<div class="filters" id="filters">
${filterGroup('vendor', 'vendor', [...new Set(targets.map(vendorOf))])}
${filterGroup('outcome', 'outcome', [...OUTCOMES])}
${filterGroup('area', 'area', areas)}
<div class="group"><label class="label" for="rule-search">rule</label><input id="rule-search" type="search" placeholder="filter rules" autocomplete="off"></div>
</div>
<p class="hint">Each cell counts the cases of a rule on a target by outcome<span class="js-only">; select a cell to list its cases under Findings</span>.</p>
<table id="matrix">
<thead><tr><th>rule</th>${targets.map((t) => `<th data-target="${escapeHtml(t)}" data-vendor="${escapeHtml(vendorOf(t))}">${escapeHtml(t)}<span class="vendor">${escapeHtml(vendorOf(t))}</span></th>`).join('')}</tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
</section>`;
}

function cell(rule: string, target: string, entries: ReportEntry[]): string {
  if (entries.length === 0) return '<span class="none">—</span>';
  const counts = new Map<Outcome, number>();
  for (const e of entries) counts.set(e.outcome, (counts.get(e.outcome) ?? 0) + 1);
  const badges = OUTCOMES.filter((o) => counts.has(o))
    .map((o) => `<span class="badge o-${o}" data-outcome="${o}" data-count="${counts.get(o)}" title="${counts.get(o)} ${o}"><span aria-hidden="true">${SYMBOL[o]}</span> ${counts.get(o)}</span>`);
  return `<button type="button" class="cell" data-rule="${escapeHtml(rule)}" data-target="${escapeHtml(target)}" aria-pressed="false" aria-label="${escapeHtml(`${rule} on ${target}`)}">${badges.join('')}</button>`;
}

function meter(label: string, d: CoverageDimension): string {
  const share = d.documented === 0 ? 0 : (100 * d.exercised) / d.documented;
  return `<div class="meter-row"><span>${label}</span><div class="meter" role="img" aria-label="${Math.round(share)} %"><span style="width:${share.toFixed(1)}%"></span></div><span class="mono">${d.exercised} / ${d.documented} · ${Math.round(share)} %</span></div>`;
}

function coverageSection(report: ConformanceReport): string {
  if (report.coverage.length === 0) return '';
  const dims = [['error codes', 'errorCodes'], ['parameters', 'parameters'], ['constraints', 'constraints']] as const;
  const cards = report.coverage.map((c) => {
    const missing = dims.filter(([, key]) => c[key].notExercised.length > 0)
      .map(([label, key]) => `<details><summary>${c[key].notExercised.length} ${label} not exercised</summary><ul>${c[key].notExercised.map((i) => `<li><code>${escapeHtml(i)}</code></li>`).join('')}</ul></details>`);
    const unprovokable = unprovokableByWhy(c.errorCodes);
    if (unprovokable.length > 0) {
      const count = unprovokable.reduce((n, [, codes]) => n + codes.length, 0);
      missing.push(`<details class="unprovokable"><summary>${count} error codes no run can provoke</summary><ul>${unprovokable.map(([why, codes]) => `<li>${codes.map((code) => `<code>${escapeHtml(code)}</code>`).join(', ')}: ${escapeHtml(why)}</li>`).join('')}</ul></details>`);
    }
    return `<div class="card" data-vendor="${escapeHtml(c.vendor)}"><h3>${escapeHtml(c.vendor)}</h3>${dims.map(([label, key]) => meter(label, c[key])).join('')}${missing.join('')}</div>`;
  });
  return `<section id="coverage">
<h2>Spec coverage</h2>
<p class="hint">What each vendor's spec documents, and how much of it this run exercised: error codes a rule expected or an endpoint answered, parameters a case was about or a request sent, constraints a generated case broke.</p>
<div class="coverage">${cards.join('\n')}</div>
</section>`;
}

/** What the end-of-run cleanup did per real target, and each resource it left with the reason. */
function cleanupSection(report: ConformanceReport): string {
  if (!report.cleanup || report.cleanup.length === 0) return '';
  const count = (n: number) => `<td class="mono${n > 0 ? ' o-fail' : ''}">${n}</td>`;
  const rows = report.cleanup.map((c) => `<tr><td>${escapeHtml(c.target)}</td><td class="mono">${c.deleted.length}</td><td class="mono">${c.gone.length}</td><td class="mono">${c.kept?.length ?? 0}</td>${count(c.leftBehind.length)}${count(c.unconfirmed.length)}</tr>`);
  const notes = report.cleanup.flatMap((c) => [
    ...(c.kept ?? []).map((n) => ({ target: c.target, kind: 'kept', ...n })),
    ...c.leftBehind.map((n) => ({ target: c.target, kind: 'left behind', ...n })),
    ...c.unconfirmed.map((n) => ({ target: c.target, kind: 'unconfirmed', ...n })),
  ]).map((n) => `<li>${escapeHtml(n.target)} · ${n.kind} <code>${escapeHtml(n.id)}</code>: ${escapeHtml(n.reason)}</li>`);
  return `<section id="cleanup">
<h2>Cleanup on real targets</h2>
<p class="hint">What the run created, deleted when it ended: only what the ledger lists and a describe shows carrying the run's name prefix or tag. <code>snapconform sweep</code> deletes what is left once the service can tell; a snapshot kept for a retention obligation is deleted by <code>snapconform obligations check</code> once it has checked it.</p>
<table><thead><tr><th>target</th><th>deleted</th><th>already gone</th><th>kept for an obligation</th><th>left behind</th><th>unconfirmed</th></tr></thead><tbody>${rows.join('')}</tbody></table>
${notes.length > 0 ? `<ul id="cleanup-left">${notes.join('')}</ul>` : ''}
</section>`;
}

function timingsSection(report: ConformanceReport): string {
  const byTarget = Object.entries(report.timings.byTarget).map(([t, ms]) => `<tr><td>${escapeHtml(t)}</td><td class="mono">${ms} ms</td></tr>`);
  const slowest = report.timings.slowest.map((s) => `<tr><td><code>${escapeHtml(s.ruleId)}</code></td><td>${escapeHtml(s.caseId)}</td><td>${escapeHtml(s.target)}</td><td class="mono">${s.durationMs} ms</td></tr>`);
  return `<section id="timings">
<h2>Timings</h2>
<p class="hint">Test time summed per target (files run in parallel, so the sums exceed the run's ${report.run.durationMs} ms), and the slowest cases.</p>
<table><thead><tr><th>target</th><th>test time</th></tr></thead><tbody>${byTarget.join('')}</tbody></table>
<table style="margin-top:10px"><thead><tr><th>rule</th><th>case</th><th>target</th><th>time</th></tr></thead><tbody>${slowest.join('')}</tbody></table>
</section>`;
}
