import type { ConformanceReport, ReportEntry } from './conformance-reporter.ts';

const MARK: Record<ReportEntry['outcome'], string> = { pass: '✅', fail: '❌', skip: '⏭️', error: '⚠️' };

function cell(entries: ReportEntry[]): string {
  if (entries.length === 0) return '—';
  const count = (o: ReportEntry['outcome']) => entries.filter((e) => e.outcome === o).length;
  const parts = (['fail', 'error', 'pass', 'skip'] as const).filter((o) => count(o) > 0).map((o) => `${MARK[o]} ${count(o)}`);
  return parts.join(' ');
}

function sourceText(entry: ReportEntry): string {
  const refs = entry.expectation.source === undefined ? [] : ([] as unknown[]).concat(entry.expectation.source) as Array<{ doc: string; section: string }>;
  return refs.map((r) => `${r.doc} § ${r.section}`).join('; ');
}

const code = (value: unknown) => {
  const text = JSON.stringify(value, null, 2) ?? 'undefined';
  return '```json\n' + (text.length > 2000 ? text.slice(0, 2000) + '\n…' : text) + '\n```';
};

/**
 * Renders a report as Markdown for a pull-request comment or a job summary: totals, the rule × target
 * matrix, then each failure and error with its expectation, source, observation and counterexample, and
 * the skip reasons.
 */
export function renderMarkdown(report: ConformanceReport): string {
  const targets = [...new Set(report.results.map((r) => r.target))].sort();
  const rules = [...new Set(report.results.map((r) => r.ruleId))].sort();
  const { summary } = report;
  const lines: string[] = [
    '# snapconform conformance report',
    '',
    `Run \`${report.run.id}\` · ${report.run.durationMs} ms · snapconform ${report.tool.version}`,
    '',
    `**${summary.pass} pass · ${summary.fail} fail · ${summary.skip} skip · ${summary.error} error** (${summary.total} rule × target cases)`,
    '',
    `| rule | ${targets.join(' | ')} |`,
    `|---|${targets.map(() => '---').join('|')}|`,
    ...rules.map((rule) => `| \`${rule}\` | ${targets.map((t) => cell(report.results.filter((r) => r.ruleId === rule && r.target === t))).join(' | ')} |`),
    '',
  ];
  const problems = report.results.filter((r) => r.outcome === 'fail' || r.outcome === 'error');
  if (problems.length > 0) {
    lines.push('## Deviations and errors', '');
    for (const entry of problems) {
      lines.push(
        `### ${MARK[entry.outcome]} \`${entry.ruleId}\` · ${entry.caseId} · ${entry.target}`,
        '',
        `- **Expected** (${entry.expectation.inferred ? 'inferred, not stated by the documents' : 'documented'}): ${entry.expectation.text}`,
        ...(sourceText(entry) ? [`- **Source**: ${sourceText(entry)}`] : []),
        `- **Observed**: ${entry.observed ?? entry.message?.split('\n')[0] ?? 'no answer'}`,
        ...(entry.seed !== undefined ? [`- **Seed**: ${entry.seed}${entry.path ? `, path ${entry.path}` : ''} (replay: \`snapconform run --seed ${entry.seed}\`)`] : []),
        '',
        ...(entry.counterexample !== undefined ? ['Counterexample:', '', code(entry.counterexample), ''] : []),
      );
    }
  }
  const skips = report.results.filter((r) => r.outcome === 'skip');
  if (skips.length > 0) {
    const reasons = new Map<string, number>();
    for (const s of skips) reasons.set(`${s.target}: ${s.skipReason ?? 'skipped'}`, (reasons.get(`${s.target}: ${s.skipReason ?? 'skipped'}`) ?? 0) + 1);
    lines.push('## Skipped', '', ...[...reasons].map(([reason, n]) => `- ${reason} (${n})`), '');
  }
  return lines.join('\n');
}
