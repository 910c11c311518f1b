/**
 * `npm run determinism [-- --times N --seed S --rules patterns]`: runs the suite N times (default 20) with one
 * seed against the clean embedded emulators and checks that every run passes and that every run's outcomes
 * (rule × target × case) are the same as the first's. Writes reports/detection/determinism.json; exits 1 on a
 * failure or a difference. A script, not a test: it takes minutes, and its point is repetition.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ConformanceReport } from '../reporters/report-types.ts';

const BIN = new URL('../bin/snapconform.js', import.meta.url).pathname;
const { values } = parseArgs({ options: { times: { type: 'string', default: '20' }, seed: { type: 'string', default: '20261122' }, rules: { type: 'string' }, out: { type: 'string', default: 'reports/detection' } } });
const times = Number(values.times);
if (!Number.isInteger(times) || times < 1) {
  process.stderr.write(`determinism: --times must be a positive integer, got '${values.times}'\n`);
  process.exit(2);
}

/** One run: its outcome per rule × target × case, and how long it took. */
async function runOnce(index: number): Promise<{ outcomes: Map<string, string>; failures: string[]; ms: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'snapconform-determinism-'));
  const args = [BIN, 'run', '--seed', values.seed, '--report-dir', dir, ...(values.rules ? ['--rules', values.rules] : [])];
  const started = Date.now();
  await new Promise<void>((resolve) => execFile(process.execPath, args, { maxBuffer: 64 * 1024 * 1024 }, () => resolve()));
  const report = JSON.parse(readFileSync(join(dir, 'latest/conformance.json'), 'utf8')) as ConformanceReport;
  const outcomes = new Map(report.results.map((r) => [`${r.ruleId} | ${r.target} | ${r.caseId}`, r.outcome]));
  const failures = report.results.filter((r) => r.outcome === 'fail' || r.outcome === 'error').map((r) => `${r.ruleId} on ${r.target} (${r.caseId}): ${r.outcome} ${(r.message ?? '').split('\n')[0]}`);
  const ms = Date.now() - started;
  process.stdout.write(`run ${index + 1}/${times}: ${report.summary.pass} pass, ${report.summary.fail} fail, ${report.summary.skip} skip, ${report.summary.error} error (${(ms / 1000).toFixed(1)} s)\n`);
  return { outcomes, failures, ms };
}

const runs = [];
for (let i = 0; i < times; i++) runs.push(await runOnce(i));
const first = runs[0]!.outcomes;
const differences = runs.slice(1).flatMap((run, i) => {
  const keys = new Set([...first.keys(), ...run.outcomes.keys()]);
  return [...keys].filter((k) => first.get(k) !== run.outcomes.get(k)).map((k) => `run ${i + 2}: ${k}: ${first.get(k) ?? 'absent'} → ${run.outcomes.get(k) ?? 'absent'}`);
});
const failures = runs.flatMap((run, i) => run.failures.map((f) => `run ${i + 1}: ${f}`));
const summary = {
  seed: Number(values.seed), times, rules: values.rules ?? '*',
  failures, differences,
  secondsPerRun: runs.map((r) => Math.round(r.ms / 100) / 10),
};
mkdirSync(values.out, { recursive: true });
const file = join(values.out, 'determinism.json');
writeFileSync(`${file}.partial`, JSON.stringify(summary, null, 2) + '\n');
renameSync(`${file}.partial`, file);
process.stdout.write(`\n${times} runs, seed ${values.seed}: ${failures.length} failures, ${differences.length} outcomes that differ from the first run — ${file}\n`);
for (const line of [...failures, ...differences].slice(0, 20)) process.stdout.write(`  ${line}\n`);
process.exit(failures.length + differences.length === 0 ? 0 : 1);
