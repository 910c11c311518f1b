import { randomInt } from 'node:crypto';
import { join } from 'node:path';
import { RULES, type RuleId } from '../conformance/rule-catalogue.ts';
import { RUN_ENV } from '../conformance/run-env.ts';
import { DEFAULT_READINESS_TIMEOUT_SECONDS } from '../conformance/target.ts';
import { TargetFileError, type TargetEntry } from '../conformance/target-file.ts';
import { BaselineError, loadBaseline, unmatchedEntries, type Baseline } from '../report/baseline.ts';
import { gateProblems } from '../report/gate.ts';
import { loadSpec } from '../spec/load-spec.ts';
import { SpecError } from '../spec/spec-error.ts';
import { SPEC_FILES } from '../vendors/registry.ts';
import type { ConformanceReport } from '../../reporters/report-types.ts';
import type { RunOutcome } from '../../reporters/run-outcome.ts';
import type { TargetPlan } from '../plan/plan.ts';
import { EXIT, fail, newRunId, ROOT, VERSION, warn } from './cli-context.ts';
import { writableReportDirOrFail } from './command-inputs.ts';
import { Interrupts } from './interrupt.ts';
import { isLiveTerminal } from './output-style.ts';
import { parseRunOptions, recordOf, RUN_HELP, ruleFilesOf, type RunOptions } from './run-options.ts';
import { prepareTargets, type RunTargets } from './run-targets.ts';

/** How a run ended: its exit code and, when one was written, its report. */
export interface RunResult {
  code: number;
  report?: ConformanceReport;
}

/** `snapconform run`. */
export async function runCommand(args: string[]): Promise<number> {
  const options = parseRunOptions(args);
  if (!options) {
    process.stdout.write(RUN_HELP);
    return EXIT.conforms;
  }
  // A run that will create on URL targets is planned first: one past its budget does not start (exit 3).
  let plans: TargetPlan[] = [];
  if (options.plan) {
    // Bad input is one line and exit 2 before anything is rehearsed.
    readInputs(options).targets.dispose();
    const { rehearse, overBudget } = await import('./plan.ts');
    plans = await rehearse(options);
    for (const plan of plans) process.stdout.write(`snapconform: plan for ${plan.target}: ${plan.created} snapshots (budget ${plan.budget}), peak ${plan.peakLive} live, at least ${Math.round(plan.lowerBoundMs / 1000)} s (${plan.limitedBy})\n`);
    const over = overBudget(plans);
    for (const line of over) warn(`safety abort: ${line}`);
    if (over.length > 0) return EXIT.safetyAbort;
  }
  return (await executeRun(options, { plans })).code;
}

/** Reads what the options name — baseline, target files, specs — before vitest starts: bad input is one line, exit 2. */
function readInputs(options: RunOptions): { targets: RunTargets; baseline?: Baseline } {
  writableReportDirOrFail(options.reportDir);
  let baseline: Baseline | undefined;
  try {
    baseline = options.baseline === undefined ? undefined : loadBaseline(options.baseline);
  } catch (error) {
    if (error instanceof BaselineError) fail(error.message);
    throw error;
  }
  let targets: RunTargets | undefined;
  try {
    targets = prepareTargets(options.targets);
    const { entries, sources } = targets;
    const { vendors } = options;
    if (vendors.length > 0 && !entries.some((e) => vendors.includes(e.vendor))) {
      throw new TargetFileError(`${sources.join(', ')}: no target of vendor ${vendors.join(' or ')} (--vendor); the targets are of ${[...new Set(entries.map((e) => e.vendor))].join(', ')}`);
    }
    // Only the specs the run will use: each load compiles its schemas, a cost every focused run would pay.
    for (const vendor of new Set(entries.map((e) => e.vendor).filter((v) => vendors.length === 0 || vendors.includes(v)))) loadSpec(join(ROOT, SPEC_FILES[vendor]));
    return { targets, ...(baseline ? { baseline } : {}) };
  } catch (error) {
    targets?.dispose();
    if (error instanceof TargetFileError || error instanceof SpecError) fail(error.message);
    throw error;
  }
}

