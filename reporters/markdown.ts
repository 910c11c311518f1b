import { endpointText, expectationKind, headlineText, jsonText, observedText, seedText, sourcesOf } from './entry-text.ts';
import { fitMarkdown, MARKDOWN_LIMIT, type MarkdownFinding } from './markdown-budget.ts';
import { markdownCode, markdownCodeBlock, markdownSource, markdownText } from './markdown-text.ts';
import { runOptionParts } from './run-options-text.ts';
import { vendorComparisonMarkdown } from './vendor-comparison-markdown.ts';
import { OUTCOMES, type ConformanceReport, type CoverageDimension, type Outcome, type ReportEntry } from './report-types.ts';
import { unprovokableByWhy } from './coverage.ts';

const MARK: Record<Outcome, string> = { pass: '✅', fail: '❌', skip: '⏭️', error: '⚠️', undocumented: '❔', known: '📌', fixed: '✨' };

function cell(entries: ReportEntry[]): string {
  if (entries.length === 0) return '—';
  const count = (o: Outcome) => entries.filter((e) => e.outcome === o).length;
  return OUTCOMES.filter((o) => count(o) > 0).map((o) => `${MARK[o]} ${count(o)}`).join(' ');
}

// `<` as JSON's \u003c: inside a code block it is text already, and so it stays text wherever the JSON is pasted.
const code = (value: unknown) => markdownCodeBlock(jsonText(value).replaceAll('<', '\\u003c'), 'json');

/** Text of the report in a table cell or a line: `|` would end a cell early, and none of it is markup. */
const inCell = markdownText;

const percent = (d: CoverageDimension) => (d.documented === 0 ? '—' : `${Math.round((100 * d.exercised) / d.documented)} %`);

function header(report: ConformanceReport): string[] {
  const { summary, run } = report;
  const counts = OUTCOMES.filter((o) => o === 'pass' || o === 'fail' || o === 'skip' || o === 'error' || summary[o] > 0)
    .map((o) => `${summary[o]} ${o}`)
    .join(' · ');
  return [
    '# snapconform conformance report',
    '',
    ...(run.partial ? [`> **⚠️ Partial report: the run ended early (${run.reason}).** Only the rules that ran are listed; the rest did not run.`, ''] : []),
    `Run \`${run.id}\` · ${run.durationMs} ms · snapconform ${report.tool.version}${runOptionParts(run).map((p) => ` · ${p.label} \`${p.value}\``).join('')}`,
    '',
    `**${counts}** (${summary.total} rule × target cases)`,
    '',
  ];
}

function targetsTable(report: ConformanceReport): string[] {
  if (report.targets.length === 0) return [];
  const version = (vendor: string) => report.specs.find((s) => s.vendor === vendor)?.apiVersion ?? '—';
  return [
    '| target | vendor | endpoint | region | API version |',
    '|---|---|---|---|---|',
    ...report.targets.map((t) => `| ${inCell(t.name)} | ${inCell(t.vendor)} | ${inCell(endpointText(t))} | ${inCell(t.region)} | ${inCell(version(t.vendor))} |`),
    '',
  ];
}

function matrix(report: ConformanceReport): string[] {
  const targets = [...new Set(report.results.map((r) => r.target))].sort();
  const rules = [...new Set(report.results.map((r) => r.ruleId))].sort();
  return [
    `| rule | ${targets.map(inCell).join(' | ')} |`,
    `|---|${targets.map(() => '---').join('|')}|`,
    ...rules.map((rule) => `| \`${rule}\` | ${targets.map((t) => cell(report.results.filter((r) => r.ruleId === rule && r.target === t))).join(' | ')} |`),
    '',
  ];
}

/** A baseline note in one line: reason, where it is written, its link and expiry. */
function baselineText(note: NonNullable<ReportEntry['baseline']>): string {
  return [
    `${markdownText(note.reason)}${note.source ? ` (${markdownText(note.source)})` : ''}`,
    ...(note.link ? [markdownText(note.link)] : []),
    ...(note.expired ? [`**expired ${markdownText(note.expires ?? '')}: excuses nothing any more**`] : note.expires ? [`until ${markdownText(note.expires)}`] : []),
  ].join(' · ');
}

/** `❌ `rule` · case · target`: which finding, as its heading and its one-line form both name it. */
const findingName = (entry: ReportEntry) => `${MARK[entry.outcome]} ${markdownCode(entry.ruleId)} · ${markdownText(entry.caseId)} · ${markdownText(entry.target)}`;

/**
 * A finding: its headline first (expected against observed, in one sentence), then the expectation with its
 * sources linked to the vendor's pages, what was observed, and how to replay it; and the same as one line,
 * for a report cut to fit a comment. Everything an endpoint or a report file can hold is escaped.
 */
