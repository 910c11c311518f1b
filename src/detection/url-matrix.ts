import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConformanceReport } from '../../reporters/report-types.ts';
import { DEVIATIONS, type DeviationId } from '../emulator/deviations/catalogue.ts';
import { startFleet } from '../emulator/standalone-fleet.ts';
import type { VendorId } from '../spec/spec-types.ts';
import { EXPECTED_FINDINGS, type ExpectedFindings } from './expected-findings.ts';
import { focusArgs, judge, runFocused, runMatrix, vendorsOf, type FocusedRun, type MatrixOptions, type MatrixRow } from './kill-matrix.ts';

/**
 * Why a rule may skip against a URL target of the demo world: the documents state no such rule, the demo
 * world lacks a fixture role, a case cannot carry the run's label, a creation finished too fast to tell, or
 * (issue 14) the rule still needs an embedded emulator's clock or a fixture role not offered yet. Any other
 * skip is a rule that silently stopped running.
 */
export const REAL_ENDPOINT_SKIP = /documents no|does not say|spec documents|no fixture|fixture role|fixture disk|inconclusive|not sent to a real endpoint|needs an emulator/;

/** How long a snapshot of the fleet takes to create: seconds, as on a real account, short enough for a matrix. */
export const URL_CREATION_MS = 1000;

/** A detection-matrix row for a deviation planted in a standalone emulator used as a URL target. */
export interface UrlMatrixRow extends MatrixRow {
  /** Required findings whose rule only skipped, for a reason a real endpoint allows (REAL_ENDPOINT_SKIP). */
  notRunnable: Array<{ ruleId: string; vendor: string; reason: string }>;
  /** Whether any required finding's rule could run through a URL target at all. */
  runnable: boolean;
  /** Snapshots the run left in the emulators (read from their state after the run). */
  leftBehind: number;
  /** The run's exit code. */
  code: number;
}

/**
 * The required findings of `expected` whose rule never ran on that vendor through a URL target, and why:
 * every result of the rule there skipped for a reason a real endpoint allows.
 */
export function notRunnableOf(expected: ExpectedFindings, report: ConformanceReport): UrlMatrixRow['notRunnable'] {
  return Object.entries(expected.fails).flatMap(([ruleId, vendors]) => (vendors ?? []).flatMap((vendor) => {
    const results = report.results.filter((r) => r.ruleId === ruleId && r.vendor === vendor);
    const skipped = results.length > 0 && results.every((r) => r.outcome === 'skip' && REAL_ENDPOINT_SKIP.test(r.skipReason ?? ''));
    return skipped ? [{ ruleId, vendor, reason: results[0]!.skipReason ?? '' }] : [];
  }));
}

/** `expected` without the required findings that cannot run through a URL target. */
function runnablePart(expected: ExpectedFindings, notRunnable: UrlMatrixRow['notRunnable']): ExpectedFindings {
  const fails: ExpectedFindings['fails'] = {};
  for (const [ruleId, vendors] of Object.entries(expected.fails)) {
    const left = (vendors ?? []).filter((v) => !notRunnable.some((n) => n.ruleId === ruleId && n.vendor === v));
    if (left.length > 0) fails[ruleId as keyof typeof fails] = left as VendorId[];
  }
  return { ...expected, fails };
}

/**
 * The `--rules` of a URL-target run: exactly the rules that must or may notice the deviation. Creates there
 * take seconds and requests are paced, so a whole area would take minutes; the realistic-mode tests already
 * hold the whole suite to no false finding against the same emulators without a deviation.
 */
export function urlFocusOf(expected: ExpectedFindings): string {
  if (expected.focus) return expected.focus;
  return [...new Set([...Object.keys(expected.fails), ...Object.keys(expected.mayFail ?? {})])].sort().join(',');
}

/**
 * Runs the suite, focused on the deviation's rules, against `snapconform emulate --deviation <id>` used as
 * a URL target: no admin API, creation taking seconds, the documented rate limits, the demo world's disks as
 * fixture roles, mutations allowed, a short readiness timeout and cleanup deadline (a stuck snapshot is part
 * of the catalogue). The deviation must be caught there too, by every rule that can run on a real endpoint.
 */
