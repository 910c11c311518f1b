import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Reporter, TestCase, TestModule } from 'vitest/node';
import { cleanUpRun, type CleanupResult } from '../src/conformance/cleanup.ts';
import { possiblyCreated, readAllLedgers, type LedgerEntry } from '../src/conformance/ledger.ts';
import type { TargetPlan } from '../src/plan/plan.ts';
import { plainAssertionText } from '../src/conformance/plain-assertion.ts';
import { RUN_ENV } from '../src/conformance/run-env.ts';
import { withBaseline, type Baseline } from '../src/report/baseline.ts';
import { buildReport, isPartial } from './build-report.ts';
import { gatherExchanges, readExchanges } from './exchanges.ts';
import type { ConformanceReport, Outcome, PlanComparison, ReportEntry } from './report-types.ts';
import { readRunMetadata } from './run-metadata.ts';
import { terminalLine } from './terminal-text.ts';
import { summaryText, writeReportAtomically, writeReportFiles } from './write-report.ts';

export type { ConformanceReport, Outcome, ReportEntry } from './report-types.ts';

/** Options of {@link ConformanceReporter}. */
export interface ConformanceReporterOptions {
  /** Where `<run-id>/` and `latest/` go. @defaultValue `SNAPCONFORM_REPORT_DIR`, else 'reports' */
  reportDir?: string;
  /** The tool version written into the report. */
  version?: string;
  /** Known deviations: fails they match become `known`, rules they list that passed `fixed`. */
  baseline?: Baseline;
  /** The slice of the rule files this run runs (`--shard i/n`), recorded for `snapconform report --merge`. */
  shard?: { index: number; count: number };
  /** The clock baseline expiry is judged by. @defaultValue the time the run ends */
  now?: () => Date;
  /** Writes the report without the closing line on stdout (a plan's rehearsal). */
  quiet?: boolean;
  /** The plan the run was checked against (`snapconform plan`): the report sets it beside what the run did. */
  plans?: TargetPlan[];
}

/**
 * How a test ended, as the report counts it: an assertion is a `fail`, or `undocumented` when the test
 * recorded that the assertion checks something the documents do not state (`inferredCheck`); any other
 * exception is an `error`.
 */
export function outcomeOf(testCase: TestCase): { outcome: Outcome; message?: string } {
  const result = testCase.result();
  if (result.state === 'passed') return { outcome: 'pass' };
  if (result.state === 'skipped' || result.state === 'pending') return { outcome: 'skip' };
  const error = result.errors?.[0];
  // An assertion is the vendor departing from the documents; anything else (network, suite) is an error.
  const isAssertion = error?.name === 'AssertionError' || error?.name === 'AssertionError2';
  // A fail is reserved for what contradicts a document: an inferred expectation that did not hold only shows
  // what the service did.
  const outcome = !isAssertion ? 'error' : testCase.meta().conformance?.undocumented !== undefined ? 'undocumented' : 'fail';
  // The report's readers see the rule's words: assertion-library phrasing and fast-check's runner report
  // (its seed, path and counterexample are fields of the entry) are left out.
  return { outcome, message: error?.message === undefined ? undefined : plainAssertionText(error.message).split('\n').slice(0, 12).join('\n') };
}

/**
 * The headline of a finding: the failing check's own sentence, else the first line of the (plain) message.
 * An error's is always its message: a sentence a check recorded before the suite or the network failed would
 * blame the vendor.
 */
export function headlineOf(outcome: Outcome, recorded: string | undefined, message: string | undefined): { headline?: string } {
  if (outcome === 'pass' || outcome === 'skip') return {};
  const headline = (outcome === 'error' ? undefined : recorded) || message?.split('\n')[0];
  return headline ? { headline } : {};
}

/** One entry per test that recorded a rule (`meta.conformance`); tests without one are not rules. */
export function entriesOf(testModules: ReadonlyArray<TestModule>): ReportEntry[] {
  const entries: ReportEntry[] = [];
  for (const module of testModules) {
    for (const testCase of module.children.allTests()) {
      const meta = testCase.meta().conformance;
      if (!meta) continue;
      const { outcome, message } = outcomeOf(testCase);
      // The reason explains a failed inferred assertion; on an error (which ended the test, not the
      // assertion) it would blame the documents for the network or the suite.
      const { undocumented, headline, ...rest } = meta;
      entries.push({
        ...rest,
        ...(outcome === 'undocumented' ? { undocumented } : {}),
        ...headlineOf(outcome, headline, message),
        title: testCase.name,
        outcome,
        ...(message ? { message } : {}),
        durationMs: Math.round(testCase.diagnostic()?.duration ?? 0),
      });
    }
  }
  return entries;
}

/**
 * The vitest reporter behind a run's report folder: `conformance.json` (shape: `conformance.schema.json`),
 * `conformance.md`, `conformance.html`, `junit.xml` and `exchanges.ndjson`, one entry per rule × target from
 * each test's `meta.conformance` (transcripts arrive redacted: `src/transport/redact.ts`). Every file is
 * written into a fresh folder that is then renamed into place, so a crash mid-write leaves the previous
 * report whole; a run that ended early is marked partial. A baseline, when given, is applied before writing.
 */
