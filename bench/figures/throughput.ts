import { HttpTransport } from '../../src/transport/http-transport.ts';
import type { VendorClient } from '../../src/vendors/vendor-adapter.ts';
import { cpuRatio, describeCpu, meteredClosedLoop, type MeteredRun } from '../lib/cpu.ts';
import { makeFigure, type Figure } from '../lib/figure.ts';
import type { ServerFleet } from '../lib/fleet.ts';
import { openLoop, type LoadResult, type Operation } from '../lib/load.ts';
import { sizing, type BenchOptions } from '../lib/options.ts';
import { percentile, round } from '../lib/stats.ts';
import { snapshotCycle, targetAt, vendorsUnderTest, type VendorUnderTest } from '../lib/workload.ts';

/** Requests per snapshot cycle (create, describe, delete). */
const PER_CYCLE = 3;

const best = <T extends LoadResult>(runs: T[]) => runs.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));

function summary(run: LoadResult & Partial<MeteredRun>): Record<string, number | string | undefined> {
  return {
    perSecond: round(run.perSecond), requests: run.requests, errors: run.errors, firstError: run.firstError,
    p50Ms: round(percentile(run.latencies, 50), 3), p99Ms: round(percentile(run.latencies, 99), 3), maxMs: round(Math.max(0, ...run.latencies), 1),
    ...(run.clientCpuMicros === undefined ? {} : { clientCpuMicrosPerRequest: round(run.clientCpuMicros), serverCpuMicrosPerRequest: run.serverCpuMicros === undefined ? undefined : round(run.serverCpuMicros) }),
  };
}

/**
 * Figure 1 for one vendor: the peak requests/s of snapshot cycles (signed CreateSnapshot, DescribeSnapshots of
 * it, its delete) through the vendor client over undici against the emulator, against the same client and
 * load on a bare `node:http` server answering one fixed body (the emulator's own CreateSnapshot answer, so
 * the client decodes the same envelope); then the p99 latency of both at half the emulator's peak, offered
 * at a fixed rate. Server and client run in separate processes; the CPU per request of each is recorded.
 */
async function measureVendor(subject: VendorUnderTest, fleet: ServerFleet, options: BenchOptions): Promise<Figure[]> {
  const size = sizing(options);
  const { emulator, bare, disks } = fleet.of(subject);
  const transports = [new HttpTransport({ connections: 8 }), new HttpTransport({ connections: 8 })] as const;
  try {
    const client = subject.adapter.createClient(targetAt(subject, emulator.url), subject.spec, transports[0]);
    const bareClient = subject.adapter.createClient(targetAt(subject, bare.url), subject.spec, transports[1]);
    const cycles = (c: VendorClient): Operation => (worker, dueAt) => snapshotCycle(subject, c, disks[worker % disks.length]!, dueAt);
    const closed = { concurrency: size.concurrency, warmupMs: size.warmupMs, durationMs: size.windowMs };
    const emulatorRuns: MeteredRun[] = [];
    const bareRuns: MeteredRun[] = [];
    // Interleaved, so that a neighbour's burst of load hits both sides alike.
    for (let round = 0; round < size.rounds; round++) {
      bareRuns.push(await meteredClosedLoop(cycles(bareClient), bare.pid, closed));
      emulatorRuns.push(await meteredClosedLoop(cycles(client), emulator.pid, closed));
    }
    const top = best(emulatorRuns);
    const bareTop = best(bareRuns);
    const half = { operationsPerSecond: top.perSecond / 2 / PER_CYCLE, warmupMs: size.warmupMs, durationMs: size.windowMs, workers: size.concurrency };
    // The tail is what a neighbour's burst of load spoils first: the quietest of the rounds is kept.
    const bareHalves: LoadResult[] = [];
    const halves: LoadResult[] = [];
    for (let round = 0; round < size.rounds; round++) {
      bareHalves.push(await openLoop(cycles(bareClient), half));
      halves.push(await openLoop(cycles(client), half));
    }
    const quietest = (runs: LoadResult[]) => runs.reduce((a, b) => (percentile(b.latencies, 99) < percentile(a.latencies, 99) ? b : a));
    const bareAtHalf = quietest(bareHalves);
    const atHalf = quietest(halves);
    const p99 = percentile(atHalf.latencies, 99);
    options.log(`  ${subject.vendor}: emulator ${round(top.perSecond)} req/s, bare ${round(bareTop.perSecond)} req/s; p99 at ${round(top.perSecond / 2)} req/s: ${round(p99, 2)} ms`);
    const runs = [...emulatorRuns, ...bareRuns, ...halves, ...bareHalves];
    const errors = runs.reduce((n, r) => n + r.errors, 0);
    const errorNote = errors > 0 ? `; ${errors} operations failed (first: ${runs.find((r) => r.firstError)?.firstError})` : '';
    return [
      makeFigure({
        id: `throughput.${subject.vendor}`, section: 1, title: `${subject.vendor} emulator peak`,
        measured: top.perSecond, unit: 'req/s', baseline: bareTop.perSecond, baselineLabel: 'bare node:http',
        target: { on: 'ratio', op: '>=', value: 0.4 },
        note: `create + describe + delete, ${size.concurrency} in flight, best of ${size.rounds} × ${size.windowMs / 1000} s; CPU per request: emulator ${describeCpu(top)}, bare ${describeCpu(bareTop)} (ratio by CPU ${round(cpuRatio(top, bareTop))})${errorNote}`,
        details: { cpuRatio: round(cpuRatio(top, bareTop), 3), emulatorRuns: emulatorRuns.map(summary), bareRuns: bareRuns.map(summary) },
      }),
      makeFigure({
        id: `latency.${subject.vendor}`, section: 1, title: `${subject.vendor} p99 at 50 % of peak`,
        measured: p99, unit: 'ms', baseline: percentile(bareAtHalf.latencies, 99), baselineLabel: 'bare, same rate',
        target: { on: 'measured', op: '<=', value: 5 },
        note: `${round(atHalf.perSecond)} req/s offered at a fixed rate, quietest of ${size.rounds} × ${half.durationMs / 1000} s (after ${half.warmupMs / 1000} s of warm-up); p50 ${round(percentile(atHalf.latencies, 50), 2)} ms, max ${round(Math.max(0, ...atHalf.latencies), 1)} ms${errorNote}`,
        details: { offeredPerSecond: round(half.operationsPerSecond * PER_CYCLE), emulatorRuns: halves.map(summary), bareRuns: bareHalves.map(summary) },
      }),
    ];
  } finally {
    await Promise.all(transports.map((t) => t.close()));
  }
}

/** Figure 1, for every vendor of the fleet. */
export async function emulatorThroughput(fleet: ServerFleet, options: BenchOptions): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const subject of vendorsUnderTest(options.vendors)) figures.push(...(await measureVendor(subject, fleet, options)));
  return figures;
}
