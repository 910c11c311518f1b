import { randomBytes } from 'node:crypto';
import { appendFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Reporter, TestCase, TestModule } from 'vitest/node';
import type { RuleRecord } from '../src/conformance/rule-meta.ts';
import { renderMarkdown } from './markdown.ts';

/** How one rule × target ended. */
export type Outcome = 'pass' | 'fail' | 'skip' | 'error';

/** One entry of the report. */
export interface ReportEntry extends RuleRecord {
  title: string;
  outcome: Outcome;
  /** The assertion or error message, for fail and error. */
  message?: string;
  durationMs: number;
}

/** The whole report, as `conformance.json` holds it. */
export interface ConformanceReport {
  schemaVersion: 1;
  tool: { name: 'snapconform'; version: string };
  run: { id: string; startedAt: string; finishedAt: string; durationMs: number; reason: string };
  summary: Record<Outcome, number> & { total: number };
  results: ReportEntry[];
}

/** Options of {@link ConformanceReporter}. */
export interface ConformanceReporterOptions {
  /** Where `<run-id>/` and `latest/` go. @defaultValue 'reports' */
  reportDir?: string;
  /** The tool version written into the report. */
  version?: string;
}

function outcomeOf(testCase: TestCase): { outcome: Outcome; message?: string } {
  const result = testCase.result();
  if (result.state === 'passed') return { outcome: 'pass' };
  if (result.state === 'skipped' || result.state === 'pending') return { outcome: 'skip' };
  const error = result.errors?.[0];
  // An assertion is the vendor departing from the documents; anything else (network, suite) is an error.
  const isAssertion = error?.name === 'AssertionError' || error?.name === 'AssertionError2';
  return { outcome: isAssertion ? 'fail' : 'error', message: error?.message?.split('\n').slice(0, 12).join('\n') };
}

/**
 * The vitest reporter behind `conformance.json` and `conformance.md`: one entry per rule × target from
 * each test's `meta.conformance` (transcripts arrive redacted: `src/transport/redact.ts`). Files are written into a fresh directory and renamed into place, so a
 * crash mid-run leaves the previous report whole.
 */
export default class ConformanceReporter implements Reporter {
  private readonly reportDir: string;
  private readonly version: string;
  private readonly runId: string;
  private readonly started = new Date();

  constructor(options: ConformanceReporterOptions = {}) {
    this.reportDir = options.reportDir ?? process.env['SNAPCONFORM_REPORT_DIR'] ?? 'reports';
    this.version = options.version ?? '0.0.0';
    // The CLI names the run (the ledger uses the same id); a bare vitest run gets its own.
    this.runId = process.env['SNAPCONFORM_RUN_ID'] ?? `${this.started.toISOString().replace(/[:.]/g, '-')}-${randomBytes(3).toString('hex')}`;
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>, _errors: unknown, reason: string): void {
    const results: ReportEntry[] = [];
    for (const module of testModules) {
      for (const testCase of module.children.allTests()) {
        const meta = testCase.meta().conformance;
        if (!meta) continue;
        const { outcome, message } = outcomeOf(testCase);
        results.push({
          ...meta,
          title: testCase.name,
          outcome,
          ...(message ? { message } : {}),
          durationMs: Math.round(testCase.diagnostic()?.duration ?? 0),
        });
      }
    }
    results.sort((a, b) => a.ruleId.localeCompare(b.ruleId) || a.target.localeCompare(b.target) || a.caseId.localeCompare(b.caseId));
    const summary = { pass: 0, fail: 0, skip: 0, error: 0, total: results.length };
    for (const entry of results) summary[entry.outcome] += 1;
    const finished = new Date();
    const report: ConformanceReport = {
      schemaVersion: 1,
      tool: { name: 'snapconform', version: this.version },
      run: { id: this.runId, startedAt: this.started.toISOString(), finishedAt: finished.toISOString(), durationMs: finished.getTime() - this.started.getTime(), reason },
      summary,
      results,
    };
    this.write(report);
  }

  // Every worker recorded its exchanges in its own file (src/conformance/session.ts); one file per run.
  private gatherExchanges(into: string): void {
    const dir = join(this.reportDir, '.exchanges');
    if (!existsSync(dir)) return;
    writeFileSync(into, '');
    for (const file of readdirSync(dir).sort()) appendFileSync(into, readFileSync(join(dir, file)));
    rmSync(dir, { recursive: true, force: true });
  }

  private write(report: ConformanceReport): void {
    mkdirSync(this.reportDir, { recursive: true });
    const partial = join(this.reportDir, `.${this.runId}.partial`);
    mkdirSync(partial, { recursive: true });
    writeFileSync(join(partial, 'conformance.json'), JSON.stringify(report, null, 2) + '\n');
    writeFileSync(join(partial, 'conformance.md'), renderMarkdown(report));
    this.gatherExchanges(join(partial, 'exchanges.ndjson'));
    const final = join(this.reportDir, this.runId);
    // latest/ is replaced by a rename too: a reader sees the old report or the new one, never half of one.
    const latest = join(this.reportDir, 'latest');
    const staging = join(this.reportDir, `.latest.${this.runId}`);
    cpSync(partial, staging, { recursive: true });
    renameSync(partial, final);
    const old = join(this.reportDir, `.latest-old.${this.runId}`);
    try {
      renameSync(latest, old);
    } catch {
      // no previous latest/
    }
    renameSync(staging, latest);
    rmSync(old, { recursive: true, force: true });
    process.stdout.write(`\nsnapconform: ${report.summary.pass} pass, ${report.summary.fail} fail, ${report.summary.skip} skip, ${report.summary.error} error — report in ${final}/conformance.{json,md}, exchanges in exchanges.ndjson\n`);
  }
}
