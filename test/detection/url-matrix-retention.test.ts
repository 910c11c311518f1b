import { beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../../src/emulator/standalone-fleet.ts';
import { runDeviationOnUrl, runOnUrl, type UrlMatrixRow, type UrlRun } from '../../src/detection/url-matrix.ts';
import { BOUNDED_BY_ITS_RUNS } from '../support/time-limits.ts';

/**
 * Retention through URL targets (issue 14): the rule runs against `snapconform emulate` as against a real
 * account (it checks the snapshot now and records an obligation), then the emulator's clock is moved through
 * its admin API, as a day would, and `snapconform obligations check` judges the deadline. One vendor, the
 * retention rule only, so it stays quick; `npm run url-matrix` runs every vendor.
 */
describe('retention deadlines through URL targets, by obligations checked after the clock moves', () => {
  const options = { bin: BIN, seed: 1, runs: 0.5, vendors: ['tencent-cbs' as const] };
  let clean: UrlRun;
  let neverEnforced: UrlMatrixRow;
  let chinaTime: UrlMatrixRow;
  beforeAll(async () => {
    [clean, neverEnforced, chinaTime] = await Promise.all([
      runOnUrl({ ...options, deviations: [], focus: 'snapshot.retention.auto-delete', label: 'retention-clean' }),
      runDeviationOnUrl('deadline-never-enforced', options),
      runDeviationOnUrl('deadline-china-time', options),
    ]);
  }, BOUNDED_BY_ITS_RUNS);

  it('passes a conforming emulator: described before the deadline (not yet due), gone after it, nothing left', () => {
    expect(clean.run.code, JSON.stringify(clean.run.findings)).toBe(0);
    expect(clean.findings).toEqual([]);
    expect(clean.checks.map((c) => c.code)).toEqual([0, 0]);
    const [before, after] = clean.checks.map((c) => c.report?.results.filter((r) => r.ruleId === 'snapshot.retention.auto-delete') ?? []);
    expect(before).toMatchObject([{ outcome: 'pass', observed: expect.stringMatching(/^not yet due: described \d+ s before its deadline/) }]);
    expect(after).toMatchObject([{ outcome: 'pass', observed: expect.stringMatching(/^gone \d+ s after its deadline/) }]);
    expect(clean.leftBehind).toBe(0);
  });

  it('catches a deadline never enforced: the second check fails the snapshot still described, and deletes it', () => {
    expect(neverEnforced.caught, JSON.stringify({ missed: neverEnforced.missed, unrelated: neverEnforced.unrelated, report: neverEnforced.reportDir })).toBe(true);
    expect(neverEnforced.findings).toMatchObject([{ ruleId: 'snapshot.retention.auto-delete', vendor: 'tencent-cbs', outcome: 'fail' }]);
    // The run itself passes (the snapshot is there at first), the check before the deadline too; the one after fails.
    expect([neverEnforced.code, ...neverEnforced.checkCodes]).toEqual([0, 0, 1]);
    // The lifecycle model runs on a URL target without its clock steps: the only rule that cannot see the deadline.
    expect(neverEnforced.notRunnable.map((n) => n.ruleId)).toEqual(['snapshot.lifecycle.model']);
    expect(neverEnforced.leftBehind).toBe(0);
  });

  it('catches a deadline read as China time: the check just before the deadline finds the snapshot already gone', () => {
    expect(chinaTime.caught, JSON.stringify({ missed: chinaTime.missed, unrelated: chinaTime.unrelated, report: chinaTime.reportDir })).toBe(true);
    expect(chinaTime.findings).toMatchObject([{ ruleId: 'snapshot.retention.auto-delete', vendor: 'tencent-cbs', outcome: 'fail', message: expect.stringMatching(/already gone \d+ s before its deadline/) }]);
    // Settled by the first check: the second has nothing left to check.
    expect([chinaTime.code, ...chinaTime.checkCodes]).toEqual([0, 1, 0]);
    expect(chinaTime.leftBehind).toBe(0);
  });
});
