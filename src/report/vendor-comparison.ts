import { summaryOfRule } from '../../reporters/rule-summaries.ts';
import { terminalLine } from '../../reporters/terminal-text.ts';
import { areaOf, OUTCOME_SYMBOL, OUTCOMES, type ConformanceReport, type Outcome, type ReportEntry } from '../../reporters/report-types.ts';

/**
 * How the targets of one or more reports behaved, side by side: for each rule and each of its cases, what
 * every target answered (error code, HTTP status, the values it showed, the documented variant it matched)
 * and how that was judged. A pure function of finished reports, so it compares the vendors of one run as well
 * as two runs against different targets (a vendor and an emulator, two regions, two accounts). The renderers
 * (`reporters/vendor-comparison-html.ts`, `reporters/vendor-comparison-markdown.ts`) and `snapconform report
 * --vendors` read only this shape.
 */

/** A report to compare, and how to name it when two reports name a target alike. */
export interface ComparedReport {
  /** Short name of the report (the path given on the command line); prefixes the columns only when target names collide. */
  label: string;
  report: ConformanceReport;
}

/** One column of the comparison: one target of one report. */
export interface ComparisonColumn {
  /** The column's heading: the target's name, or `<report label>: <target>` when another report has a target of that name. */
  label: string;
  target: string;
  vendor: string;
  region?: string;
  endpoint?: string;
  /** The label of the report the column comes from. */
  report: string;
}

/** What one target did in one case. */
export interface SeenBehaviour {
  caseId: string;
  outcome: Outcome;
  /** The error code of the answer that decided the case; absent when the target accepted it (or no code was read). */
  code?: string;
  httpStatus?: number;
  /** Values the target showed where the documents leave a choice or a number (the default name, the quota). */
  valuesSeen?: Record<string, string>;
  /** The documented variant the target matched, where the documents allow several. */
  variantSeen?: string;
  /** What the target's documents led the rule to expect. */
  expected: string;
  /** True when the expectation is inferred, not stated by the documents. */
  inferred?: boolean;
  /** What was observed, in the rule's words. */
  observed?: string;
  skipReason?: string;
}

/** A case of a rule across the columns. */
export interface CaseRow {
  /** The case id shared by the columns (compared ignoring case: `CreateSnapshot.DiskId` and `CreateSnapshot.diskId` are one case), or the rule id when each column has one case of the rule. */
  key: string;
  /** One per column, in column order; `null` where the target has no such case. */
  cells: Array<SeenBehaviour | null>;
}

/** Cases of a rule on one target that behaved alike: same code and status (or accepted, or skipped). */
export interface BehaviourTally {
  /** `MissingParameter/400`, `accepted/200`, `skipped`, `error`. */
  behaviour: string;
  count: number;
  /** The worst outcome among them. */
  outcome: Outcome;
}

/** A rule across the columns. */
export interface RuleRow {
  ruleId: string;
  area: string;
  /** The catalogue's one-line summary of the rule. */
  summary?: string;
  /** Per column, the rule's cases grouped by behaviour, most frequent first; empty where the target has none. */
  tallies: BehaviourTally[][];
  cases: CaseRow[];
}

/** The comparison, as every renderer reads it. */
export interface VendorComparison {
  columns: ComparisonColumn[];
  rules: RuleRow[];
  /** Outcome counts per area (request, envelope, auth, protocol, snapshot, …) and column: what the chart draws. */
  areas: Array<{ area: string; counts: Array<Record<Outcome, number>> }>;
}

// `observe()` in src/conformance/rule-meta.ts writes `HTTP <status>, <code or success>`: reports written before
// entries carried `answer` are read from that line.
const OBSERVED_ANSWER = /^HTTP (\d{3}), (\S+)$/;

function answerOf(entry: ReportEntry): { code?: string; httpStatus?: number } {
  if (entry.answer) return entry.answer;
  const match = entry.observed === undefined ? null : OBSERVED_ANSWER.exec(entry.observed);
  if (!match) return {};
  return { httpStatus: Number(match[1]), ...(match[2] !== 'success' ? { code: match[2] } : {}) };
}

