import { join } from 'node:path';
import { startFleet } from '../../src/emulator/standalone-fleet.ts';
import type { ConformanceReport as FullReport } from '../../reporters/report-types.ts';
import { makeFigure, type Figure } from '../lib/figure.ts';
import type { BenchOptions } from '../lib/options.ts';
import { round } from '../lib/stats.ts';
import { measureSnapconformRun } from './full-run.ts';

/** How long a standalone emulator takes per snapshot here: seconds, as a real endpoint does at its quickest. */
const CREATION_SECONDS = 2;

/**
 * Figure 6: a mutating run against the standalone emulators used as URL targets — snapshots taking
 * CREATION_SECONDS, the documented rate limits on, every fixture role — timed from the report (the run proper,
 * after its plan), against the lower bound the run's own plan computed: per target, the longer of the busiest
 * disk's creations one after another and the busiest action's requests at its rate; the targets run side by
 * side, so the run's bound is the largest. Target: at most 1.5 × the bound. `--quick` runs the snapshot rules
 * only; the full figure runs the whole suite (the quota rule's 66 creations on one disk set the bound).
 */
export async function urlRun(options: BenchOptions): Promise<Figure[]> {
  const fleet = await startFleet({
    creationMs: CREATION_SECONDS * 1000,
    targetExtras: { maxSnapshots: 1000, expectedCreationSeconds: CREATION_SECONDS, readinessTimeoutSeconds: 120 },
  });
  const reportDir = join(options.outDir, 'tmp', 'url-run');
  let run;
  try {
    run = await measureSnapconformRun(reportDir, [
      '--target', fleet.targetFile, '--seed', '7',
      ...(options.quick ? ['--rules', 'snapshot.create.*,snapshot.delete.*,snapshot.lifecycle.completes', '--runs', '0.5'] : []),
    ]);
  } finally {
    await fleet.stop();
  }
  const report = run.report as unknown as FullReport | undefined;
  const plans = report?.plan ?? [];
  const boundMs = Math.max(0, ...plans.map((p) => p.lowerBoundMs));
  const runMs = report ? Date.parse(report.run.finishedAt) - Date.parse(report.run.startedAt) : Number.NaN;
  const limiting = plans.find((p) => p.lowerBoundMs === boundMs);
  const bad = report ? report.results.filter((r) => r.outcome === 'fail' || r.outcome === 'error') : [];
  const invalid = !report ? `the run wrote no report (exit ${run.exitCode}): ${run.outputTail.slice(-300)}`
    : plans.length === 0 ? 'the report holds no plan (the run made none)'
      : bad.length > 0 ? `${bad.length} rules failed or errored: ${bad.map((r) => r.ruleId).join(', ')}` : undefined;
  return [makeFigure({
    id: 'url-run', section: 6, title: `mutating run on URL targets (${plans.length} vendors, creation ${CREATION_SECONDS} s, rate limits on)`,
    measured: round(runMs / 1000, 1), unit: 's', baseline: round(boundMs / 1000, 1), baselineLabel: 'the plan\'s lower bound',
    target: { on: 'ratio', op: '<=', value: 1.5 },
    note: `bound set by ${limiting ? `${limiting.target}: ${limiting.limitedBy}` : 'nothing'}; wall ${round(run.wallMs / 1000, 1)} s with the plan and start-up`,
    ...(invalid ? { invalid } : {}),
    details: { plans, wallMs: run.wallMs, runMs, exitCode: run.exitCode, summary: report?.summary },
  })];
}
