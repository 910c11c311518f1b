/**
 * `npm run bench`: measures the figures of bench/README.md, each against a baseline measured in the same run
 * on the same machine, prints the table and writes `<out>/bench.json`. Exit 0 whether or not targets are
 * met (the table says which are not); 2 on bad usage; 3 when a measurement itself failed.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { emulatorThroughput } from './figures/throughput.ts';
import { suiteOverhead } from './figures/suite-overhead.ts';
import { fullRun } from './figures/full-run.ts';
import { PACED_VENDOR, ratePacing } from './figures/rate-pacing.ts';
import { shrinking } from './figures/shrinking.ts';
import { urlRun } from './figures/url-run.ts';
import { formatTable, type Figure } from './lib/figure.ts';
import { ServerFleet } from './lib/fleet.ts';
import { parseBenchArgs, sizing, USAGE, type BenchOptions } from './lib/options.ts';
import { vendorsUnderTest } from './lib/workload.ts';

/** The machine the figures came from, for the README and bench.json. */
function machine(): { cpu: string; cores: number; node: string; platform: string } {
  return { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, platform: `${process.platform} ${process.arch}` };
}

/** The 1-minute load average: on a shared machine, how busy the neighbours were. */
const load = () => Math.round(loadavg()[0]! * 100) / 100;

/**
 * Runs the selected sections: those on the shared servers first (1, 2, 4), then those that start the CLI (3,
 * then 5, which takes 3's conforming report as its time baseline).
 */
export async function runBench(options: BenchOptions): Promise<{ figures: Figure[]; file: string; loadAverage: { start: number; end: number } }> {
  mkdirSync(options.outDir, { recursive: true });
  // Scratch reports and exchange logs of the previous benchmark go; bench.json is replaced at the end.
  rmSync(join(options.outDir, 'tmp'), { recursive: true, force: true });
  const started = Date.now();
  const loadAtStart = load();
  const figures: Figure[] = [];
  let conformingReport: string | undefined;
  const section = async (n: number, name: string, body: () => Promise<Figure[]>) => {
    if (!options.only.has(n)) return;
    options.log(`bench: ${n}. ${name}…`);
    const t0 = performance.now();
    figures.push(...(await body()));
    options.log(`bench: ${n}. ${name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  };
  // Sections 1, 2 and 4 share one emulator and one bare server per vendor, started together.
  if (options.only.has(1) || options.only.has(2) || options.only.has(4)) {
    options.log('bench: starting the emulators and bare servers…');
    const subjects = vendorsUnderTest().filter((s) => !options.vendors || options.vendors.has(s.vendor) || (options.only.has(4) && s.vendor === PACED_VENDOR));
    const fleet = await ServerFleet.start(subjects, {
      disks: sizing(options).concurrency, profileDir: options.cpuProf ? join(options.outDir, 'profiles') : undefined,
    });
    try {
      await section(1, 'emulator throughput', () => emulatorThroughput(fleet, options));
      await section(2, 'suite overhead', () => suiteOverhead(fleet, options));
      await section(4, 'rate-limit pacing', () => ratePacing(fleet, options));
    } finally {
      await fleet.stop();
    }
  }
  await section(3, 'full run', async () => {
    const result = await fullRun(options);
    conformingReport = result.conformingReport;
    return result.figures;
  });
  await section(5, 'shrinking', () => shrinking(options, conformingReport));
  await section(6, 'mutating run on URL targets', () => urlRun(options));
  figures.sort((a, b) => a.section - b.section);
  const file = join(options.outDir, 'bench.json');
  const document = {
    schemaVersion: 1,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    quick: options.quick,
    sizing: sizing(options),
    machine: { ...machine(), loadAverage: { start: loadAtStart, end: load() } },
    met: figures.every((f) => f.met),
    figures,
  };
  writeFileSync(file, JSON.stringify(document, null, 2) + '\n');
  return { figures, file, loadAverage: document.machine.loadAverage };
}

async function main(): Promise<number> {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  let options;
  try {
    options = parseBenchArgs(process.argv.slice(2), log);
  } catch (error) {
    process.stderr.write(`bench: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const { figures, file, loadAverage } = await runBench(options);
  const m = machine();
  process.stdout.write(`snapconform bench${options.quick ? ' (quick)' : ''} — ${m.cpu}, ${m.cores} cores, Node ${m.node}; load average ${loadAverage.start} at the start, ${loadAverage.end} at the end\n`);
  process.stdout.write(`${formatTable(figures)}\nWritten to ${file}\n`);
  return 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`bench: ${(error as Error).stack ?? String(error)}\n`);
      process.exit(3);
    },
  );
}
