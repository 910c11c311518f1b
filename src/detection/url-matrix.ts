import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConformanceReport } from '../../reporters/report-types.ts';
import { dueAt, readObligations } from '../conformance/obligations.ts';
import { DEVIATIONS, type DeviationId } from '../emulator/deviations/catalogue.ts';
import { startFleet, type StandaloneFleet } from '../emulator/standalone-fleet.ts';
import type { VendorId } from '../spec/spec-types.ts';
import { EXPECTED_FINDINGS, type ExpectedFindings } from './expected-findings.ts';
import { findingsOf, judge, runFocused, runMatrix, vendorsOf, type Finding, type FocusedRun, type MatrixOptions, type MatrixRow } from './kill-matrix.ts';

/**
 * Why a rule may skip against a URL target of the demo world: the documents state no such rule, the demo
 * world lacks a fixture role, a case cannot carry the run's label, a creation finished too fast to tell, or
 * the rule needs an embedded emulator (a step that moves the emulator's clock or creation time). Any other
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
  /** The exit codes of the `obligations check`s after the run, when it left retention obligations (none: empty). */
  checkCodes: number[];
}

/**
 * The required findings of `expected` whose rule cannot show the deviation on that vendor through a URL target,
 * and why: every result of the rule there skipped for a reason a real endpoint allows, or the rule runs there
 * without the part that would see it (`notOnUrl`).
 */
export function notRunnableOf(expected: ExpectedFindings, report: ConformanceReport): UrlMatrixRow['notRunnable'] {
  return Object.entries(expected.fails).flatMap(([ruleId, vendors]) => (vendors ?? []).flatMap((vendor) => {
    const blind = expected.notOnUrl?.[ruleId as keyof NonNullable<ExpectedFindings['notOnUrl']>];
    if (blind) return [{ ruleId, vendor, reason: blind }];
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

/** How far before a deadline the first check looks, and how far past the due time the second: the embedded rule's half margin. */
const CHECK_MARGIN_MS = 30_000;

/** One `snapconform obligations check`: its report (none when there was nothing to check) and exit code. */
export interface ObligationCheck {
  report?: ConformanceReport;
  code: number;
  output: string;
}

/** Runs `snapconform obligations check` as a scheduled job would, and reads the report it wrote. */
function checkObligations(bin: string, targetFile: string, reportDir: string): Promise<ObligationCheck> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, 'obligations', 'check', '--target', targetFile, '--report-dir', reportDir], { timeout: 300_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? Number((error as { code?: number }).code ?? -1) : 0;
      let report: ConformanceReport | undefined;
      try {
        report = JSON.parse(readFileSync(join(reportDir, 'latest/conformance.json'), 'utf8')) as ConformanceReport;
      } catch {
        report = undefined;
      }
      // latest/ is the check's only when it wrote one (nothing to check writes none).
      resolve({ ...(report?.run.id.startsWith('obligations-') && /obligations check:/.test(stdout) ? { report } : {}), code, output: `${stdout}${stderr}` });
    });
  });
}

/**
 * What a day of waiting would do, for the retention obligations a run left on the fleet: each vendor's
 * emulator clock is moved (its admin API) to just before the earliest deadline it holds, and `obligations
 * check` runs (described: not yet due; gone: deleted early); then past the latest due time, and it runs again
 * (gone: pass; described: kept too long, deleted by the check). None when the run left no obligation.
 */
export async function checkAfterClockMoves(fleet: StandaloneFleet, bin: string, reportDir: string): Promise<ObligationCheck[]> {
  const { open } = readObligations(reportDir);
  if (open.length === 0) return [];
  const vendors = [...new Set(open.map((o) => o.vendor))];
  const moveTo = async (at: (vendor: string) => number) => {
    for (const vendor of vendors) {
      const ahead = at(vendor) - await fleet.now(vendor);
      if (ahead > 0) await fleet.advanceClock(vendor, ahead);
    }
  };
  const of = (vendor: string) => open.filter((o) => o.vendor === vendor);
  await moveTo((v) => Math.min(...of(v).map((o) => Date.parse(o.deadline))) - CHECK_MARGIN_MS);
  const before = await checkObligations(bin, fleet.targetFile, reportDir);
  await moveTo((v) => Math.max(...of(v).map(dueAt)) + CHECK_MARGIN_MS);
  const after = await checkObligations(bin, fleet.targetFile, reportDir);
  return [before, after];
}

/** What one focused run through URL targets did, its obligation checks included. */
export interface UrlRun {
  run: FocusedRun;
  checks: ObligationCheck[];
  /** The run's findings and the checks'. */
  findings: Finding[];
  /** Snapshots left in the emulators after the run and the checks. */
  leftBehind: number;
  reportDir: string;
}

/**
 * Runs the suite, focused on `focus`, against `snapconform emulate` (with `deviations`) used as a URL
 * target: no admin API in the suite's hands, creation taking seconds, the documented rate limits, the demo
 * world's disks as fixture roles, mutations allowed, a short readiness timeout and cleanup deadline (a stuck
 * snapshot is part of the catalogue). Retention obligations the run leaves are checked after the emulators'
 * clocks are moved ({@link checkAfterClockMoves}), as a scheduled job would a day later.
 */
