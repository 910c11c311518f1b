import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { DEFAULT_OUT_DIR } from './paths.ts';

/** How a benchmark run is sized and where it writes. */
export interface BenchOptions {
  /** Short windows and fewer runs, for the smoke test: the figures are all there but noisier. */
  quick: boolean;
  /** Where bench.json (and profiles, scratch reports) go. */
  outDir: string;
  /** Write `--cpu-prof` profiles of the emulator processes to `<outDir>/profiles`. */
  cpuProf: boolean;
  /** Sections to run (1–5); all by default. */
  only: ReadonlySet<number>;
  /** Vendors to measure in sections 1 and 2 (default: every vendor of the default target file). */
  vendors: ReadonlySet<string> | undefined;
  /** Progress lines (stderr), so that a long run shows where it is. */
  log: (line: string) => void;
}

/** Durations and counts of one size of run. */
export interface Sizing {
  warmupMs: number;
  windowMs: number;
  /** Interleaved rounds of measured and baseline; the best of each is kept (peaks are maxima). */
  rounds: number;
  /** Concurrent operations of a closed loop (over 8 connections). */
  concurrency: number;
  /** `--runs` factors of the full run; the first is the reference. */
  runFactors: number[];
  /** The rate-limit pacing window. */
  pacingMs: number;
}

/** The sizing of a run: the durations, or the smoke test's. */
export function sizing(options: Pick<BenchOptions, 'quick'>): Sizing {
  return options.quick
    ? { warmupMs: 400, windowMs: 500, rounds: 1, concurrency: 16, runFactors: [1, 2], pacingMs: 2500 }
    : { warmupMs: 1000, windowMs: 3000, rounds: 3, concurrency: 16, runFactors: [1, 4, 16], pacingMs: 30_000 };
}

export const USAGE = `Usage: npm run bench -- [--quick] [--out <dir>] [--cpu-prof] [--only 1,2,...]

  --quick        short windows (about 40 s in all): every figure, noisier
  --out <dir>    where bench.json goes (default reports/bench)
  --cpu-prof     write CPU profiles of the emulator processes to <dir>/profiles
  --only <list>  run only these sections (1 throughput, 2 suite overhead, 3 full run, 4 pacing, 5 shrinking,
                 6 a mutating run on URL targets against its plan's lower bound)
  --vendor <ids> measure only these vendors in sections 1 and 2 (comma-separated)
`;

/** Parses the command line of bench/run.ts. @throws Error on an unknown option. */
export function parseBenchArgs(args: string[], log: (line: string) => void): BenchOptions & { help: boolean } {
  const { values } = parseArgs({
    args,
    options: {
      quick: { type: 'boolean', default: false },
      out: { type: 'string' },
      'cpu-prof': { type: 'boolean', default: false },
      only: { type: 'string' },
      vendor: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  const only = new Set((values.only ?? '1,2,3,4,5,6').split(',').map(Number).filter((n) => n >= 1 && n <= 6));
  return {
    quick: values.quick, outDir: resolve(values.out ?? DEFAULT_OUT_DIR), cpuProf: values['cpu-prof'], only, log, help: values.help,
    vendors: values.vendor === undefined ? undefined : new Set(values.vendor.split(',')),
  };
}
