import { join } from 'node:path';
import { makeFigure, type Figure } from '../lib/figure.ts';
import { sizing, type BenchOptions } from '../lib/options.ts';
import { ROOT } from '../lib/paths.ts';
import { measureCommand, type MeasuredCommand } from '../lib/process-tree.ts';
import { readReport, type ConformanceReport } from '../lib/report.ts';
import { round } from '../lib/stats.ts';

const MB = 1024 * 1024;

/** A `snapconform run` as measured: wall time, the process tree's memory, and its report. */
export interface MeasuredRun extends MeasuredCommand {
  /** `<report dir>/latest/conformance.json`, when the run wrote one. */
  reportFile: string | undefined;
  report: ConformanceReport | undefined;
}

/** Runs `snapconform run` with extra arguments into `reportDir`, measuring it. */
export async function measureSnapconformRun(reportDir: string, args: string[]): Promise<MeasuredRun> {
  const measured = await measureCommand(process.execPath, ['bin/snapconform.js', 'run', '--report-dir', reportDir, ...args], { cwd: ROOT });
  const file = join(reportDir, 'latest', 'conformance.json');
  const report = readReport(file);
  return { ...measured, reportFile: report ? file : undefined, report };
}

/** The rules that failed or errored in a run, with what was observed, e.g. `snapshot.create.roundtrip (HTTP 200, InsufficientSnapshotQuota; …)`. */
function failures(report: ConformanceReport): string {
  const byRule = new Map<string, Set<string>>();
  for (const r of report.results.filter((x) => x.outcome === 'fail' || x.outcome === 'error')) {
    byRule.set(r.ruleId, (byRule.get(r.ruleId) ?? new Set()).add(r.observed ?? r.outcome));
  }
  return [...byRule].map(([rule, observed]) => `${rule} (${[...observed].join('; ')})`).join(', ');
}

/**
 * Why a run does not measure the default suite at `factor` times the property runs, if it does not: a rule
 * that fails stops its property early (and on the emulators, every rule passes).
 */
function invalidity(run: MeasuredRun, factor: number): string | undefined {
  if (!run.report) return `the run at --runs ${factor} wrote no report (exit ${run.exitCode})`;
  if (run.report.summary.fail + run.report.summary.error === 0) return undefined;
  return `rules failed at --runs ${factor} (${failures(run.report)}): a failed property stops early, so this is not the time of the full runs`;
}

function outcome(run: MeasuredRun): string {
  if (!run.report) return `no report (exit ${run.exitCode}): ${run.outputTail.slice(-300)}`;
  const { pass, fail, error } = run.report.summary;
  return `${pass} pass, ${fail} fail, ${error} error`;
}

/**
 * Figure 3: wall time and peak memory (summed PSS of the process tree: the CLI, vitest's forks, esbuild) of
 * `snapconform run` with the default target, against vitest started the same way with one empty test (the
 * harness's fixed cost); then how both grow with `--runs`: time at most linearly, memory flat.
 */
export async function fullRun(options: BenchOptions): Promise<{ figures: Figure[]; conformingReport: string | undefined }> {
  const size = sizing(options);
  const baseline = await measureCommand(process.execPath, ['--import', 'tsx', 'bench/baseline-vitest.ts'], { cwd: ROOT });
  if (baseline.exitCode !== 0) throw new Error(`the baseline vitest run failed (exit ${baseline.exitCode}): ${baseline.outputTail}`);
  const runs = new Map<number, MeasuredRun>();
  for (const factor of size.runFactors) {
    const run = await measureSnapconformRun(join(options.outDir, 'tmp', `run-${factor}x`), ['--runs', String(factor)]);
    options.log(`  --runs ${factor}: ${round(run.wallMs / 1000)} s, ${round(run.peakTreePss / MB)} MB PSS (tree), ${outcome(run)}`);
    runs.set(factor, run);
  }
  const [reference, ...others] = size.runFactors;
  const first = runs.get(reference!)!;
  const runDetails = (run: MeasuredCommand & Partial<MeasuredRun>) => ({
    wallMs: round(run.wallMs), peakTreePssMB: round(run.peakTreePss / MB), peakTreeRssMB: round(run.peakTreeRss / MB),
    peakProcessRssMB: round(run.peakProcessRss / MB), peakProcesses: run.peakProcesses, samples: run.samples, exitCode: run.exitCode, summary: run.report?.summary,
  });
  const figures = [
    makeFigure({
      id: 'run.wall', section: 3, title: `run at --runs ${reference}: wall time`,
      measured: first.wallMs / 1000, unit: 's', baseline: baseline.wallMs / 1000, baselineLabel: 'vitest, one empty test',
      target: { on: 'measured', op: '<=', value: 20 },
      note: outcome(first),
      invalid: invalidity(first, reference!),
      details: { run: runDetails(first), baseline: runDetails(baseline) },
    }),
    makeFigure({
      id: 'run.memory', section: 3, title: `run at --runs ${reference}: peak memory (PSS, process tree)`,
      measured: first.peakTreePss / MB, unit: 'MB', baseline: baseline.peakTreePss / MB, baselineLabel: 'vitest, one empty test',
      target: { on: 'measured', op: '<=', value: 500 },
      invalid: invalidity(first, reference!),
      note: `RSS summed over the tree ${round(first.peakTreeRss / MB, 0)} MB (shared pages counted in each process), largest single process ${round(first.peakProcessRss / MB, 0)} MB; up to ${first.peakProcesses} processes`,
    }),
  ];
  for (const factor of others) {
    const run = runs.get(factor)!;
    const scale = factor / reference!;
    const invalid = invalidity(run, factor);
    figures.push(
      makeFigure({
        id: `run.time-growth.${factor}x`, section: 3, title: `--runs ${factor}: wall time`,
        measured: run.wallMs / 1000, unit: 's', baseline: first.wallMs / 1000, baselineLabel: `--runs ${reference}`,
        target: { on: 'ratio', op: '<=', value: scale },
        note: `at most linear: ≤ ${scale}×; ${outcome(run)}`,
        invalid,
        details: { run: runDetails(run) },
      }),
      makeFigure({
        id: `run.memory-growth.${factor}x`, section: 3, title: `--runs ${factor}: peak memory (PSS)`,
        measured: run.peakTreePss / MB, unit: 'MB', baseline: first.peakTreePss / MB, baselineLabel: `--runs ${reference}`,
        target: { on: 'ratio', op: '<=', value: 1.25 },
        note: 'flat: within 25 % of the reference run',
        invalid: invalid && 'as the wall time above',
      }),
    );
  }
  return { figures, conformingReport: invalidity(first, reference!) === undefined ? first.reportFile : undefined };
}
