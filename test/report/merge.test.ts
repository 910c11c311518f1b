import { describe, expect, it } from 'vitest';
import { buildReport } from '../../reporters/build-report.ts';
import type { ConformanceReport, ReportEntry } from '../../reporters/report-types.ts';
import { readRunMetadata } from '../../reporters/run-metadata.ts';
import { mergeReports, MergeError } from '../../src/report/merge.ts';
import { errorsOf, reportValidator } from '../reporters/support/report-schema.ts';
import { sampleEntries, sampleReport } from '../reporters/support/sample-report.ts';

const ENV = { SNAPCONFORM_TARGET_FILE: 'targets/emulators.yaml', SNAPCONFORM_SEED: '42' };

/** A shard's report, built as the reporter builds one, from the entries of some rules. */
function shard(entries: ReportEntry[], index: number, count: number, start: string, reason = 'failed'): ConformanceReport {
  const startedAt = new Date(start);
  return buildReport(entries, { id: `shard-${index}`, startedAt, finishedAt: new Date(startedAt.getTime() + 1000), reason, toolVersion: '9.9.9', shard: { index, count } }, readRunMetadata(entries, ENV));
}

const byRule = (pick: (ruleId: string) => boolean) => sampleEntries().filter((e) => pick(e.ruleId));
const first = byRule((id) => id.startsWith('request.') || id.startsWith('auth.'));
const second = byRule((id) => !id.startsWith('request.') && !id.startsWith('auth.'));

describe('merging shard reports', () => {
  it('gives the unsharded report: results, summary, targets, specs and coverage; the run spans the shards', () => {
    const whole = sampleReport();
    const merged = mergeReports([
      { source: 'b.json', report: shard(second, 2, 2, '2026-01-02T03:05:00.000Z') },
      { source: 'a.json', report: shard(first, 1, 2, '2026-01-02T03:04:05.000Z') },
    ], 'merged-1');
    const validate = reportValidator();
    expect(validate(merged), errorsOf(validate)).toBe(true);
    expect(merged.results).toEqual(whole.results);
    expect(merged.summary).toEqual(whole.summary);
    expect(merged.targets).toEqual(whole.targets);
    expect(merged.specs).toEqual(whole.specs);
    // Coverage is what any shard exercised: the shards together exercised what the whole run did.
    expect(merged.coverage).toEqual(whole.coverage);
    expect(merged.timings.byTarget).toEqual(whole.timings.byTarget);
    expect(merged.run).toEqual({ id: 'merged-1', startedAt: '2026-01-02T03:04:05.000Z', finishedAt: '2026-01-02T03:05:01.000Z', durationMs: 56_000, reason: 'failed', partial: false, seed: 42, targetFile: 'targets/emulators.yaml' });
  });

  it('is partial when a shard is missing or was interrupted', () => {
    const missing = mergeReports([{ source: 'a.json', report: shard(first, 1, 3, '2026-01-02T03:04:05.000Z') }], 'm');
    expect(missing.run).toMatchObject({ partial: true, reason: 'incomplete: shard 2/3 missing; shard 3/3 missing' });
    const interrupted = mergeReports([
      { source: 'a.json', report: shard(first, 1, 2, '2026-01-02T03:04:05.000Z', 'interrupted') },
      { source: 'b.json', report: shard(second, 2, 2, '2026-01-02T03:04:05.000Z') },
    ], 'm');
    expect(interrupted.run).toMatchObject({ partial: true, reason: 'interrupted' });
  });

  it('joins whole runs of different targets (one job per vendor) without shards', () => {
    const tencent = sampleEntries().filter((e) => e.vendor === 'tencent-cbs');
    const alibaba = sampleEntries().filter((e) => e.vendor === 'alibaba-ecs');
    const build = (entries: ReportEntry[]) => buildReport(entries, { id: 'x', startedAt: new Date(0), finishedAt: new Date(5), reason: 'failed', toolVersion: '9.9.9' }, readRunMetadata(entries, ENV));
    const merged = mergeReports([{ source: 't', report: build(tencent) }, { source: 'a', report: build(alibaba) }], 'm');
    expect(merged.summary.total).toBe(sampleEntries().length);
    expect(merged.run.partial).toBe(false);
  });

  it('refuses reports that are not parts of one run, naming them', () => {
    const a = shard(first, 1, 2, '2026-01-02T03:04:05.000Z');
    const cases: Array<[ConformanceReport[], RegExp]> = [
      [[a, shard(first, 2, 2, '2026-01-02T03:04:05.000Z')], /^r1: auth\.wrong-signature on alibaba-ecs-emulator \(DescribeSnapshots\.wrong-signature\) is in r0 too; these are not shards of one run$/],
      [[a, shard(second, 1, 2, '2026-01-02T03:04:05.000Z')], /^r1: shard 1\/2 is also r0$/],
      [[a, shard(second, 2, 3, '2026-01-02T03:04:05.000Z')], /^r1: shard 2\/3, but r0 is one of 2; merge the shards of one split$/],
      [[a, { ...shard(second, 2, 2, '2026-01-02T03:04:05.000Z'), tool: { name: 'snapconform', version: '1.0.0' } }], /^r1: made by snapconform 1\.0\.0, r0 by 9\.9\.9; merge reports of one version$/],
      [[a, { ...shard(second, 2, 2, '2026-01-02T03:04:05.000Z'), targets: a.targets.map((t, i) => (i === 0 ? { ...t, region: 'elsewhere' } : t)) }], /^r1: target tencent-cbs-emulator is .*elsewhere.*, but .* in r0; merge reports of one run$/],
    ];
    for (const [reports, message] of cases) {
      expect(() => mergeReports(reports.map((report, i) => ({ source: `r${i}`, report })), 'm')).toThrow(MergeError);
      expect(() => mergeReports(reports.map((report, i) => ({ source: `r${i}`, report })), 'm')).toThrow(message);
    }
    const whole = { ...shard(second, 2, 2, '2026-01-02T03:04:05.000Z') };
    delete whole.run.shard;
    expect(() => mergeReports([{ source: 'r0', report: a }, { source: 'r1', report: whole }], 'm')).toThrow(/^r1: not a shard, but r0 is; merge the shards of one run$/);
  });
});
