import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../reporters/report-types.ts';
import { errorsOf, reportValidator } from './support/report-schema.ts';
import { sampleReport } from './support/sample-report.ts';

const validate = reportValidator();

describe('conformance.schema.json', () => {
  it('is a strict 2020-12 schema of the version the reporter writes', async () => {
    const { default: schema } = await import('../../reporters/conformance.schema.json', { with: { type: 'json' } });
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.properties.schemaVersion.const).toBe(SCHEMA_VERSION);
  });

  it('accepts a report holding every outcome, a replay command, baseline notes and coverage', () => {
    const report = sampleReport();
    expect(new Set(report.results.map((r) => r.outcome))).toEqual(new Set(['pass', 'fail', 'skip', 'error', 'undocumented', 'known', 'fixed']));
    // An undocumented case with a seed can be replayed like a fail.
    expect(report.results.find((r) => r.outcome === 'undocumented')!.replay).toMatch(/^snapconform run .*--seed 11 --rules snapshot\.create\.roundtrip /);
    expect(validate(report), errorsOf(validate)).toBe(true);
  });

  it('accepts an undocumented case a baseline made known (it keeps its reason), and a report made before the outcome existed', () => {
    const report = sampleReport();
    const undocumented = report.results.find((r) => r.outcome === 'undocumented')!;
    undocumented.outcome = 'known';
    undocumented.baseline = { reason: 'we accept the default name' };
    expect(validate(report), errorsOf(validate)).toBe(true);
    const older = structuredClone(sampleReport()) as unknown as { summary: Record<string, number>; results: Array<{ outcome: string }> };
    delete older.summary['undocumented'];
    older.results = older.results.filter((r) => r.outcome !== 'undocumented');
    expect(validate(older), errorsOf(validate)).toBe(true);
  });

  it('accepts a partial report of an interrupted run', () => {
    const report = sampleReport('interrupted');
    expect(report.run.partial).toBe(true);
    expect(validate(report), errorsOf(validate)).toBe(true);
  });

  it('refuses what the shape does not allow: an unknown outcome, a field it does not know, a known entry without its baseline reason, a replay without a seed, an undocumented case without its reason', () => {
    const cases: Array<[string, (r: ReturnType<typeof sampleReport>) => void]> = [
      ['unknown outcome', (r) => { (r.results[0] as { outcome: string }).outcome = 'flaky'; }],
      ['unknown entry field', (r) => { (r.results[0] as unknown as Record<string, unknown>)['extra'] = 1; }],
      ['known without baseline', (r) => { delete r.results.find((e) => e.outcome === 'known')!.baseline; }],
      ['replay without seed', (r) => { r.results.find((e) => e.outcome === 'pass')!.replay = 'snapconform run'; }],
      ['undocumented without its reason', (r) => { delete r.results.find((e) => e.outcome === 'undocumented')!.undocumented; }],
      ['an empty reason', (r) => { r.results.find((e) => e.outcome === 'undocumented')!.undocumented = ''; }],
      ['a reason on a fail', (r) => { r.results.find((e) => e.outcome === 'fail')!.undocumented = 'inferred'; }],
      ['a variant seen that is not text', (r) => { (r.results[0] as unknown as Record<string, unknown>)['variantSeen'] = 3; }],
      ['old schema version', (r) => { (r as { schemaVersion: number }).schemaVersion = 1; }],
      ['missing partial flag', (r) => { delete (r.run as { partial?: boolean }).partial; }],
    ];
    const valid = sampleReport();
    for (const [name, breakIt] of cases) {
      const report = structuredClone(valid);
      breakIt(report);
      expect(validate(report), name).toBe(false);
    }
  });
});
