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
    expect(new Set(report.results.map((r) => r.outcome))).toEqual(new Set(['pass', 'fail', 'skip', 'error', 'known', 'fixed']));
    expect(validate(report), errorsOf(validate)).toBe(true);
  });

  it('accepts a partial report of an interrupted run', () => {
    const report = sampleReport('interrupted');
    expect(report.run.partial).toBe(true);
    expect(validate(report), errorsOf(validate)).toBe(true);
  });

  it('refuses what the shape does not allow: an unknown outcome, a field it does not know, a known entry without its baseline reason, a replay without a seed', () => {
    const cases: Array<[string, (r: ReturnType<typeof sampleReport>) => void]> = [
      ['unknown outcome', (r) => { (r.results[0] as { outcome: string }).outcome = 'flaky'; }],
      ['unknown entry field', (r) => { (r.results[0] as unknown as Record<string, unknown>)['extra'] = 1; }],
      ['known without baseline', (r) => { delete r.results.find((e) => e.outcome === 'known')!.baseline; }],
      ['replay without seed', (r) => { r.results.find((e) => e.outcome === 'pass')!.replay = 'snapconform run'; }],
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
