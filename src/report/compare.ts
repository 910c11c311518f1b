import { headlineText } from '../../reporters/entry-text.ts';
import type { ConformanceReport, Outcome, ReportEntry } from '../../reporters/report-types.ts';
import { runOptionParts } from '../../reporters/run-options-text.ts';
import { summaryText } from '../../reporters/write-report.ts';
import { terminalLine } from '../../reporters/terminal-text.ts';

/**
 * Diffs two reports — say the last release's and a new SDK or emulator build's — finding by finding. A
 * finding is a rule × target × case that did not conform: `fail`, `error` or `known` (a baseline accepting a
 * deviation does not make it go away). `undocumented` is a state of its own: not a finding (the documents do
 * not state what it expected), yet not conforming either, so a finding that becomes undocumented is listed as
 * that change, never as fixed.
 */

/** Outcomes that count as a finding. */
const FINDING: ReadonlySet<Outcome> = new Set(['fail', 'error', 'known']);

/** How much an outcome matters when one key appears twice: a finding, then undocumented, then the rest. */
const weight = (outcome: Outcome) => (FINDING.has(outcome) ? 2 : outcome === 'undocumented' ? 1 : 0);

/** A finding as a comparison lists it: its key, and its outcome in each report (absent: not in it). */
export interface ComparedFinding {
  ruleId: string;
  target: string;
  caseId: string;
  before?: Outcome;
  after?: Outcome;
  /** What `b` observed (for new and unchanged findings), else what `a` did. */
  observed?: string;
  /** The finding in one plain sentence (expected against observed), from the same report as `observed`. */
  headline?: string;
}

/** The findings of `b` against those of `a`. */
export interface Comparison {
  /** Findings of `b` that `a` did not have. */
  new: ComparedFinding[];
  /** Findings of `a` that conform in `b` (pass or fixed). */
  fixed: ComparedFinding[];
  /** Findings in both. */
  unchanged: ComparedFinding[];
  /** Findings of `a` that `b` did not check (absent or skipped): neither fixed nor still there. */
  notRun: ComparedFinding[];
  /**
   * Entries `b` records as undocumented, with `a`'s outcome: a finding of `a` here was reclassified (the
   * expectation is now known to be undocumented), not fixed — the service may do just what it did.
   */
  undocumented: ComparedFinding[];
}

const keyOf = (e: Pick<ReportEntry, 'ruleId' | 'target' | 'caseId'>) => `${e.ruleId}\n${e.target}\n${e.caseId}`;

/** The worst outcome per key (a report may hold one key twice only in a hand-merged file; be safe). */
function byKey(report: ConformanceReport): Map<string, ReportEntry> {
  const map = new Map<string, ReportEntry>();
  for (const entry of report.results) {
    const before = map.get(keyOf(entry));
    if (!before || weight(entry.outcome) > weight(before.outcome)) map.set(keyOf(entry), entry);
  }
  return map;
}

function observedOf(entry: ReportEntry | undefined): string | undefined {
  return entry?.observed ?? entry?.message?.split('\n')[0];
}

/** A finding's headline; none for an entry that did not fail (a pass has nothing to say against the documents). */
function headlineOf(entry: ReportEntry | undefined): string | undefined {
  return entry && (FINDING.has(entry.outcome) || entry.outcome === 'undocumented') ? headlineText(entry) : undefined;
}

/** Compares `b` (the new build) with `a` (the reference), keyed by rule id, target and case id. */
export function compareReports(a: ConformanceReport, b: ConformanceReport): Comparison {
  const before = byKey(a);
  const after = byKey(b);
  const result: Comparison = { new: [], fixed: [], unchanged: [], notRun: [], undocumented: [] };
  for (const key of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const [ruleId, target, caseId] = key.split('\n') as [string, string, string];
    const was = before.get(key);
    const now = after.get(key);
    const wasFinding = was !== undefined && FINDING.has(was.outcome);
    const isFinding = now !== undefined && FINDING.has(now.outcome);
    const isUndocumented = now?.outcome === 'undocumented';
    if (!wasFinding && !isFinding && !isUndocumented) continue;
    const finding: ComparedFinding = {
      ruleId, target, caseId,
      ...(was ? { before: was.outcome } : {}),
      ...(now ? { after: now.outcome } : {}),
    };
    const observed = observedOf(isFinding || isUndocumented ? now : was);
    if (observed !== undefined) finding.observed = observed;
    const headline = headlineOf(isFinding || isUndocumented ? now : was);
    if (headline !== undefined) finding.headline = headline;
    if (isUndocumented) result.undocumented.push(finding);
    else if (isFinding) (wasFinding ? result.unchanged : result.new).push(finding);
    else if (now && (now.outcome === 'pass' || now.outcome === 'fixed')) result.fixed.push(finding);
    else result.notRun.push(finding);
  }
  return result;
}

