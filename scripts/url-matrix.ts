/**
 * `npm run url-matrix [-- --deviation id … --seed 1 --runs 0.5 --concurrency 2]`: the detection matrix's
 * real-endpoint variant. Every deviation of the catalogue (or those named) is planted in `snapconform emulate`
 * used as a URL target, and the suite, focused on the deviation's rules, must catch it there too wherever its
 * rules can run on a real endpoint (src/detection/url-matrix.ts). Writes reports/detection/url-matrix.{md,json};
 * exits 1 when a runnable deviation was not caught. `npm test` runs a subset (test/detection/url-matrix.test.ts).
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { DeviationId } from '../src/emulator/deviations/catalogue.ts';
import { DEVIATIONS } from '../src/emulator/deviations/catalogue.ts';
import { BIN } from '../src/emulator/standalone-fleet.ts';
import { writeMatrixFiles } from '../src/detection/kill-matrix.ts';
import { renderUrlMatrix, runUrlMatrix } from '../src/detection/url-matrix.ts';

const { values } = parseArgs({
  options: {
    deviation: { type: 'string', multiple: true, default: [] },
    seed: { type: 'string', default: '1' },
    runs: { type: 'string', default: '0.5' },
    concurrency: { type: 'string', default: '2' },
  },
});
const unknown = values.deviation.filter((d) => !(d in DEVIATIONS));
if (unknown.length > 0) {
  process.stderr.write(`url-matrix: unknown deviation ${unknown.join(', ')} (see src/emulator/deviations/catalogue.ts)\n`);
  process.exit(2);
}
const seed = Number(values.seed);
const runs = Number(values.runs);
const deviations = (values.deviation.length > 0 ? values.deviation : Object.keys(DEVIATIONS)) as DeviationId[];
const rows = await runUrlMatrix({
  bin: BIN, seed, runs, concurrency: Number(values.concurrency),
  onRow: (row, done, total) => process.stdout.write(`[url-matrix ${done}/${total}] ${row.deviation}: ${!row.runnable ? 'not runnable on a real endpoint' : row.caught ? 'caught' : 'NOT caught'} (${(row.durationMs / 1000).toFixed(1)} s)\n`),
});
const out = 'reports/detection';
writeMatrixFiles(out, 'url-matrix', { seed, runs }, rows, renderUrlMatrix(rows, { seed, runs }));
const missed = rows.filter((r) => r.runnable && !r.caught);
process.stdout.write(`url-matrix: ${rows.filter((r) => r.caught).length} caught, ${missed.length} not caught, ${rows.filter((r) => !r.runnable).length} not runnable on a real endpoint — ${join(out, 'url-matrix.md')}\n`);
process.exit(missed.length > 0 ? 1 : 0);