function finding(entry: ReportEntry, report: ConformanceReport): MarkdownFinding {
  const sources = report.specs.find((s) => s.vendor === entry.vendor)?.sources;
  const refs = sourcesOf(entry).map((ref) => markdownSource(ref, sources));
  const seed = seedText(entry);
  const headline = markdownText(headlineText(entry));
  const full = [
    `### ${findingName(entry)}`,
    '',
    `**${headline}**`,
    '',
    ...(entry.baseline ? [`- **Baseline**: ${baselineText(entry.baseline)}`] : []),
    `- **Expected** (${expectationKind(entry)}): ${markdownText(entry.expectation.text)}`,
    ...(entry.undocumented ? [`- **Undocumented**: ${markdownText(entry.undocumented)}`] : []),
    ...(refs.length > 0 ? [`- **Source**: ${refs.join('; ')}`] : []),
    `- **Observed**: ${markdownText(observedText(entry))}`,
    ...(entry.variantSeen ? [`- **Variant seen**: ${markdownText(entry.variantSeen)}`] : []),
    ...(entry.wire ? [`- **Wire**: signed ${markdownText(entry.wire.signature)}, answers asked in ${markdownText(entry.wire.format)}`] : []),
    ...(seed ? [`- **Seed**: ${seed}`] : []),
    ...(entry.replay ? [`- **Replay**: ${markdownCode(entry.replay)}`] : []),
    '',
    ...(entry.counterexample !== undefined ? ['Counterexample:', '', code(entry.counterexample), ''] : []),
  ];
  return { full, brief: `- ${findingName(entry)} — ${headline}` };
}

function coverage(report: ConformanceReport): string[] {
  if (report.coverage.length === 0) return [];
  const dims = [['error codes', 'errorCodes'], ['parameters', 'parameters'], ['constraints', 'constraints']] as const;
  const lines = [
    '## Spec coverage',
    '',
    'What each vendor\'s spec documents, and how much of it this run exercised (error codes expected or answered, parameters sent or cased, constraints broken by a generated case).',
    '',
    '| vendor | error codes | parameters | constraints |',
    '|---|---|---|---|',
    ...report.coverage.map((c) => `| ${c.vendor} | ${dims.map(([, key]) => `${c[key].exercised} / ${c[key].documented} (${percent(c[key])})`).join(' | ')} |`),
    '',
  ];
  for (const c of report.coverage) {
    const missing = dims.filter(([, key]) => c[key].notExercised.length > 0);
    const unprovokable = unprovokableByWhy(c.errorCodes);
    if (missing.length === 0 && unprovokable.length === 0) continue;
    lines.push('<details>', `<summary>${c.vendor}: not exercised</summary>`, '');
    for (const [label, key] of missing) lines.push(`- **${label}**: ${c[key].notExercised.map((item) => `\`${item}\``).join(', ')}`);
    if (unprovokable.length > 0) lines.push('', 'Error codes no run can provoke:', '');
    for (const [why, codes] of unprovokable) lines.push(`- ${codes.map((code) => `\`${code}\``).join(', ')}: ${why}`);
    lines.push('', '</details>', '');
  }
  return lines;
}

/** The plan each URL target's run was checked against, beside what the run did there. */
function planSection(report: ConformanceReport): string[] {
  if (!report.plan || report.plan.length === 0) return [];
  return [
    '## Planned against actual',
    '',
    'Creates sent (resources possibly created, what `maxSnapshots` counts), as the plan rehearsed them and as the run did.',
    '',
    '| target | budget | planned | actual | peak live | lower bound |',
    '|---|---|---|---|---|---|',
    ...report.plan.map((p) => `| ${inCell(p.target)} | ${p.budget} | ${p.planned.creates} (${p.planned.created}) | ${p.actual.creates} (${p.actual.created}) | ${p.peakLive} | ${Math.round(p.lowerBoundMs / 1000)} s, ${inCell(p.limitedBy)} |`),
    '',
    ...report.plan.flatMap((p) => {
      const differ = Object.entries(p.byRule).filter(([, n]) => n.planned !== n.actual);
      return differ.length === 0 ? [] : [`**${inCell(p.target)}**: by rule, planned → actual where they differ: ${differ.map(([r, n]) => `\`${r}\` ${n.planned} → ${n.actual}`).join(', ')}`, ''];
    }),
  ];
}

/** What the end-of-run cleanup did per real target; what it left, each with its reason, and the command that finishes it. */
function cleanupSection(report: ConformanceReport): string[] {
  if (!report.cleanup || report.cleanup.length === 0) return [];
  const notes = (label: string, list: ReadonlyArray<{ id: string; reason: string }>) => list.map((n) => `- ${label} ${markdownCode(n.id)}: ${markdownText(n.reason)}`);
  const left = report.cleanup.filter((c) => c.leftBehind.length + c.unconfirmed.length > 0);
  return [
    '## Cleanup on real targets',
    '',
    'What the run created, deleted when it ended: only what the ledger lists and a describe shows carrying the run\'s name prefix or tag. A snapshot under a retention obligation is kept for `snapconform obligations check`, which deletes it once it has checked it.',
    '',
    '| target | deleted | already gone | kept for an obligation | left behind | unconfirmed |',
    '|---|---|---|---|---|---|',
    ...report.cleanup.map((c) => `| ${inCell(c.target)} | ${c.deleted.length} | ${c.gone.length} | ${c.kept?.length ?? 0} | ${c.leftBehind.length ? `⚠️ ${c.leftBehind.length}` : 0} | ${c.unconfirmed.length ? `⚠️ ${c.unconfirmed.length}` : 0} |`),
    '',
    ...report.cleanup.filter((c) => (c.kept?.length ?? 0) > 0).flatMap((c) => [`**${inCell(c.target)}**, kept for the obligation check:`, '', ...notes('kept', c.kept ?? []), '']),
    ...left.flatMap((c) => [`**${inCell(c.target)}** (\`snapconform sweep\` deletes what is the run's once the service can tell):`, '', ...notes('left behind', c.leftBehind), ...notes('unconfirmed', c.unconfirmed), '']),
  ];
}