// The headline and the case id come from an endpoint's answers or a report file: nothing in them may drive the terminal.
const line = (f: ComparedFinding) => terminalLine(`  ${f.ruleId} on ${f.target} (${f.caseId}): ${f.before ?? 'absent'} → ${f.after ?? 'absent'}${f.headline ?? f.observed ? ` — ${f.headline ?? f.observed}` : ''}`);

/** One side of a comparison: a report, and the file it was read from as the command line named it. */
export interface ComparedReport {
  file: string;
  report: ConformanceReport;
}

/**
 * What one side of a comparison ran, for `report --compare --json`: the run, its seed and options, the SDK
 * driven and its version, the targets, and how many cases ran with which outcomes.
 */
export interface ComparedRun {
  file: string;
  id: string;
  seed?: number;
  options?: ConformanceReport['run']['options'];
  driver?: { id: string; version?: string };
  targets: string[];
  /** Cases in the report, and of those the ones that ran (every outcome but skip). */
  cases: number;
  ran: number;
  summary: ConformanceReport['summary'];
}

/** A side of the comparison as `--json` describes it. */
export function comparedRun({ file, report }: ComparedReport): ComparedRun {
  const { run, summary } = report;
  return {
    file,
    id: run.id,
    ...(run.seed !== undefined ? { seed: run.seed } : {}),
    ...(run.options ? { options: run.options } : {}),
    ...(run.driver ? { driver: { id: run.driver.id, ...(run.driver.version ? { version: run.driver.version } : {}) } } : {}),
    targets: report.targets.map((t) => t.name),
    cases: summary.total,
    ran: summary.total - summary.skip,
    summary,
  };
}

/**
 * A side of the comparison in a few lines: the file, then the run with what shaped it (the SDK driven and its
 * version, or snapconform's own client; seed and options; targets), then how many cases ran and how they
 * ended. Two reports without a finding between them still differ here, so a reader sees what was compared.
 */
function sideText(name: 'a' | 'b', side: ComparedReport): string[] {
  const { run, targets, summary } = side.report;
  const shape = [`run ${run.id}`, ...(run.driver || run.options?.driver ? [] : ["snapconform's own client"]), ...runOptionParts(run).map((p) => `${p.label} ${p.value}`), `targets ${targets.map((t) => t.name).join(', ') || 'none'}`];
  // Run ids, target names and options come from a report file: nothing in them may drive the terminal.
  return [`  ${name}  ${side.file}`, `     ${shape.join(' · ')}`, `     ${summary.total - summary.skip} of ${summary.total} cases ran: ${summaryText(side.report)}`].map(terminalLine);
}

/** The comparison for a terminal or a CI log: the counts, what each side ran, then the findings by kind. */
export function comparisonText(comparison: Comparison, aSide: ComparedReport, bSide: ComparedReport): string {
  const [a, b] = [aSide.file, bSide.file];
  const section = (title: string, list: ComparedFinding[]) => (list.length === 0 ? [] : [`${title} (${list.length}):`, ...list.map(line), '']);
  const undocumented = comparison.undocumented.length;
  // A finding that became undocumented left the counts above: say so in the headline, not only further down.
  const reclassified = comparison.undocumented.filter((f) => f.before !== undefined && FINDING.has(f.before)).length;
  return [
    `snapconform: comparing ${b} with ${a}: ${comparison.new.length} new, ${comparison.fixed.length} fixed, ${comparison.unchanged.length} unchanged, ${comparison.notRun.length} not run${undocumented > 0 ? `, ${undocumented} undocumented${reclassified > 0 ? ` (${reclassified} of them findings in the first report: reclassified, not fixed)` : ''}` : ''}`,
    ...sideText('a', aSide),
    ...sideText('b', bSide),
    '',
    ...section('New findings', comparison.new),
    ...section('Fixed', comparison.fixed),
    ...section('Unchanged findings', comparison.unchanged),
    ...section('Not run in the second report (neither fixed nor found)', comparison.notRun),
    ...section('Undocumented in the second report (the documents do not state what was expected; not a deviation, not fixed)', comparison.undocumented),
  ].join('\n');
}
