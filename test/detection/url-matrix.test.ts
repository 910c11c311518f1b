import { beforeAll, describe, expect, it } from 'vitest';
import type { ConformanceReport } from '../../reporters/report-types.ts';
import type { DeviationId } from '../../src/emulator/deviations/catalogue.ts';
import { BIN } from '../../src/emulator/standalone-fleet.ts';
import { notRunnableOf, runUrlMatrix, urlFocusOf, type UrlMatrixRow } from '../../src/detection/url-matrix.ts';
import { BOUNDED_BY_ITS_RUNS } from '../support/time-limits.ts';

/**
 * A subset of the URL-target matrix (all of it: `npm run url-matrix`), one deviation per kind of rule that
 * must work against a real endpoint: a creation still in flight (one in flight per disk), what a create
 * answers and describes (tags), the idempotency token, and the signature.
 */
const SUBSET: DeviationId[] = ['two-in-flight', 'tags-dropped', 'idempotency-ignored', 'signature-not-checked'];

describe('the detection matrix through URL targets', () => {
  let rows: UrlMatrixRow[] = [];
  beforeAll(async () => {
    rows = await runUrlMatrix({
      bin: BIN, seed: 1, runs: 0.5, concurrency: 2,
      onRow: (row, done, total) => process.stdout.write(`[url-matrix ${done}/${total}] ${row.deviation}: ${row.caught ? 'caught' : 'NOT caught'} (${(row.durationMs / 1000).toFixed(1)} s)\n`),
    }, SUBSET);
  }, BOUNDED_BY_ITS_RUNS);

  it('catches each deviation of the subset through URL targets, with nothing unrelated, and leaves nothing behind', () => {
    const problems = rows.filter((r) => !r.caught || r.leftBehind > 0).map((r) => ({ deviation: r.deviation, missed: r.missed, unrelated: r.unrelated, notRunnable: r.notRunnable, leftBehind: r.leftBehind, report: r.reportDir }));
    expect(problems).toEqual([]);
    // A deviation is found: exit 1, never the safety abort of a cleanup that left something (3).
    for (const row of rows) expect(row.code, row.deviation).toBe(1);
  });

  it('runs exactly the rules made to notice the deviation', () => {
    expect(urlFocusOf({ fails: { 'snapshot.create.roundtrip': ['tencent-cbs'] }, mayFail: { 'snapshot.lifecycle.model': ['tencent-cbs'] } }))
      .toBe('snapshot.create.roundtrip,snapshot.lifecycle.model');
    expect(urlFocusOf({ fails: {}, focus: 'snapshot.lifecycle.*' })).toBe('snapshot.lifecycle.*');
  });

  it('counts a required rule as not runnable only when it skipped for a reason a real endpoint allows', () => {
    const result = (ruleId: string, outcome: string, skipReason?: string) => ({ ruleId, vendor: 'tencent-cbs', outcome, ...(skipReason ? { skipReason } : {}) });
    const report = (results: unknown[]) => ({ results }) as unknown as ConformanceReport;
    const expected = { fails: { 'snapshot.lifecycle.model': ['tencent-cbs' as const], 'snapshot.create.roundtrip': ['tencent-cbs' as const] } };
    const clock = 'needs an emulator: the model moves the clock past retention deadlines (admin API)';
    expect(notRunnableOf(expected, report([result('snapshot.lifecycle.model', 'skip', clock), result('snapshot.create.roundtrip', 'fail')])))
      .toEqual([{ ruleId: 'snapshot.lifecycle.model', vendor: 'tencent-cbs', reason: clock }]);
    // Any other skip is a rule that stopped running: it stays required, and is missed.
    expect(notRunnableOf(expected, report([result('snapshot.lifecycle.model', 'skip', 'the endpoint was slow'), result('snapshot.create.roundtrip', 'skip', clock)])))
      .toEqual([{ ruleId: 'snapshot.create.roundtrip', vendor: 'tencent-cbs', reason: clock }]);
    // A rule with no result at all did not run because of the real endpoint either.
    expect(notRunnableOf(expected, report([]))).toEqual([]);
    // A rule that runs there without the part that would see the deviation (notOnUrl) is not required either.
    const blind = { ...expected, notOnUrl: { 'snapshot.lifecycle.model': 'no clock steps on a real endpoint' } };
    expect(notRunnableOf(blind, report([result('snapshot.lifecycle.model', 'pass'), result('snapshot.create.roundtrip', 'fail')])))
      .toEqual([{ ruleId: 'snapshot.lifecycle.model', vendor: 'tencent-cbs', reason: 'no clock steps on a real endpoint' }]);
  });
});