/** Hands the run's settings to vitest's main process and the workers (`RUN_ENV`). */
function configureEnvironment(options: RunOptions, targets: RunTargets, runId: string): void {
  const env = process.env;
  const set = (key: keyof typeof RUN_ENV, value: string | undefined) => {
    if (value === undefined) delete env[RUN_ENV[key]];
    else env[RUN_ENV[key]] = value;
  };
  set('targetFile', targets.file);
  set('targetSources', targets.sources.length > 1 ? targets.sources.join('\n') : undefined);
  set('reportDir', options.reportDir);
  set('deviations', options.deviations.join(','));
  set('seed', options.seed);
  set('runs', options.runs);
  set('allowMutations', options.allowMutations ? '1' : undefined);
  set('rules', options.rules?.join(','));
  set('vendors', options.vendors.length > 0 ? options.vendors.join(',') : undefined);
  set('runId', runId);
  set('driver', options.driver);
  set('driverPath', options.driverPath);
  set('rateShare', options.rateShare > 1 ? String(options.rateShare) : undefined);
  set('options', JSON.stringify(recordOf(options)));
}

/**
 * A seed for a run given none: fast-check would draw one per property, and the run could not be repeated as a
 * whole nor its seed be recorded. Drawn from fast-check's own range (32-bit, negative half the time).
 */
function drawSeed(): string {
  return String(randomInt(-(2 ** 31), 2 ** 31));
}

/**
 * The bound on one test. On the embedded emulators a test is quick (two minutes is ample on a busy machine).
 * On a URL target a test may wait for snapshots to finish — its own, and the in-flight ones of a disk it
 * shares (each wait bounded by the target's readiness timeout) — so the bound follows the longest readiness
 * timeout: four such waits and a quarter of an hour for the requests themselves. A stuck snapshot ends as
 * an error naming it (SnapshotNotReadyError) well before this bound.
 */
export function testTimeoutFor(entries: readonly TargetEntry[]): number {
  const real = entries.filter((e) => e.endpoint !== 'emulator');
  if (real.length === 0) return 120_000;
  const readinessMs = Math.max(...real.map((e) => (e.readinessTimeoutSeconds ?? DEFAULT_READINESS_TIMEOUT_SECONDS) * 1000));
  return 4 * readinessMs + 15 * 60_000;
}

/**
 * Runs the suite with vitest's Node API and returns the exit code (see {@link EXIT}) with the report.
 * Bad input exits the process (2) before anything starts.
 */
export async function executeRun(given: RunOptions, mode: { quiet?: boolean; plans?: TargetPlan[] } = {}): Promise<RunResult> {
  const options = given.seed !== undefined ? given : { ...given, seed: drawSeed() };
  const { targets, baseline } = readInputs(options);
  configureEnvironment(options, targets, newRunId());
  const { startVitest, BaseSequencer } = await import('vitest/node');
  // With a plan, the rule files that will create the most start first: on a real endpoint the longest chain of
  // creations sets the run's length, and it should not start last.
  const weights = fileWeights(mode.plans ?? []);
  class LongestFirst extends BaseSequencer {
    override async sort(files: Parameters<InstanceType<typeof BaseSequencer>['sort']>[0]) {
      const sorted = await super.sort(files);
      const weight = (moduleId: string) => Math.max(0, ...[...weights].filter(([file]) => moduleId.endsWith(file)).map(([, w]) => w));
      return [...sorted].sort((a, b) => weight(b.moduleId) - weight(a.moduleId));
    }
  }
  const { default: ConformanceReporter } = await import('../../reporters/conformance-reporter.ts');
  const { default: ProgressReporter } = await import('../../reporters/progress.ts');
  const { RunOutcomeReporter } = await import('../../reporters/run-outcome.ts');
  // A line redrawn in place would tangle with vitest's output (--verbose): then progress is plain lines.
  const live = !options.verbose && isLiveTerminal(process.env, process.stdout.isTTY === true);
  const conformance = new ConformanceReporter({ reportDir: options.reportDir, version: VERSION, ...(baseline ? { baseline } : {}), ...(options.shard ? { shard: options.shard } : {}), ...(mode.quiet ? { quiet: true } : {}), ...(mode.plans?.length ? { plans: mode.plans } : {}) });
  const outcome = new RunOutcomeReporter();
  const interrupts = new Interrupts();
  process.chdir(ROOT);
  try {
    const vitest = await startVitest('test', [], {
      config: false,
      root: ROOT,
      include: ruleFilesOf(options.rules),
      globalSetup: [join(ROOT, 'src/conformance/global-setup.ts')],
      ...(weights.size > 0 ? { sequence: { sequencer: LongestFirst } } : {}),
      // Against URL targets a worker mostly waits (for snapshots to finish, for its pacing slot): more rule files
      // at once than cores, all pacing through one shared schedule per target (src/conformance/shared-pacing.ts).
      ...(!mode.quiet && targets.entries.some((e) => e.endpoint !== 'emulator') ? { maxWorkers: URL_WORKERS } : {}),
      // snapconform speaks for itself: a terminal gets one live line (and the findings at the end), a log a
      // progress line now and then and one line per finding; the totals are the report's. vitest's own output
      // (file by file, code frames from the rule files, counts of tests rather than findings) only with --verbose.
      reporters: mode.quiet
        ? [conformance, outcome, interrupts.reporter()]
        : [...(options.verbose ? ['default' as const] : []), new ProgressReporter({ mode: live ? 'live' : 'plain', ...(baseline ? { baseline } : {}) }), conformance, outcome, interrupts.reporter()],
      // vitest shards by test file; every rule lives in one file, so the shards' reports merge into the
      // unsharded run's. A shard may get no file (more shards than files): it writes an empty report.
      ...(options.shard ? { shard: `${options.shard.index}/${options.shard.count}` } : {}),
      // --rules can leave a describe block without a test (an action none of whose cases is selected); that
      // is a narrower run, not an error. (It also lets a shard without files write its empty report.)
      passWithNoTests: true,
      watch: false,
      testTimeout: testTimeoutFor(targets.entries),
      // Rule files share no mutable module state (specs are read-only once loaded), so they can share a module
      // graph: loading and compiling the three specs once per worker instead of once per file makes a run ~3x faster.
      isolate: false,
      hookTimeout: 60_000,
      // Transformed modules are kept on disk (under the package's node_modules) between runs: a run spends much
      // of its start transforming the same rule and src files again; CI's matrices run the CLI dozens of times.
      experimental: { fsModuleCache: true },
    });
    await vitest.close();
  } finally {
    interrupts.dispose();
    targets.dispose();
  }
  const { report } = conformance;
  if (!report) throw new Error('the run ended without writing a report');
  return { code: verdict(report, outcome.outcome, options, baseline), report };
}

