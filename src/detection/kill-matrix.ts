import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConformanceReport } from '../../reporters/report-types.ts';
import { areaOf, everyRunRules, type RuleId } from '../conformance/rule-catalogue.ts';
import { DEVIATIONS, type DeviationId } from '../emulator/deviations/catalogue.ts';
import type { VendorId } from '../spec/spec-types.ts';
import { EXPECTED_FINDINGS, type ExpectedFindings } from './expected-findings.ts';

/** One rule failing on one vendor. */
export interface Finding {
  ruleId: string;
  vendor: string;
  /** A deviation from the documents, an expectation they do not state that was not met, or an error. */
  outcome: 'fail' | 'undocumented' | 'error';
  /** The first line of the failure, for errors a deviation may explain. */
  message?: string;
}

/** What one deviation's run found, against what it should have. */
export interface MatrixRow {
  deviation: DeviationId;
  description: string;
  /** The `--rules` patterns the run was focused on: the areas of every rule that may notice the deviation. */
  focus: string;
  /** The vendors whose emulators it ran against. */
  vendors: VendorId[];
  expected: ExpectedFindings;
  findings: Finding[];
  /** Every rule × vendor the deviation must be caught by was, and no error occurred. */
  caught: boolean;
  /** Required findings that did not happen. */
  missed: Array<{ ruleId: string; vendor: string }>;
  /** Findings the deviation does not explain. */
  unrelated: Finding[];
  /** Where the run's report is. */
  reportDir: string;
  durationMs: number;
}

const pairs = (map: Partial<Record<RuleId, VendorId[]>> | undefined) =>
  Object.entries(map ?? {}).flatMap(([ruleId, vendors]) => (vendors ?? []).map((vendor) => ({ ruleId, vendor })));

/** The `--rules` value for a deviation: every area holding a rule that must or may notice it. */
export function focusOf(expected: ExpectedFindings): string {
  if (expected.focus) return expected.focus;
  const rules = [...pairs(expected.fails), ...pairs(expected.mayFail)].map((p) => p.ruleId);
  return [...new Set(rules.map(areaOf))].sort().map((area) => `${area}.*`).join(',');
}

/** The vendors a deviation applies to: those of every rule that must or may notice it. */
export function vendorsOf(expected: ExpectedFindings): VendorId[] {
  return [...new Set([...pairs(expected.fails), ...pairs(expected.mayFail)].map((p) => p.vendor as VendorId))].sort();
}

/** Compares a run's findings with a deviation's expectations. */
export function judge(expected: ExpectedFindings, findings: Finding[]): Pick<MatrixRow, 'caught' | 'missed' | 'unrelated'> {
  const key = (p: { ruleId: string; vendor: string }) => `${p.ruleId} ${p.vendor}`;
  // An `undocumented` outcome catches the deviation only where the expectation it breaks is inferred there.
  const inferred = new Set(pairs(expected.inferred).map(key));
  const found = new Set(findings.filter((f) => f.outcome === 'fail' || (f.outcome === 'undocumented' && inferred.has(key(f)))).map(key));
  const explained = new Set([...pairs(expected.fails), ...pairs(expected.mayFail)].map(key));
  const missed = pairs(expected.fails).filter((p) => !found.has(key(p)));
  // An error is explained only where the deviation says it blocks the suite (a snapshot stuck creating);
  // any other error means the suite or the emulator broke, which is not what a deviation is for.
  const explainedError = (f: Finding) => f.outcome === 'error' && expected.explainsErrors !== undefined && expected.explainsErrors.test(f.message ?? '') && explained.has(key(f));
  const unrelated = findings.filter((f) => (f.outcome === 'error' && !explainedError(f)) || !explained.has(key(f)));
  return { caught: missed.length === 0 && unrelated.length === 0, missed, unrelated };
}

/** Options of a matrix run. */
export interface MatrixOptions<Row extends MatrixRow = MatrixRow> {
  /** The CLI to run (`bin/snapconform.js`). */
  bin: string;
  seed: number;
  /** `--runs` factor: low, the properties need few runs to meet a deviation that is always on. */
  runs: number;
  /** Runs at a time. @defaultValue 2 */
  concurrency?: number;
  /** Called after each deviation, for progress. */
  onRow?: (row: Row, done: number, total: number) => void;
}

/** The outcome of one `snapconform run` child: its report, or why there is none. */
export interface FocusedRun {
  report: ConformanceReport;
  findings: Finding[];
  /** The child's exit code (0 conforms, 1 deviations, 3 safety abort …). */
  code: number;
}

/** The findings of a report that a matrix judges: fails, undocumented outcomes and errors. */
export function findingsOf(report: ConformanceReport): Finding[] {
  return report.results
    .filter((r) => r.outcome === 'fail' || r.outcome === 'undocumented' || r.outcome === 'error')
    .map((r) => ({ ruleId: r.ruleId, vendor: r.vendor, outcome: r.outcome as Finding['outcome'], message: (r.message ?? '').split('\n')[0] }));
}

/**
 * Runs `snapconform run <args> --report-dir <reportDir>` as a child process, bounded (a run that hangs is
 * killed at `timeoutMs`), and reads the report it wrote; rejects, with the run's output, when there is none.
 */