/**
 * What a cut report says after its summary: how much of the findings it shows, and that the HTML report beside
 * it (and conformance.json) has everything.
 */
function cutNotice(report: ConformanceReport, cut: { full: number; brief: number; omitted: number; blocks: string[] }): string[] {
  const findings = cut.full + cut.brief + cut.omitted;
  return [
    `> **✂️ Cut to fit a pull-request comment.** Of ${findings} findings, ${cut.full} are shown in full (failures first), ${cut.brief} in one line${cut.omitted > 0 ? `, ${cut.omitted} only counted` : ''}${cut.blocks.length > 0 ? `; left out: ${cut.blocks.join(', ')}` : ''}. Everything is in \`conformance.html\` (and \`conformance.json\`) in the folder of run \`${markdownText(report.run.id)}\`.`,
    '',
  ];
}

/**
 * Renders a report as Markdown for a pull-request comment or a job summary: totals, the targets, the rule ×
 * target matrix, the cleanup on real targets, each failure and error with its expectation, source, observation, counterexample and
 * replay command, the undocumented cases (apart: they are not deviations from the documents), the baseline's
 * known and fixed deviations, the targets side by side (folded), spec coverage, and the skip reasons.
 */
export function renderMarkdown(report: ConformanceReport, limit = MARKDOWN_LIMIT): string {
  const of = (...outcomes: Outcome[]) => report.results.filter((r) => outcomes.includes(r.outcome));
  const skips = new Map<string, number>();
  for (const s of of('skip')) {
    const reason = `${s.target}: ${s.skipReason ?? 'skipped'}`;
    skips.set(reason, (skips.get(reason) ?? 0) + 1);
  }
  const fixed = of('fixed');
  const render = (entry: ReportEntry) => finding(entry, report);
  return fitMarkdown({
    head: [
      ...header(report),
      ...targetsTable(report),
      ...matrix(report),
      ...planSection(report),
      ...cleanupSection(report),
    ],
    sections: [
      { title: '## Deviations and errors', findings: of('fail', 'error').map(render) },
      { title: '## Undocumented behaviour (the documents do not state these; not failing unless --fail-on inferred)', findings: of('undocumented').map(render) },
      { title: '## Known deviations (accepted by the baseline)', findings: of('known').map(render) },
    ],
    tail: [
      { name: 'the fixed deviations', lines: fixed.length === 0 ? [] : ['## Fixed since the baseline', '', ...fixed.map((e) => `- ${findingName(e)}${e.baseline ? ` — baseline: ${markdownText(e.baseline.reason)}` : ''}`), ''] },
      { name: 'the targets side by side', lines: vendorComparisonMarkdown(report) },
      { name: 'the spec coverage', lines: coverage(report) },
      { name: 'the skip reasons', lines: skips.size > 0 ? ['## Skipped', '', ...[...skips].map(([reason, n]) => `- ${markdownText(reason)} (${n})`), ''] : [] },
    ],
  }, limit, (cut) => cutNotice(report, cut));
}
