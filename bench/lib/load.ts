import { perSecond } from './stats.ts';

/**
 * Load generators. A closed loop finds the peak (each worker sends its next operation when the last one
 * answered); an open loop offers a fixed rate whatever the answers do, and times each request from the
 * moment it was due, so a slow answer that delays the ones behind it is counted against them too (no
 * coordinated omission).
 */

/**
 * One unit of work: sends one or more requests and returns their latencies in ms. `dueAt` is when the work
 * was due (`performance.now()` time); the first request's latency counts from it. `null` means there is no
 * more work (a closed loop's worker then stops).
 */
export type Operation = (worker: number, dueAt: number) => Promise<number[] | null>;

/** What a load run observed in its measured window. */
export interface LoadResult {
  /** Requests answered within the window. */
  requests: number;
  /** Requests per second over the window. */
  perSecond: number;
  /** Latency of every request answered within the window, ms. */
  latencies: number[];
  /** Operations that threw (the first message is kept). */
  errors: number;
  firstError: string | undefined;
  elapsedMs: number;
}

/** Options of {@link closedLoop}. */
export interface ClosedLoopOptions {
  /** Workers, each with one operation in flight. */
  concurrency: number;
  /** Time before the window opens (JIT, connection set-up). */
  warmupMs: number;
  durationMs: number;
  /** Started when the window opens and stopped when it closes (e.g. a CPU meter, bench/lib/cpu.ts). */
  meter?: { start(): void; stop(): void };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs `operation` from `concurrency` workers back to back and counts the requests answered in the window. */
export async function closedLoop(operation: Operation, options: ClosedLoopOptions): Promise<LoadResult> {
  const opened = performance.now() + options.warmupMs;
  const closes = opened + options.durationMs;
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  // The window ends when it closes, or earlier when every worker ran out of work.
  let lastAnswer = opened;
  const worker = async (index: number) => {
    while (performance.now() < closes) {
      try {
        const done = await operation(index, performance.now());
        if (done === null) return;
        const at = performance.now();
        if (at >= opened && at <= closes) {
          latencies.push(...done);
          lastAnswer = Math.max(lastAnswer, at);
        }
      } catch (error) {
        errors += 1;
        firstError ??= (error as Error).message;
      }
    }
  };
  const opening = setTimeout(() => options.meter?.start(), options.warmupMs);
  const closing = setTimeout(() => options.meter?.stop(), options.warmupMs + options.durationMs);
  await Promise.all(Array.from({ length: options.concurrency }, (_, i) => worker(i)));
  clearTimeout(opening);
  clearTimeout(closing);
  // Workers that ran out of work close the window early.
  options.meter?.stop();
  const elapsedMs = performance.now() >= closes ? options.durationMs : lastAnswer - opened;
  return { requests: latencies.length, perSecond: perSecond(latencies.length, elapsedMs), latencies, errors, firstError, elapsedMs };
}

/** Options of {@link openLoop}. */
export interface OpenLoopOptions {
  /** Operations started per second, evenly spaced. */
  operationsPerSecond: number;
  durationMs: number;
  /** Operations due in this first part of the run are sent but not counted (JIT, connections). */
  warmupMs: number;
  /** Workers are numbered modulo this (each owns a resource, e.g. a disk). */
  workers: number;
}

/**
 * Starts operations at a fixed rate for `warmupMs + durationMs`, whether or not earlier ones have answered,
 * then waits for the last. A worker index is handed out round robin; an operation whose worker is still busy waits
 * for it (and the wait counts in its latency).
 */
export async function openLoop(operation: Operation, options: OpenLoopOptions): Promise<LoadResult> {
  const interval = 1000 / options.operationsPerSecond;
  const started = performance.now();
  const total = Math.floor((options.warmupMs + options.durationMs) / interval);
  const busy: Array<Promise<unknown>> = Array.from({ length: options.workers }, () => Promise.resolve());
  const latencies: number[] = [];
  const inFlight: Array<Promise<void>> = [];
  let errors = 0;
  let firstError: string | undefined;
  for (let i = 0; i < total; i++) {
    const dueAt = started + i * interval;
    // Warm-up or measured by the schedule itself: `dueAt - started` loses the last bits of `i * interval` to
    // rounding (started is a large float), which put the first measured operation into the warm-up at times.
    const measured = i * interval >= options.warmupMs;
    const wait = dueAt - performance.now();
    // Timers fire at millisecond granularity: operations due within the next millisecond go out together.
    if (wait >= 1) await sleep(Math.floor(wait));
    const worker = i % options.workers;
    // Sent late (a busy worker, a late timer): timed from when it was due. Sent early (within the millisecond):
    // from when it went out, so that no latency comes out below the real one.
    const run = busy[worker]!.then(() => operation(worker, Math.min(dueAt, performance.now()))).then(
      (done) => {
        if (measured) latencies.push(...(done ?? []));
      },
      (error: unknown) => { errors += 1; firstError ??= (error as Error).message; },
    );
    busy[worker] = run;
    inFlight.push(run);
  }
  await Promise.all(inFlight);
  const elapsedMs = performance.now() - started - options.warmupMs;
  return { requests: latencies.length, perSecond: perSecond(latencies.length, elapsedMs), latencies, errors, firstError, elapsedMs };
}