export function runFocused(bin: string, args: string[], reportDir: string, label: string, timeoutMs = 600_000): Promise<FocusedRun> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [bin, 'run', ...args, '--report-dir', reportDir], { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, CI: '1' } }, (error, stdout, stderr) => {
      let report: ConformanceReport;
      try {
        report = JSON.parse(readFileSync(join(reportDir, 'latest/conformance.json'), 'utf8')) as ConformanceReport;
      } catch {
        reject(new Error(`${label}: the run wrote no report (${error?.message ?? 'no error'})\n${stderr.slice(-2000)}\n${stdout.slice(-2000)}`));
        return;
      }
      resolve({ report, findings: findingsOf(report), code: error ? Number((error as { code?: number }).code ?? -1) : 0 });
    });
  });
}

/** The `run` arguments that focus a run on a deviation: its rules, its vendors, the matrix's seed and runs. */
export function focusArgs(expected: ExpectedFindings, options: Pick<MatrixOptions, 'seed' | 'runs'>, focus = focusOf(expected)): string[] {
  return ['--rules', focus, '--vendor', vendorsOf(expected).join(','), '--runs', String(options.runs), '--seed', String(options.seed)];
}

/** Runs the suite, focused, against the emulators with one deviation on. */
export async function runDeviation(deviation: DeviationId, options: Pick<MatrixOptions, 'bin' | 'seed' | 'runs'>): Promise<MatrixRow> {
  const expected = EXPECTED_FINDINGS[deviation];
  const reportDir = mkdtempSync(join(tmpdir(), `snapconform-detection-${deviation}-`));
  const started = Date.now();
  // The relevant rules, on every vendor the deviation applies to (a vendor whose documents say nothing it breaks
  // cannot show it: expected-findings.ts says why, per deviation). The embedded emulators' readiness timeout
  // keeps a run bounded; the execFile timeout only guards against a hang of the run itself.
  const { findings } = await runFocused(options.bin, ['--emulator-deviation', deviation, ...focusArgs(expected, options)], reportDir, deviation);
  return { deviation, description: DEVIATIONS[deviation], focus: focusOf(expected), vendors: vendorsOf(expected), expected, findings, ...judge(expected, findings), reportDir, durationMs: Date.now() - started };
}

/**
 * Runs the given deviations, a few at a time, each with `runOne` ({@link runDeviation} on the embedded
 * emulators, `runDeviationOnUrl` through URL targets); rows in catalogue order.
 */
export async function runMatrix<Row extends MatrixRow>(
  options: MatrixOptions<Row>,
  deviations: DeviationId[],
  runOne: (deviation: DeviationId, options: MatrixOptions<Row>) => Promise<Row>,
): Promise<Row[]> {
  const rows = new Map<DeviationId, Row>();
  const queue = [...deviations];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const row = await runOne(next, options);
      rows.set(next, row);
      options.onRow?.(row, rows.size, deviations.length);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 2 }, worker));
  return deviations.map((d) => rows.get(d)!);
}

/**
 * Writes a matrix to `<dir>/<name>.json` (its rows without their temporary report folders) and
 * `<dir>/<name>.md`, each file whole or not at all.
 */
export function writeMatrixFiles(dir: string, name: string, meta: { seed: number; runs: number }, rows: MatrixRow[], markdown: string): void {
  mkdirSync(dir, { recursive: true });
  const write = (file: string, text: string) => {
    writeFileSync(`${file}.partial`, text);
    renameSync(`${file}.partial`, file);
  };
  write(join(dir, `${name}.json`), JSON.stringify({ ...meta, rows: rows.map(({ reportDir: _dir, ...row }) => row) }, null, 2) + '\n');
  write(join(dir, `${name}.md`), markdown);
}

/** Rules that no deviation of the catalogue must be caught by: rules nothing proves. */
export function unprovenRules(): RuleId[] {
  const proven = new Set(Object.values(EXPECTED_FINDINGS).flatMap((e) => Object.keys(e.fails)));
  // The driver rules judge an SDK, not the emulator: broken SDK builds prove them (test/drivers/).
  return everyRunRules().filter((id) => !proven.has(id));
}

const list = (map: Partial<Record<string, string[]>> | undefined) =>
  Object.entries(map ?? {}).map(([rule, vendors]) => `\`${rule}\` (${(vendors ?? []).map((v) => v.split('-')[0]).join(', ')})`).join('; ');

/** The matrix as Markdown: a summary, then one row per deviation. */
export function renderMatrix(rows: MatrixRow[], meta: { seed: number; runs: number }): string {
  const caught = rows.filter((r) => r.caught).length;
  const unproven = unprovenRules();
  const lines = [
    '# Detection matrix',
    '',
    `Deviations caught: **${caught} / ${rows.length}** (each by the rules made for it, and by nothing unrelated). ` +
      `Rules with no deviation that proves them: **${unproven.length}**${unproven.length ? ` (${unproven.join(', ')})` : ''}. ` +
      `Seed ${meta.seed}, runs × ${meta.runs}.`,
    '',
    '| deviation | must be caught by | may also notice | result | time |',
    '|---|---|---|---|---|',
    ...rows.map((r) => `| \`${r.deviation}\` | ${list(r.expected.fails)} | ${list(r.expected.mayFail) || '—'} | ${r.caught ? '✅ caught' : `❌ ${[...r.missed.map((m) => `missed ${m.ruleId} on ${m.vendor}`), ...r.unrelated.map((u) => `unrelated ${u.outcome} ${u.ruleId} on ${u.vendor}`)].join('; ')}`} | ${(r.durationMs / 1000).toFixed(1)} s |`),
    '',
  ];
  return lines.join('\n');
}