export async function runOnUrl(options: Pick<MatrixOptions, 'bin' | 'seed' | 'runs'> & { deviations: DeviationId[]; vendors: VendorId[]; focus: string; label: string; creationMs?: number }): Promise<UrlRun> {
  const creationMs = options.creationMs ?? URL_CREATION_MS;
  // The readiness timeout stays well above the creation time: a snapshot that finishes is never taken for stuck.
  const readinessTimeoutSeconds = Math.max(10, Math.ceil((4 * creationMs) / 1000));
  const fleet = await startFleet({
    vendors: options.vendors, creationMs, deviations: options.deviations,
    targetExtras: { readinessTimeoutSeconds, cleanupDeadlineSeconds: readinessTimeoutSeconds + 5, maxSnapshots: 1000 },
  });
  const reportDir = mkdtempSync(join(tmpdir(), `snapconform-url-detection-${options.label}-`));
  let run: FocusedRun;
  let checks: ObligationCheck[] = [];
  let left: Awaited<ReturnType<typeof fleet.stop>> = {};
  try {
    // No plan first: its rehearsal would double each run's start-up, and the budget covers any focused run.
    const args = ['--target', fleet.targetFile, '--rules', options.focus, '--vendor', options.vendors.join(','), '--runs', String(options.runs), '--seed', String(options.seed), '--no-plan'];
    run = await runFocused(options.bin, args, reportDir, `${options.label} (URL targets)`);
    checks = await checkAfterClockMoves(fleet, options.bin, reportDir);
  } finally {
    left = await fleet.stop();
  }
  const findings = [...run.findings, ...checks.flatMap((c) => (c.report ? findingsOf(c.report) : []))];
  return { run, checks, findings, leftBehind: Object.values(left).reduce((n, list) => n + list.length, 0), reportDir };
}

/** `expected` narrowed to some of its vendors (a quicker run on one vendor). */
export function forVendors(expected: ExpectedFindings, vendors: VendorId[]): ExpectedFindings {
  const narrow = (map: ExpectedFindings['fails'] | undefined) => Object.fromEntries(Object.entries(map ?? {})
    .map(([rule, list]) => [rule, (list ?? []).filter((v) => vendors.includes(v))] as const)
    .filter(([, list]) => list.length > 0)) as ExpectedFindings['fails'];
  return { ...expected, fails: narrow(expected.fails), ...(expected.mayFail ? { mayFail: narrow(expected.mayFail) } : {}), ...(expected.inferred ? { inferred: narrow(expected.inferred) } : {}) };
}

/**
 * Runs the suite, focused on the deviation's rules, against `snapconform emulate --deviation <id>` used as
 * a URL target ({@link runOnUrl}). The deviation must be caught there too, by every rule that can run on a
 * real endpoint; a retention deadline by `obligations check` once the clock has moved. `vendors` narrows the
 * run to some of the deviation's vendors.
 */
export async function runDeviationOnUrl(deviation: DeviationId, options: Pick<MatrixOptions, 'bin' | 'seed' | 'runs'> & { vendors?: VendorId[] }): Promise<UrlMatrixRow> {
  const expected = options.vendors ? forVendors(EXPECTED_FINDINGS[deviation], options.vendors) : EXPECTED_FINDINGS[deviation];
  const started = Date.now();
  const { run, checks, findings, leftBehind, reportDir } = await runOnUrl({
    ...options, deviations: [deviation], vendors: vendorsOf(expected), focus: urlFocusOf(expected), label: deviation,
    ...(expected.urlCreationMs ? { creationMs: expected.urlCreationMs } : {}),
  });
  const notRunnable = notRunnableOf(expected, run.report);
  const reachable = runnablePart(expected, notRunnable);
  const runnable = Object.keys(reachable.fails).length > 0;
  const verdict = judge(reachable, findings);
  return {
    deviation, description: DEVIATIONS[deviation], focus: urlFocusOf(expected), vendors: vendorsOf(expected), expected,
    findings, ...verdict, caught: runnable && verdict.caught, notRunnable, runnable,
    leftBehind, code: run.code, checkCodes: checks.map((c) => c.code),
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
    `Each deviation planted in \`snapconform emulate\` used as a URL target (creation ${URL_CREATION_MS / 1000} s, rate limits on, no admin API in the suite's hands; ` +
      'retention obligations checked by `snapconform obligations check` after the emulators\' clocks are moved past their deadlines). ' +
      `Caught: **${caught} / ${runnable.length}** of the deviations whose rules can run on a real endpoint; ` +
      `${rows.length - runnable.length} need what only an embedded emulator offers. Seed ${meta.seed}, runs × ${meta.runs}.`,
    '',
    '| deviation | rules run | result | exit | left | time |',
    '|---|---|---|---|---|---|',
    ...rows.map((r) => `| \`${r.deviation}\` | ${r.focus} | ${result(r)} | ${r.code}${r.checkCodes.length ? ` (checks: ${r.checkCodes.join(', ')})` : ''} | ${r.leftBehind} | ${(r.durationMs / 1000).toFixed(1)} s |`),
    '',
  ].join('\n');
}