export async function runDeviationOnUrl(deviation: DeviationId, options: Pick<MatrixOptions, 'bin' | 'seed' | 'runs'>): Promise<UrlMatrixRow> {
  const expected = EXPECTED_FINDINGS[deviation];
  const started = Date.now();
  const fleet = await startFleet({
    vendors: vendorsOf(expected), creationMs: URL_CREATION_MS, deviations: [deviation],
    targetExtras: { readinessTimeoutSeconds: 10, cleanupDeadlineSeconds: 15, maxSnapshots: 1000 },
  });
  const reportDir = mkdtempSync(join(tmpdir(), `snapconform-url-detection-${deviation}-`));
  let run: FocusedRun;
  let left: Awaited<ReturnType<typeof fleet.stop>> = {};
  try {
    run = await runFocused(options.bin, ['--target', fleet.targetFile, ...focusArgs(expected, options, urlFocusOf(expected))], reportDir, `${deviation} (URL targets)`);
  } finally {
    left = await fleet.stop();
  }
  const notRunnable = notRunnableOf(expected, run.report);
  const reachable = runnablePart(expected, notRunnable);
  const runnable = Object.keys(reachable.fails).length > 0;
  const verdict = judge(reachable, run.findings);
  return {
    deviation, description: DEVIATIONS[deviation], focus: urlFocusOf(expected), vendors: vendorsOf(expected), expected,
    findings: run.findings, ...verdict, caught: runnable && verdict.caught, notRunnable, runnable,
    leftBehind: Object.values(left).reduce((n, list) => n + list.length, 0), code: run.code,
    reportDir, durationMs: Date.now() - started,
  };
}

/** Runs the URL-target variant for every deviation (or those given), a few at a time; rows in catalogue order. */
export function runUrlMatrix(options: MatrixOptions<UrlMatrixRow>, deviations: DeviationId[] = Object.keys(DEVIATIONS) as DeviationId[]): Promise<UrlMatrixRow[]> {
  return runMatrix(options, deviations, runDeviationOnUrl);
}

/** The URL-target matrix as Markdown: a summary, then one row per deviation. */
export function renderUrlMatrix(rows: UrlMatrixRow[], meta: { seed: number; runs: number }): string {
  const runnable = rows.filter((r) => r.runnable);
  const caught = runnable.filter((r) => r.caught).length;
  const result = (r: UrlMatrixRow) => {
    if (!r.runnable) return `— not runnable on a real endpoint: ${[...new Set(r.notRunnable.map((n) => n.reason))].join('; ')}`;
    if (r.caught) return `✅ caught${r.notRunnable.length ? ` (not runnable there: ${r.notRunnable.map((n) => `${n.ruleId} on ${n.vendor}`).join(', ')})` : ''}`;
    return `❌ ${[...r.missed.map((m) => `missed ${m.ruleId} on ${m.vendor}`), ...r.unrelated.map((u) => `unrelated ${u.outcome} ${u.ruleId} on ${u.vendor}: ${u.message ?? ''}`)].join('; ')}`;
  };
  return [
    '# Detection matrix through URL targets',
    '',
    `Each deviation planted in \`snapconform emulate\` used as a URL target (creation ${URL_CREATION_MS / 1000} s, rate limits on, no admin API). ` +
      `Caught: **${caught} / ${runnable.length}** of the deviations whose rules can run on a real endpoint; ` +
      `${rows.length - runnable.length} need what only an embedded emulator offers. Seed ${meta.seed}, runs × ${meta.runs}.`,
    '',
    '| deviation | rules run | result | exit | left | time |',
    '|---|---|---|---|---|---|',
    ...rows.map((r) => `| \`${r.deviation}\` | ${r.focus} | ${result(r)} | ${r.code} | ${r.leftBehind} | ${(r.durationMs / 1000).toFixed(1)} s |`),
    '',
  ].join('\n');
}
