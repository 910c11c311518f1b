import { readFileSync } from 'node:fs';
import { closedLoop, type ClosedLoopOptions, type LoadResult, type Operation } from './load.ts';

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ: 100 on every Linux Node supports). */
const TICKS_PER_SECOND = 100;

/** CPU time (user + system) of another process so far, µs; undefined when /proc cannot tell (not Linux). */
export function processCpuMicros(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // After "pid (comm) ": state is field 3, utime field 14, stime field 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** CPU spent between `start` and `stop`, by this process (the client) and by a server process. */
export interface CpuMeter {
  start(): void;
  stop(): void;
  /** µs of CPU in the measured interval; `server` undefined when it could not be read. */
  result(): { clientMicros: number; serverMicros: number | undefined };
}

/**
 * Measures the CPU time the client (this process) and one server process spend over an interval. On a
 * shared two-core machine the requests/s of a run move with the neighbours' load; the CPU each request
 * costs on each side moves much less, and says which side a ratio is made of.
 */
export function cpuMeter(serverPid: number): CpuMeter {
  let client = process.cpuUsage();
  let server = processCpuMicros(serverPid);
  let clientMicros = 0;
  let serverMicros: number | undefined;
  let running = false;
  return {
    start() {
      client = process.cpuUsage();
      server = processCpuMicros(serverPid);
      running = true;
    },
    stop() {
      if (!running) return;
      running = false;
      const used = process.cpuUsage(client);
      clientMicros = used.user + used.system;
      const now = processCpuMicros(serverPid);
      serverMicros = now === undefined || server === undefined ? undefined : now - server;
    },
    result: () => ({ clientMicros, serverMicros }),
  };
}

/** A closed-loop run with the CPU each answered request cost the client and the server. */
export interface MeteredRun extends LoadResult {
  /** µs per request. */
  clientCpuMicros: number;
  /** µs per request; undefined when the server's CPU could not be read. */
  serverCpuMicros: number | undefined;
}

/** {@link closedLoop} with a {@link cpuMeter} on this process and `serverPid` over the measured window. */
export async function meteredClosedLoop(operation: Operation, serverPid: number, options: Omit<ClosedLoopOptions, 'meter'>): Promise<MeteredRun> {
  const meter = cpuMeter(serverPid);
  const run = await closedLoop(operation, { ...options, meter });
  const { clientMicros, serverMicros } = meter.result();
  const per = (micros: number) => (run.requests > 0 ? micros / run.requests : Number.NaN);
  return { ...run, clientCpuMicros: per(clientMicros), serverCpuMicros: serverMicros === undefined ? undefined : per(serverMicros) };
}

/** "120 µs client + 80 µs server", for notes. */
export function describeCpu(run: MeteredRun): string {
  const us = (n: number | undefined) => (n === undefined || !Number.isFinite(n) ? '?' : `${Math.round(n)}`);
  return `${us(run.clientCpuMicros)} µs client + ${us(run.serverCpuMicros)} µs server`;
}

/**
 * The throughput ratio `measured ÷ baseline` as the CPU per request predicts it, client and server together:
 * baseline CPU ÷ measured CPU. Where both sides share the cores it is what requests/s would show without the
 * neighbours; NaN when a server's CPU could not be read.
 */
export function cpuRatio(measured: MeteredRun, baseline: MeteredRun): number {
  const total = (run: MeteredRun) => run.clientCpuMicros + (run.serverCpuMicros ?? Number.NaN);
  return total(baseline) / total(measured);
}