/** Each planned target's plan beside what the run's ledger says it did. */
function plannedAndActual(plans: TargetPlan[], ledger: LedgerEntry[]): PlanComparison[] {
  return plans.map((p) => {
    const own = ledger.filter((e) => e.target === p.target);
    const sent = own.filter((e) => e.state === 'sending');
    const byRule: Record<string, { planned: number; actual: number }> = {};
    for (const [rule, n] of Object.entries(p.byRule)) byRule[rule] = { planned: n, actual: 0 };
    for (const line of sent) {
      const rule = line.rule ?? '(no rule)';
      byRule[rule] = { planned: byRule[rule]?.planned ?? 0, actual: (byRule[rule]?.actual ?? 0) + 1 };
    }
    return {
      target: p.target, budget: p.budget, peakLive: p.peakLive, lowerBoundMs: p.lowerBoundMs, limitedBy: p.limitedBy,
      planned: { creates: p.creates, created: p.created }, actual: { creates: sent.length, created: possiblyCreated(own).length }, byRule,
    };
  });
}

export default class ConformanceReporter implements Reporter {
  private readonly reportDir: string;
  private readonly version: string;
  private readonly runId: string;
  private readonly started = new Date();
  private readonly options: ConformanceReporterOptions;
  /** The report of the last run, once written: the CLI reads its verdict from here. */
  report?: ConformanceReport;

  constructor(options: ConformanceReporterOptions = {}) {
    this.options = options;
    this.reportDir = options.reportDir ?? process.env[RUN_ENV.reportDir] ?? 'reports';
    this.version = options.version ?? '0.0.0';
    // The CLI names the run (the ledger uses the same id); a bare vitest run gets its own.
    this.runId = process.env[RUN_ENV.runId] ?? `${this.started.toISOString().replace(/[:.]/g, '-')}-${randomBytes(3).toString('hex')}`;
  }

  async onTestRunEnd(testModules: ReadonlyArray<TestModule>, _errors: unknown, reason: string): Promise<void> {
    // A case the interruption cut short ends skipped with no reason of its own: say why.
    const entries = entriesOf(testModules).map((e) => (isPartial(reason) && e.outcome === 'skip' && e.skipReason === undefined ? { ...e, skipReason: 'not finished: the run was interrupted' } : e));
    // The run deletes what it created on real targets before the report is built (vitest awaits this hook), so
    // the report records what was left and its requests are among the exchanges gathered below.
    const cleanup = await this.cleanUp();
    const finished = new Date();
    const metadata = readRunMetadata(entries);
    let summary = '';
    const folder = writeReportAtomically(this.reportDir, this.runId, (dir) => {
      const exchangesFile = join(dir, 'exchanges.ndjson');
      gatherExchanges(this.reportDir, exchangesFile);
      const vendorOfTarget = new Map(metadata.targets.map((t) => [t.name, t.vendor]));
      const { shard, baseline, now } = this.options;
      const report = withBaseline(buildReport(
        entries,
        { id: this.runId, startedAt: this.started, finishedAt: finished, reason, toolVersion: this.version, ...(shard ? { shard } : {}) },
        metadata,
        readExchanges(exchangesFile, vendorOfTarget),
      ), baseline, now?.() ?? finished);
      if (cleanup) report.cleanup = cleanup;
      if (this.options.plans) report.plan = plannedAndActual(this.options.plans, readAllLedgers(this.reportDir).filter((e) => e.runId === this.runId));
      writeReportFiles(dir, report);
      summary = summaryText(report);
      this.report = report;
    });
    if (!this.options.quiet) process.stdout.write(`\nsnapconform: ${summary} — report in ${folder}/conformance.{json,md,html}, junit.xml, exchanges in exchanges.ndjson\n`);
    // What takes days is left to a later job: say so where the run ends, not only in the report.
    const kept = (cleanup ?? []).flatMap((c) => c.kept ?? []);
    if (kept.length > 0 && !this.options.quiet) {
      process.stdout.write(`snapconform: ${kept.length} snapshot(s) kept for their retention obligations (${terminalLine(kept.map((k) => k.id).join(', '))}): verify them after their deadlines with \`snapconform obligations check --target ${this.report?.run.targetFile ?? '<target file>'} --report-dir ${this.reportDir}\` (see the report's cleanup section)\n`);
    }
  }

  /**
   * The end-of-run cleanup of the real targets (`cleanUpRun`). A cleanup that throws still leaves a report,
   * one that says nothing could be confirmed: the ledger stays for `snapconform sweep`.
   */
  private async cleanUp(): Promise<CleanupResult[] | undefined> {
    // A plan's rehearsal created nothing on a real endpoint: its ledger names emulator ids only.
    if (process.env[RUN_ENV.rehearsal] === '1') return undefined;
    try {
      return await cleanUpRun(this.reportDir, this.runId);
    } catch (error) {
      return [{ target: '(every real target)', deleted: [], gone: [], leftBehind: [], unconfirmed: [{ id: `the ledger of run ${this.runId}`, reason: `the cleanup failed: ${(error as Error).message.split('\n')[0]}` }] }];
    }
  }
}
