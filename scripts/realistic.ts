/**
 * `npm run realistic [-- --creation-ms 3000 --seed 7 --vendor v --rules patterns --deviation id --max-snapshots n]`:
 * the suite against the standalone emulators used as URL targets, as against a real account: snapshots take
 * seconds to create, the documented rate limits are on, there is no admin API in the suite's hands, and
 * mutations are allowed. Retention obligations the run leaves are then checked (`snapconform obligations check`)
 * after each emulator's clock is moved past their deadlines, as a day of waiting would. Prints the report's
 * summary, the findings, the checks, and what the services still hold afterwards; exits 1 when anything failed
 * or errored, a check did not exit 0, or anything was left behind.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ConformanceReport } from '../reporters/report-types.ts';
import { checkAfterClockMoves, type ObligationCheck } from '../src/detection/url-matrix.ts';
import { BIN, startFleet } from '../src/emulator/standalone-fleet.ts';

const { values } = parseArgs({
  options: {
    'creation-ms': { type: 'string', default: '3000' },
    seed: { type: 'string', default: '7' },
    vendor: { type: 'string', multiple: true, default: [] },
    rules: { type: 'string' },
    deviation: { type: 'string', multiple: true, default: [] },
    'report-dir': { type: 'string' },
    'max-snapshots': { type: 'string', default: '300' },
  },
});

// The budget covers the quota rule (66 snapshots of one disk) and the rest of the run; the plan says so first.
const fleet = await startFleet({ vendors: values.vendor, creationMs: Number(values['creation-ms']), deviations: values.deviation, targetExtras: { maxSnapshots: Number(values['max-snapshots']) } });
const reportDir = values['report-dir'] ?? join(fleet.dir, 'reports');
const args = [BIN, 'run', '--target', fleet.targetFile, '--seed', values.seed, '--report-dir', reportDir, ...(values.rules ? ['--rules', values.rules] : [])];
process.stdout.write(`realistic: snapconform ${args.slice(1).join(' ')}\n`);
const started = Date.now();
const code = await new Promise<number>((resolve) => {
  const child = execFile(process.execPath, args, { maxBuffer: 256 * 1024 * 1024 }, (error) => resolve(error ? Number((error as { code?: number }).code ?? -1) : 0));
  child.stderr?.pipe(process.stderr);
});
const file = join(reportDir, 'latest', 'conformance.json');
// The run's report, read before the obligation checks write theirs to latest/.
const report = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) as ConformanceReport : undefined;
let checks: ObligationCheck[] = [];
let left: Awaited<ReturnType<typeof fleet.stop>> = {};
try {
  checks = await checkAfterClockMoves(fleet, BIN, reportDir);
} finally {
  left = await fleet.stop();
}
if (!report) {
  process.stdout.write(`realistic: no report (exit ${code})\n`);
  process.exit(1);
}
const s = report.summary as unknown as Record<string, number>;
process.stdout.write(`realistic: exit ${code} after ${((Date.now() - started) / 1000).toFixed(0)} s; ${Object.entries(s).filter(([, n]) => typeof n === 'number').map(([k, n]) => `${n} ${k}`).join(', ')}\n`);
for (const r of report.results.filter((r) => r.outcome !== 'pass' && r.outcome !== 'skip')) {
  process.stdout.write(`  ${r.outcome} ${r.ruleId} ${r.target} ${r.caseId}: ${(r.message ?? '').split('\n')[0]?.slice(0, 300)}\n`);
}
for (const check of checks) process.stdout.write(`realistic: obligations check (exit ${check.code}):\n  ${check.output.trim().split('\n').join('\n  ')}\n`);
const leftovers = Object.entries(left).flatMap(([vendor, snapshots]) => snapshots.map((s) => `${vendor} ${s.id} (${s.name}, ${s.diskId})`));
process.stdout.write(`realistic: ${leftovers.length} snapshots left in the emulators${leftovers.length ? `:\n  ${leftovers.join('\n  ')}` : ''}\n`);
process.stdout.write(`realistic: report ${reportDir}/latest/\n`);
process.exit(code === 0 && checks.every((c) => c.code === 0) && leftovers.length === 0 ? 0 : 1);
