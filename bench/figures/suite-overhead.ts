import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { politeClient } from '../../src/conformance/session.ts';
import { ExchangeLog } from '../../src/transport/exchange-log.ts';
import { HttpTransport } from '../../src/transport/http-transport.ts';
import { RateLimiter } from '../../src/transport/rate-limiter.ts';
import { makeFigure, type Figure } from '../lib/figure.ts';
import { cpuRatio, describeCpu, meteredClosedLoop, type MeteredRun } from '../lib/cpu.ts';
import type { ServerFleet } from '../lib/fleet.ts';
import type { Operation } from '../lib/load.ts';
import { sizing, type BenchOptions } from '../lib/options.ts';
import { CapturingTransport, presign, rawUndici } from '../lib/raw-undici.ts';
import { round } from '../lib/stats.ts';
import { accepted, targetAt, vendorsUnderTest, type VendorUnderTest } from '../lib/workload.ts';

const CONNECTIONS = 8;

const best = (runs: MeteredRun[]) => runs.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));

const runDetails = (r: MeteredRun) => ({
  perSecond: round(r.perSecond), requests: r.requests, errors: r.errors, elapsedMs: round(r.elapsedMs),
  clientCpuMicrosPerRequest: round(r.clientCpuMicros), serverCpuMicrosPerRequest: r.serverCpuMicros === undefined ? undefined : round(r.serverCpuMicros),
});

/**
 * Figure 2 for one vendor: DescribeSnapshots of one snapshot, as the suite sends it — the vendor client
 * (sign, send, decode) wrapped in `politeClient` (policy, redaction, exchange log) and the answer validated
 * against the spec's success schema — against raw undici replaying requests signed in advance, on the same
 * emulator with the same connections and concurrency. A read, so that replays change nothing.
 */
async function measureVendor(subject: VendorUnderTest, fleet: ServerFleet, options: BenchOptions): Promise<Figure> {
  const size = sizing(options);
  const { emulator, disks } = fleet.of(subject);
  const transport = new HttpTransport({ connections: CONNECTIONS });
  const logFile = join(options.outDir, 'tmp', `exchanges-${subject.vendor}-${process.pid}.ndjson`);
  const log = new ExchangeLog(logFile);
  try {
    const disk = disks[0]!;
    const info = targetAt(subject, emulator.url, [disk]);
    const vendorClient = subject.adapter.createClient(info, subject.spec, transport);
    const created = accepted(await vendorClient.call(subject.actions.create, subject.canonical.createSnapshot.params({ diskId: disk, name: 'bench-described' })));
    const params = subject.canonical.describeSnapshot.params(subject.canonical.createSnapshot.snapshotId(created)!, subject.region);
    const success = subject.spec.action(subject.actions.describe).responses.get(200);
    const suite = politeClient(info, subject.spec, subject.adapter, vendorClient, { limiter: new RateLimiter(), log });
    const suiteOperation: Operation = async () => {
      const started = performance.now();
      const result = accepted(await suite.call(subject.actions.describe, params));
      if (success && !success.validate(result.body)) throw new Error(`the answer does not match the success schema: ${success.validate.errors?.[0]?.message}`);
      return [performance.now() - started];
    };
    const closed = { concurrency: size.concurrency, warmupMs: size.warmupMs, durationMs: size.windowMs };
    const suiteRuns: MeteredRun[] = [];
    const rawRuns: MeteredRun[] = [];
    const problems: string[] = [];
    const capture = new CapturingTransport({ status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from('{}'), durationMs: 0 });
    const signer = subject.adapter.createClient(info, subject.spec, capture);
    // Where nonces are replay protected (the adapter names an error for a replayed one), every request raw
    // undici sends must be signed anew; elsewhere a few hundred signed requests are replayed in turn. Signing
    // a whole window's worth in advance would put a heap of them in memory and the baseline in the GC's way.
    const replayProtected = subject.adapter.authErrors?.replayedNonce !== undefined;
    const reused = replayProtected ? undefined : await presign(signer, capture, subject.actions.describe, params, 256);
    for (let round = 0; round < size.rounds; round++) {
      suiteRuns.push(await meteredClosedLoop(suiteOperation, emulator.pid, closed));
      // Enough for raw undici at twice the suite's rate; if they run out, its window ends there.
      const count = Math.min(60_000, Math.ceil((best(suiteRuns).perSecond * 2 * (size.warmupMs + size.windowMs)) / 1000) + 200);
      const requests = reused ?? await presign(signer, capture, subject.actions.describe, params, count);
      const raw = rawUndici(new URL(emulator.url).origin, requests, CONNECTIONS, { cycle: reused !== undefined });
      try {
        rawRuns.push(await meteredClosedLoop(raw.operation, emulator.pid, closed));
      } finally {
        await raw.close();
      }
      // Outside the measurement: raw undici's answers must have been successes, or it measured refusals.
      for (const body of raw.samples()) {
        if (success && !success.validate(JSON.parse(body.toString('utf8')))) problems.push(`a raw answer is not a success: ${body.toString('utf8').slice(0, 200)}`);
      }
    }
    const measured = best(suiteRuns);
    const baseline = best(rawRuns);
    options.log(`  ${subject.vendor}: suite ${round(measured.perSecond)} req/s, raw undici ${round(baseline.perSecond)} req/s`);
    const errors = measured.errors + baseline.errors;
    return makeFigure({
      id: `overhead.${subject.vendor}`, section: 2, title: `${subject.vendor} suite client`,
      measured: measured.perSecond, unit: 'req/s', baseline: baseline.perSecond, baselineLabel: 'raw undici',
      target: { on: 'ratio', op: '>=', value: 0.7 },
      note: [
        `${subject.actions.describe}, ${size.concurrency} in flight, best of ${size.rounds} × ${size.windowMs / 1000} s; CPU per request: suite ${describeCpu(measured)}, raw ${describeCpu(baseline)} (ratio by CPU ${round(cpuRatio(measured, baseline))})`,
        errors > 0 ? `${errors} calls failed (first: ${measured.firstError ?? baseline.firstError})` : '',
        ...problems,
      ].filter(Boolean).join('; '),
      details: {
        cpuRatio: round(cpuRatio(measured, baseline), 3),
        suite: suiteRuns.map(runDetails),
        raw: rawRuns.map(runDetails),
      },
    });
  } finally {
    await transport.close();
    await log.close();
    rmSync(logFile, { force: true });
  }
}

/** Figure 2, for every vendor of the fleet. */
export async function suiteOverhead(fleet: ServerFleet, options: BenchOptions): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const subject of vendorsUnderTest(options.vendors)) figures.push(await measureVendor(subject, fleet, options));
  return figures;
}