/** The structured observation of one report entry. */
export function behaviourOf(entry: ReportEntry): SeenBehaviour {
  const { code, httpStatus } = answerOf(entry);
  return {
    caseId: entry.caseId,
    outcome: entry.outcome,
    ...(code !== undefined ? { code } : {}),
    ...(httpStatus !== undefined ? { httpStatus } : {}),
    ...(entry.valuesSeen && Object.keys(entry.valuesSeen).length > 0 ? { valuesSeen: entry.valuesSeen } : {}),
    ...(entry.variantSeen ? { variantSeen: entry.variantSeen } : {}),
    expected: entry.expectation.text,
    ...(entry.expectation.inferred ? { inferred: true } : {}),
    ...(entry.observed !== undefined ? { observed: entry.observed } : {}),
    ...(entry.skipReason !== undefined ? { skipReason: entry.skipReason } : {}),
  };
}

/**
 * The answer alone, as code/HTTP status: `QuotaExceed.Snapshot/403`, `accepted/200`, `skipped`, `error`;
 * undefined for a rule that judges something other than one answer (a snapshot's progress, a retention deadline).
 */
export function answerText(b: Pick<SeenBehaviour, 'outcome' | 'code' | 'httpStatus'>): string | undefined {
  if (b.outcome === 'skip') return 'skipped';
  if (b.code === undefined && b.httpStatus === undefined) return b.outcome === 'error' ? 'error' : undefined;
  const status = b.httpStatus !== undefined ? `/${b.httpStatus}` : '';
  return `${b.code ?? (b.httpStatus !== undefined && b.httpStatus < 400 ? 'accepted' : 'refused')}${status}`;
}

/** Observations longer than this are cut where a comparison shows them in place of an answer. */
const OBSERVED_MAX = 90;

/**
 * A case's behaviour in one line: the answer, the values seen and the variant matched; where the rule judged
 * no single answer and saw no values, what it observed (cut short).
 */
export function behaviourText(b: SeenBehaviour): string {
  const { answer, values, variant } = behaviourParts(b);
  return [...(answer !== undefined ? [answer] : []), ...values, ...(variant !== undefined ? [`variant: ${variant}`] : [])].join(' · ');
}

/** The pieces of {@link behaviourText}, for a renderer that lays them out apart (the HTML puts each value on its line). */
export function behaviourParts(b: SeenBehaviour): { answer?: string; values: string[]; variant?: string } {
  const values = Object.entries(b.valuesSeen ?? {}).map(([name, value]) => `${name} ${value}`);
  const answer = answerText(b) ?? (values.length > 0 ? undefined : shortened(b.observed ?? 'nothing observed'));
  return { ...(answer !== undefined ? { answer } : {}), values, ...(b.variantSeen ? { variant: b.variantSeen } : {}) };
}

function shortened(text: string): string {
  const line = text.split('\n')[0]!;
  return line.length > OBSERVED_MAX ? `${line.slice(0, OBSERVED_MAX - 1)}…` : line;
}

const RANK = new Map(OUTCOMES.map((o, i) => [o, i]));
const worse = (a: Outcome, b: Outcome) => ((RANK.get(a) ?? 0) <= (RANK.get(b) ?? 0) ? a : b);

function tallyOf(behaviours: SeenBehaviour[]): BehaviourTally[] {
  const byAnswer = new Map<string, BehaviourTally>();
  for (const b of behaviours) {
    // One case alone keeps its values and variant; among many, only the answer groups them.
    const behaviour = behaviours.length === 1 ? behaviourText(b) : (answerText(b) ?? b.outcome);
    const tally = byAnswer.get(behaviour);
    if (tally) {
      tally.count += 1;
      tally.outcome = worse(tally.outcome, b.outcome);
    } else byAnswer.set(behaviour, { behaviour, count: 1, outcome: b.outcome });
  }
  return [...byAnswer.values()].sort((a, b) => b.count - a.count || (RANK.get(a.outcome) ?? 0) - (RANK.get(b.outcome) ?? 0) || a.behaviour.localeCompare(b.behaviour));
}

function columnsOf(inputs: ReadonlyArray<ComparedReport>): Array<ComparisonColumn & { entries: ReportEntry[] }> {
  const listed = inputs.flatMap(({ label, report }) => {
    const names = [...new Set([...report.targets.map((t) => t.name), ...report.results.map((r) => r.target)])]
      .filter((name) => report.results.some((r) => r.target === name));
    return names.map((name) => {
      const target = report.targets.find((t) => t.name === name);
      const entries = report.results.filter((r) => r.target === name);
      return {
        label: name,
        target: name,
        vendor: target?.vendor ?? entries[0]!.vendor,
        ...(target ? { region: target.region, endpoint: target.endpoint } : {}),
        report: label,
        entries,
      };
    });
  });
  // Two reports of one target file name their targets alike: the report's label tells the columns apart.
  return listed.map((c) => (listed.filter((o) => o.target === c.target).length > 1 ? { ...c, label: `${c.report}: ${c.target}` } : c));
}

