import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BaselineError, loadBaseline, withBaseline, type Baseline } from '../report/baseline.ts';
import { comparedRun, compareReports, comparisonText } from '../report/compare.ts';
import { FAIL_ON, FAIL_ON_TEXT, gateProblems, type FailOn } from '../report/gate.ts';
import { mergeReports, MergeError } from '../report/merge.ts';
import { readReport, ReportInputError, type LoadedReport } from '../report/read-report.ts';
import { summaryText, writeReportAtomically, writeReportFiles } from '../../reporters/write-report.ts';
import { EXIT, fail, newRunId, warn } from './cli-context.ts';
import { REPORT_HELP } from './help.ts';
import { vendorsCommand } from './vendors.ts';

/** Reads a report named on the command line; an unreadable one is bad input (exit 2). */
export function readReportOrFail(path: string): LoadedReport {
  try {
    return readReport(path);
  } catch (error) {
    if (error instanceof ReportInputError) fail(error.message);
    throw error;
  }
}

/** `snapconform report --merge …`, `--compare a b` or `--vendors <report>…`. */
export async function reportCommand(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        merge: { type: 'boolean', default: false },
        compare: { type: 'boolean', default: false },
        vendors: { type: 'boolean', default: false },
        cases: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        'report-dir': { type: 'string', default: 'reports' },
        baseline: { type: 'string' },
        'fail-on': { type: 'string', default: 'new' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return fail(`${(error as Error).message} (see snapconform report --help)`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(REPORT_HELP);
    return EXIT.conforms;
  }
  if ([values.merge, values.compare, values.vendors].filter(Boolean).length !== 1) return fail('give --merge <report>…, --compare <a> <b> or --vendors <report>… (see snapconform report --help)');
  if (values.vendors) {
    if (positionals.length === 0) return fail('--vendors takes one or more reports: conformance.json files, run folders or --report-dirs');
    // Each report is labelled by the path it was given as: it names the columns when two reports share target names.
    return vendorsCommand(positionals.map((path) => ({ label: path, report: readReportOrFail(path).report })), { json: values.json, cases: values.cases });
  }
  if (values.compare) {
    if (positionals.length !== 2) return fail(`--compare takes two reports, <a> (the reference) and <b>; got ${positionals.length}`);
    return compare(positionals[0]!, positionals[1]!, values.json);
  }
  if (positionals.length === 0) return fail('--merge takes the reports to merge: conformance.json files, run folders or --report-dirs');
  if (!(FAIL_ON as readonly string[]).includes(values['fail-on'])) return fail(`--fail-on must be ${FAIL_ON_TEXT}, got '${values['fail-on']}'`);
  let baseline: Baseline | undefined;
  try {
    baseline = values.baseline === undefined ? undefined : loadBaseline(resolve(values.baseline));
  } catch (error) {
    if (error instanceof BaselineError) fail(error.message);
    throw error;
  }
  return merge(positionals, resolve(values['report-dir']), baseline, values['fail-on'] as FailOn);
}

function compare(a: string, b: string, json: boolean): number {
  const before = readReportOrFail(a);
  const after = readReportOrFail(b);
  const comparison = compareReports(before.report, after.report);
  process.stdout.write(json ? `${JSON.stringify({ a: before.file, b: after.file, runs: { a: comparedRun(before), b: comparedRun(after) }, ...comparison }, null, 2)}\n` : comparisonText(comparison, before, after));
  return comparison.new.length > 0 ? EXIT.deviations : EXIT.conforms;
}

function merge(paths: string[], reportDir: string, baseline: Baseline | undefined, failOn: FailOn): number {
  const inputs = paths.map(readReportOrFail);
  const twice = inputs.find((input, i) => inputs.findIndex((other) => resolve(other.file) === resolve(input.file)) !== i);
  if (twice) fail(`${twice.file}: given twice`);
  const id = newRunId('merged-');
  let merged;
  try {
    merged = mergeReports(inputs.map((input) => ({ source: input.file, report: input.report })), id);
  } catch (error) {
    if (error instanceof MergeError) fail(error.message);
    throw error;
  }
  const now = new Date();
  if (baseline) merged = withBaseline(merged, baseline, now);
  const report = merged;
  const folder = writeReportAtomically(reportDir, id, (dir) => {
    // The shards' exchanges, one after the other: a merged report links to all of them.
    const exchanges = join(dir, 'exchanges.ndjson');
    appendFileSync(exchanges, '');
    for (const input of inputs) {
      const file = join(input.dir, 'exchanges.ndjson');
      if (existsSync(file)) appendFileSync(exchanges, readFileSync(file));
    }
    writeReportFiles(dir, report);
  });
  process.stdout.write(`snapconform: merged ${inputs.length} reports: ${summaryText(report)} — report in ${folder}/conformance.{json,md,html}, junit.xml, exchanges in exchanges.ndjson\n`);
  const problems = [
    ...(report.run.partial ? [`the merged report is partial: ${report.run.reason}`] : []),
    ...gateProblems(report, { failOn, ...(baseline ? { baseline } : {}), now }),
  ];
  for (const problem of problems) warn(problem);
  return problems.length > 0 ? EXIT.deviations : EXIT.conforms;
}
