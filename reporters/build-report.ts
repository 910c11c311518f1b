import { specCoverage, type CoverageExchange } from './coverage.ts';
import { replayCommand } from './replay.ts';
import { ruleSummaries } from './rule-summaries.ts';
import type { RunMetadata } from './run-metadata.ts';
import { areaOf, OUTCOMES, SCHEMA_VERSION, type ConformanceReport, type Outcome, type ReportEntry, type Timings } from './report-types.ts';

/** What the reporter knows about the run itself. */
export interface RunInfo {
  id: string;
  startedAt: Date;
  finishedAt: Date;
  /** vitest's reason for the end of the run: `passed`, `failed` or `interrupted`. */
  reason: string;
  toolVersion: string;
  /** The slice of the rule files the run ran (`--shard i/n`). */
  shard?: { index: number; count: number };
}

/** A run that did not reach its end: vitest reports `passed` or `failed` only for a run that did. */
export function isPartial(reason: string): boolean {
  return reason !== 'passed' && reason !== 'failed';
}

/** Test time summed per target and per area, and the ten slowest entries. */
export function timingsOf(results: ReadonlyArray<ReportEntry>): Timings {
  const byTarget: Record<string, number> = {};
  const byArea: Record<string, number> = {};
  for (const entry of results) {
    byTarget[entry.target] = (byTarget[entry.target] ?? 0) + entry.durationMs;
    byArea[areaOf(entry.ruleId)] = (byArea[areaOf(entry.ruleId)] ?? 0) + entry.durationMs;
  }
  const slowest = [...results]
    .sort((a, b) => b.durationMs - a.durationMs)
    .slice(0, 10)
    .map(({ ruleId, caseId, target, durationMs }) => ({ ruleId, caseId, target, durationMs }));
  return { byTarget, byArea, slowest };
}

/** How many entries ended with each outcome, and in all. */
export function summaryOf(results: ReadonlyArray<Pick<ReportEntry, 'outcome'>>): ConformanceReport['summary'] {
  const summary = { ...Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>, total: results.length };
  for (const entry of results) summary[entry.outcome] += 1;
  return summary;
}

/** The report's order of entries: by rule, then target, then case. */
export function byRuleTargetCase(a: ReportEntry, b: ReportEntry): number {
  return a.ruleId.localeCompare(b.ruleId) || a.target.localeCompare(b.target) || a.caseId.localeCompare(b.caseId);
}

/**
 * Assembles `conformance.json` from the run's entries: sorted results with their replay commands, the
 * summary, the run's targets, specs, seed and options, timings, and each vendor's spec coverage.
 */
export function buildReport(entries: ReadonlyArray<ReportEntry>, run: RunInfo, metadata: RunMetadata, exchanges: Iterable<CoverageExchange> = []): ConformanceReport {
  const runPart: ConformanceReport['run'] = {
    id: run.id,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt.toISOString(),
    durationMs: run.finishedAt.getTime() - run.startedAt.getTime(),
    reason: run.reason,
    partial: isPartial(run.reason),
    ...(metadata.seed !== undefined ? { seed: metadata.seed } : {}),
    ...(metadata.options ? { options: metadata.options } : {}),
    targetFile: metadata.targetFile,
    ...(run.shard ? { shard: run.shard } : {}),
    ...(metadata.driver ? { driver: metadata.driver } : {}),
  };
  // A replay runs with the run's options and names the file that holds the entry's target.
  const results = entries.map((entry) => {
    const replay = replayCommand(entry, { run: runPart, targets: metadata.targets });
    return replay === undefined ? { ...entry } : { ...entry, replay };
  });
  results.sort(byRuleTargetCase);
  const summary = summaryOf(results);
  const exchangeList = [...exchanges];
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'snapconform', version: run.toolVersion },
    run: runPart,
    targets: metadata.targets,
    specs: metadata.specs.map((s) => s.report),
    summary,
    timings: timingsOf(results),
    coverage: metadata.specs.map(({ spec }) => specCoverage(spec, results, exchangeList)),
    results,
    rules: ruleSummaries(results),
  };
}