/**
 * Sets the targets of the reports side by side, rule by rule and case by case. Cases of one rule are matched
 * across targets by case id, ignoring case (vendors spell parameters differently: `DiskId`, `diskId`); a rule
 * with at most one case per target is one row, whatever each target calls its case.
 */
export function compareVendors(inputs: ReadonlyArray<ComparedReport>): VendorComparison {
  const columns = columnsOf(inputs);
  const ruleIds = [...new Set(columns.flatMap((c) => c.entries.map((e) => e.ruleId)))].sort();
  const rulesOf = new Map(inputs.map(({ report }) => [report, report.rules]));
  const summaryOf = (ruleId: string) => {
    for (const rules of rulesOf.values()) {
      const summary = summaryOfRule(rules, ruleId);
      if (summary !== undefined) return summary;
    }
    return undefined;
  };
  const rules = ruleIds.map((ruleId): RuleRow => {
    const perColumn = columns.map((c) => c.entries.filter((e) => e.ruleId === ruleId));
    const oneEach = perColumn.every((entries) => entries.length <= 1);
    const keyOf = (entry: ReportEntry) => (oneEach ? ruleId : entry.caseId.toLowerCase());
    const keys = [...new Set(perColumn.flatMap((entries) => entries.map(keyOf)))].sort();
    const cases = keys.map((key): CaseRow => {
      const cells = perColumn.map((entries) => {
        const entry = entries.find((e) => keyOf(e) === key);
        return entry ? behaviourOf(entry) : null;
      });
      // A row names the case as the first target spells it.
      return { key: oneEach ? key : cells.find((c) => c !== null)!.caseId, cells };
    });
    const summary = summaryOf(ruleId);
    return {
      ruleId,
      area: areaOf(ruleId),
      ...(summary !== undefined ? { summary } : {}),
      tallies: perColumn.map((entries) => tallyOf(entries.map(behaviourOf))),
      cases,
    };
  });
  const areas = [...new Set(ruleIds.map(areaOf))].map((area) => ({
    area,
    counts: columns.map((c) => {
      const counts = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
      for (const e of c.entries) if (areaOf(e.ruleId) === area) counts[e.outcome] += 1;
      return counts;
    }),
  }));
  return { columns: columns.map(({ entries: _entries, ...column }) => column), rules, areas };
}

const MARK = OUTCOME_SYMBOL;

/** Options of {@link vendorComparisonText}. */
export interface ComparisonTextOptions {
  /** Every case of a rule with several, not only each target's tally of them. */
  cases?: boolean;
}

/**
 * The comparison for a terminal: rule by rule, one line per target — its answer (or, for a rule of many
 * cases, how many cases answered which way), the values seen and the variant matched.
 */
export function vendorComparisonText(comparison: VendorComparison, options: ComparisonTextOptions = {}): string {
  const width = Math.max(0, ...comparison.columns.map((c) => c.label.length));
  const lines = [
    `snapconform: ${comparison.columns.length} targets side by side: ${comparison.columns.map((c) => `${c.label} (${c.vendor}${c.region ? `, ${c.region}` : ''})`).join(', ')}`,
    `${Object.entries(MARK).map(([o, m]) => `${m} ${o}`).join(', ')}; an answer is error code/HTTP status; ×n: cases that answered alike`,
    '',
  ];
  for (const rule of comparison.rules) {
    lines.push(`${rule.ruleId}${rule.summary ? ` — ${rule.summary}` : ''}`);
    comparison.columns.forEach((column, i) => {
      const tallies = rule.tallies[i]!;
      const text = tallies.length === 0 ? '—' : tallies.map((t) => `${MARK[t.outcome]} ${t.behaviour}${t.count > 1 || rule.cases.length > 1 ? ` ×${t.count}` : ''}`).join('; ');
      lines.push(`  ${column.label.padEnd(width)}  ${text}`);
    });
    if (options.cases && rule.cases.length > 1) {
      for (const row of rule.cases) {
        lines.push(`    ${row.key}`);
        row.cells.forEach((cell, i) => lines.push(`      ${comparison.columns[i]!.label.padEnd(width)}  ${cell ? `${MARK[cell.outcome]} ${behaviourText(cell)}` : '—'}`));
      }
    }
    lines.push('');
  }
  // Codes, values and target names come from endpoints and report files: nothing of them may steer the terminal.
  return lines.map(terminalLine).join('\n');
}