/** Rule files at once in a run with URL targets (their workers wait on the network, not the CPU). */
const URL_WORKERS = 4;

/** How long each rule file is planned to create for (creates × expected creation time, the most of any target), by file. */
function fileWeights(plans: readonly TargetPlan[]): Map<string, number> {
  const weights = new Map<string, number>();
  for (const plan of plans) {
    for (const [rule, creates] of Object.entries(plan.byRule)) {
      const file = rule in RULES ? RULES[rule as RuleId].file : rule;
      weights.set(file, Math.max(weights.get(file) ?? 0, creates * plan.creationMs));
    }
  }
  return weights;
}

/**
 * What the end-of-run cleanup left on each real target (the report's `cleanup`), one line per target naming
 * the command that finishes the job: a resource left behind or not confirmed is a safety abort.
 */
export function cleanupProblems(report: ConformanceReport, reportDir: string): string[] {
  return (report.cleanup ?? []).filter((c) => c.leftBehind.length + c.unconfirmed.length > 0).map((c) => {
    const file = report.targets.find((t) => t.name === c.target)?.file ?? report.run.targetFile ?? '<target file>';
    const parts = [...(c.leftBehind.length ? [`${c.leftBehind.length} left behind`] : []), ...(c.unconfirmed.length ? [`${c.unconfirmed.length} unconfirmed`] : [])];
    return `${c.target}: the cleanup left created resources (${parts.join(', ')}; see the report's cleanup section); run \`snapconform sweep --target ${file} --report-dir ${reportDir}\``;
  });
}

/** The exit code of a finished run, each reason on stderr: safety first, then an interruption, then the gate. */
function verdict(report: ConformanceReport, outcome: RunOutcome, options: RunOptions, baseline: Baseline | undefined): number {
  const safety = [...outcome.safety, ...cleanupProblems(report, options.reportDir)];
  for (const line of safety) warn(`safety abort: ${line}`);
  if (safety.length > 0) return EXIT.safetyAbort;
  if (report.run.partial) {
    warn(`the run was interrupted (${report.run.reason}); the report lists only the rules that ran`);
    return EXIT.interrupted;
  }
  const stale = unmatchedEntries(baseline, report.results);
  if (stale.length > 0) warn(`baseline ${baseline!.file}: ${stale.map((e) => e.at).join(', ')} named nothing in this run`);
  const problems = [
    ...gateProblems(report, { failOn: options.failOn, ...(baseline ? { baseline } : {}), now: new Date(report.run.finishedAt) }),
    ...outcome.outside.map((e) => `error outside the tests: ${e}`),
  ];
  for (const problem of problems) warn(problem);
  return problems.length > 0 ? EXIT.deviations : EXIT.conforms;
}
