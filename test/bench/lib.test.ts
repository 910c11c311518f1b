import { describe, expect, it } from 'vitest';
import { describeTarget, formatTable, makeFigure } from '../../bench/lib/figure.ts';
import { closedLoop, openLoop } from '../../bench/lib/load.ts';
import { PLANTED } from '../../bench/lib/planted.ts';
import { sampleTree } from '../../bench/lib/process-tree.ts';
import { CapturingTransport, presign } from '../../bench/lib/raw-undici.ts';
import { percentile, perSecond } from '../../bench/lib/stats.ts';
import { targetAt, vendorsUnderTest } from '../../bench/lib/workload.ts';

// The benchmark's own pieces, without timing anything: what they count, compute and report.

describe('stats', () => {
  it('takes percentiles by nearest rank', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(samples, 50)).toBe(50);
    expect(percentile(samples, 99)).toBe(99);
    expect(percentile(samples, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
    expect(perSecond(30, 1500)).toBe(20);
    expect(perSecond(5, 0)).toBe(0);
  });
});

describe('figures', () => {
  const base = { id: 'x', section: 1 as const, title: 'x peak', unit: 'req/s', baselineLabel: 'bare' };

  it('judges a ratio target on measured ÷ baseline, and an absolute target on the measured value', () => {
    expect(makeFigure({ ...base, measured: 40, baseline: 100, target: { on: 'ratio', op: '>=', value: 0.4 } })).toMatchObject({ ratio: 0.4, met: true });
    expect(makeFigure({ ...base, measured: 39, baseline: 100, target: { on: 'ratio', op: '>=', value: 0.4 } }).met).toBe(false);
    expect(makeFigure({ ...base, measured: 6, baseline: 2, target: { on: 'measured', op: '<=', value: 5 } })).toMatchObject({ ratio: 3, met: false });
    expect(makeFigure({ ...base, measured: 0, baseline: 50, target: { on: 'measured', op: '==', value: 0 } }).met).toBe(true);
  });

  it('never counts a figure that could not be measured as met', () => {
    expect(makeFigure({ ...base, measured: Number.NaN, baseline: 10, target: { on: 'measured', op: '<=', value: 11 } }).met).toBe(false);
    expect(makeFigure({ ...base, measured: 5, baseline: 0, target: { on: 'ratio', op: '<=', value: 2 } }).met).toBe(false);
  });

  it('prints each figure with its ratio beside its target, and names those not met', () => {
    const met = makeFigure({ ...base, measured: 80, baseline: 100, target: { on: 'ratio', op: '>=', value: 0.4 }, note: 'a note' });
    const missed = makeFigure({ ...base, id: 'y', title: 'y p99', unit: 'ms', measured: 9, baseline: 1, target: { on: 'measured', op: '<=', value: 5 } });
    const table = formatTable([met, missed]);
    expect(table).toMatch(/x peak\s+80 req\/s\s+100 \(bare\)\s+0\.8\s+ratio ≥ 0\.4\s+yes/);
    expect(table).toMatch(/y p99\s+9 ms\s+1 \(bare\)\s+9\s+≤ 5 ms\s+NO/);
    expect(table).toContain('x peak: a note');
    expect(table).toContain('1 of 2 targets met; not met: y.');
    expect(describeTarget(missed)).toBe('≤ 5 ms');
  });
});

describe('load generators', () => {
  it('closed loop: stops a worker that runs out of work and counts what was answered', async () => {
    let left = 30;
    const run = await closedLoop(async () => (left-- > 0 ? [1] : null), { concurrency: 3, warmupMs: 0, durationMs: 5_000 });
    expect(run.requests).toBe(30);
    expect(run.errors).toBe(0);
  });

  it('closed loop: counts failed operations apart, keeping the first message', async () => {
    let calls = 0;
    const run = await closedLoop(async () => {
      calls += 1;
      if (calls > 4) return null;
      if (calls % 2 === 0) throw new Error(`failure ${calls}`);
      return [1, 1];
    }, { concurrency: 1, warmupMs: 0, durationMs: 5_000 });
    expect(run).toMatchObject({ requests: 4, errors: 2, firstError: 'failure 2' });
  });

  it('open loop: sends every due operation, counts none of the warm-up, and times from the due moment', async () => {
    const due: number[] = [];
    const run = await openLoop(async (_worker, dueAt) => {
      due.push(dueAt);
      return [performance.now() - dueAt];
    }, { operationsPerSecond: 200, warmupMs: 50, durationMs: 100, workers: 2 });
    expect(due).toHaveLength(30);
    expect(run.requests).toBe(20);
    expect(Math.min(...run.latencies)).toBeGreaterThanOrEqual(0);
  });
});

describe('process tree', () => {
  it('finds this process and its memory in /proc', () => {
    const sample = sampleTree(process.pid);
    expect(sample.processes).toBeGreaterThanOrEqual(1);
    expect(sample.totalRss).toBeGreaterThan(0);
    expect(sample.largestRss).toBeLessThanOrEqual(sample.totalRss);
  });
});

describe('planted deviations', () => {
  const [tencent, alibaba] = vendorsUnderTest(new Set(['tencent-cbs', 'alibaba-ecs']));
  const planted = (key: string) => PLANTED.find((p) => p.key === key)!;

  it('read the size of the counterexamples the rules record', () => {
    expect(planted('quota').size({ step: 'snapshot 65, one past the quota of 64', diskId: 'disk-1', held: 0, onDisk: 64 }, tencent!)).toBe(65);
    expect(planted('retention-23h59').size({ aheadSeconds: 86_341, accepted: false }, tencent!)).toBe(86_341);
    expect(planted('name-too-long').size({ DiskId: 'd-1', SnapshotName: 'a'.repeat(129) }, alibaba!)).toBe(129);
    expect(planted('quota').size({ step: 'unknown shape' }, tencent!)).toBeUndefined();
  });

  it('take the smallest counterexample from the spec, and none where the spec states no such rule', () => {
    expect(planted('quota').minimal(tencent!)).toBe(tencent!.spec.contract['snapshot-quota-per-disk']!.value + 1);
    expect(planted('retention-23h59').minimal(alibaba!)).toBeUndefined();
    expect(planted('name-too-long').minimal(tencent!)).toBeUndefined();
  });
});

describe('pre-signed requests', () => {
  it('are signed by the vendor client itself, each with its own nonce', async () => {
    const [alibaba] = vendorsUnderTest(new Set(['alibaba-ecs']));
    const transport = new CapturingTransport({ status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from('{}'), durationMs: 0 });
    const client = alibaba!.adapter.createClient(targetAt(alibaba!, 'http://127.0.0.1:9'), alibaba!.spec, transport);
    const requests = await presign(client, transport, 'DescribeSnapshots', { RegionId: 'cn-hangzhou' }, 3);
    expect(requests).toHaveLength(3);
    expect(transport.captured).toHaveLength(0);
    expect(new Set(requests.map((r) => r.headers['x-acs-signature-nonce'])).size).toBe(3);
    expect(requests[0]!.headers['authorization']).toMatch(/^ACS3-HMAC-SHA256 /);
  });
});
