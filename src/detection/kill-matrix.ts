import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import type { ConformanceReport } from '../../reporters/report-types.ts';
import { areaOf, everyRunRules, type RuleId } from '../conformance/rule-catalogue.ts';
import { DEVIATIONS, type DeviationId } from '../emulator/deviations/catalogue.ts';
import type { VendorId } from '../spec/spec-types.ts';
import { EXPECTED_FINDINGS, type ExpectedFindings } from './expected-findings.ts';
import { loadTargetFile } from '../conformance/target-file.ts';

/** The embedded emulators' target file, whose regions a batch's targets take. */
const DEFAULT_TARGETS = fileURLToPath(new URL('../../targets/emulators.yaml', import.meta.url));

/** One rule failing on one vendor. */
export interface Finding {
  ruleId: string;
  vendor: string;
  /** A deviation from the documents, an expectation they do not state that was not met, or an error. */
  outcome: 'fail' | 'undocumented' | 'error';
  /** The first line of the failure, for errors a deviation may explain. */
  message?: string;
  /** The report's target it happened on. */
  target?: string;
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
  /**
   * The report's targets this deviation ran on, when its run shared the report with other deviations
   * ({@link runDeviationBatch}: `<vendor>-emulator.<deviation>`); absent, every target of the report.
   */
  targets?: string[];
  /** How long its run took (shared with the other deviations of a batch). */
  durationMs: number;
  /** How many deviations the run served (1: a run of its own). */
  sharedBy?: number;
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
    .map((r) => ({ ruleId: r.ruleId, vendor: r.vendor, outcome: r.outcome as Finding['outcome'], message: (r.message ?? '').split('\n')[0], target: r.target }));
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

/** The target of a batch that runs `deviation` on `vendor`'s embedded emulator. */
export function batchTargetName(vendor: VendorId, deviation: DeviationId): string {
  return `${vendor}-emulator.${deviation}`;
}

/**
 * Runs the suite once for several deviations that share a focus: each deviation gets embedded emulators of its
 * own (one target per vendor it applies to, `deviations: [<id>]` in a generated target file), so every finding
 * belongs to exactly one deviation and each is judged as if it had run alone — the start of a run (vitest, the
 * specs, the emulators' world) is paid once instead of once per deviation.
 */
export async function runDeviationBatch(deviations: DeviationId[], options: Pick<MatrixOptions, 'bin' | 'seed' | 'runs'>): Promise<MatrixRow[]> {
  const focus = focusOf(EXPECTED_FINDINGS[deviations[0]!]);
  const other = deviations.find((d) => focusOf(EXPECTED_FINDINGS[d]) !== focus);
  if (other) throw new Error(`a batch runs one focus: ${other} is not focused on ${focus}`);
  const dir = mkdtempSync(join(tmpdir(), `snapconform-detection-${deviations[0]}-and-${deviations.length - 1}-`));
  const regions = new Map(loadTargetFile(DEFAULT_TARGETS).map((t) => [t.vendor, t.region]));
  const targets = deviations.flatMap((deviation) => vendorsOf(EXPECTED_FINDINGS[deviation]).map((vendor) => (
    { name: batchTargetName(vendor, deviation), vendor, endpoint: 'emulator', region: regions.get(vendor)!, deviations: [deviation] })));
  const file = join(dir, 'targets.yaml');
  writeFileSync(file, stringify({ targets }));
  const started = Date.now();
  const reportDir = join(dir, 'report');
  const args = ['--target', file, '--rules', focus, '--runs', String(options.runs), '--seed', String(options.seed)];
  const { findings } = await runFocused(options.bin, args, reportDir, `${deviations.join(', ')}`);
  const durationMs = Date.now() - started;
  // A finding on no target of the batch (there should be none) is every deviation's: it must not go unseen.
  const orphans = findings.filter((f) => !targets.some((t) => t.name === f.target));
  return deviations.map((deviation) => {
    const expected = EXPECTED_FINDINGS[deviation];
    const own = targets.filter((t) => t.deviations[0] === deviation).map((t) => t.name);
    const found = [...findings.filter((f) => own.includes(f.target ?? '')), ...orphans];
    return { deviation, description: DEVIATIONS[deviation], focus, vendors: vendorsOf(expected), expected, findings: found, ...judge(expected, found), reportDir, targets: own, durationMs, sharedBy: deviations.length };
  });
}

/**
 * The deviations in batches for {@link runDeviationBatch}: those of one focus together, at most
 * `maxTargets` targets to a batch (a long run would leave the other runner idle at the end).
 */
export function batchesOf(deviations: DeviationId[], maxTargets = 24): DeviationId[][] {
  // Per focus, the batch being filled and how many targets it has so far.
  const open = new Map<string, { batch: DeviationId[]; targets: number }>();
  const batches: DeviationId[][] = [];
  for (const deviation of deviations) {
    const focus = focusOf(EXPECTED_FINDINGS[deviation]);
    const targets = vendorsOf(EXPECTED_FINDINGS[deviation]).length;
    let current = open.get(focus);
    if (!current || current.targets + targets > maxTargets) {
      current = { batch: [], targets: 0 };
      open.set(focus, current);
      batches.push(current.batch);
    }
    current.batch.push(deviation);
    current.targets += targets;
  }
  // The runs that take longest start first: one whose deviation blocks the suite (it waits out readiness
  // timeouts: `explainsErrors`), then the largest.
  const waits = (batch: DeviationId[]) => (batch.some((d) => EXPECTED_FINDINGS[d].explainsErrors) ? 1 : 0);
  return batches.sort((a, b) => waits(b) - waits(a) || b.length - a.length);
}

/**
 * Runs every deviation of the list in batches ({@link batchesOf}, {@link runDeviationBatch}), a few runs at a
 * time; rows in the list's order.
 */
export async function runBatchedMatrix(options: MatrixOptions, deviations: DeviationId[]): Promise<MatrixRow[]> {
  const rows = new Map<DeviationId, MatrixRow>();
  await eachInParallel(batchesOf(deviations), options.concurrency ?? 2, async (batch) => {
    for (const row of await runDeviationBatch(batch, options)) {
      rows.set(row.deviation, row);
      options.onRow?.(row, rows.size, deviations.length);
    }
  });
  return deviations.map((d) => rows.get(d)!);
}

/**
 * Runs the given deviations, a few at a time, each with `runOne` (`runDeviationOnUrl` through URL targets);
 * rows in catalogue order.
 */
export async function runMatrix<Row extends MatrixRow>(
  options: MatrixOptions<Row>,
  deviations: DeviationId[],
  runOne: (deviation: DeviationId, options: MatrixOptions<Row>) => Promise<Row>,
): Promise<Row[]> {
  const rows = new Map<DeviationId, Row>();
  await eachInParallel(deviations, options.concurrency ?? 2, async (deviation) => {
    const row = await runOne(deviation, options);
    rows.set(deviation, row);
    options.onRow?.(row, rows.size, deviations.length);
  });
  return deviations.map((d) => rows.get(d)!);
}

/** Works through `items` with `concurrency` workers, each taking the next item when it is done with one. */
async function eachInParallel<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  const worker = async () => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) await work(next);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
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
    ...rows.map((r) => `| \`${r.deviation}\` | ${list(r.expected.fails)} | ${list(r.expected.mayFail) || '—'} | ${r.caught ? '✅ caught' : `❌ ${[...r.missed.map((m) => `missed ${m.ruleId} on ${m.vendor}`), ...r.unrelated.map((u) => `unrelated ${u.outcome} ${u.ruleId} on ${u.vendor}`)].join('; ')}`} | ${(r.durationMs / 1000).toFixed(1)} s${(r.sharedBy ?? 1) > 1 ? ` (a run shared by ${r.sharedBy})` : ''} |`),
    '',
  ];
  return lines.join('\n');
}
