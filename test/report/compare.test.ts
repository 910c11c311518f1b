import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConformanceReport, ReportEntry } from '../../reporters/report-types.ts';
import { summaryOf } from '../../reporters/build-report.ts';
import { comparedRun, compareReports, comparisonText } from '../../src/report/compare.ts';
import { readReport, ReportInputError } from '../../src/report/read-report.ts';
import { sampleReport } from '../reporters/support/sample-report.ts';

/** The sample report with some entries' outcomes changed. */
function variant(change: (entry: ReportEntry) => ReportEntry | undefined): ConformanceReport {
  const report = sampleReport();
  const results = report.results.flatMap((e) => {
    const changed = change(e);
    return changed ? [changed] : [];
  });
  return { ...report, results, summary: summaryOf(results) };
}

const key = (f: { ruleId: string; target: string; caseId: string }) => `${f.ruleId} ${f.target} ${f.caseId}`;

describe('a compared finding', () => {
  it('is said by its headline, with what the endpoint sent made inert for the terminal', () => {
    const a = sampleReport();
    const headline = 'create 65 on a disk holding 64 snapshots was accepted (HTTP 200); expected a refusal with QuotaExceed.Snapshot (HTTP 403) \u001b[2J\u009b31m';
    const b = variant((e) => (e.ruleId === 'request.invalid-enum' && e.caseId === 'CreateSnapshot.DiskUsage' ? { ...e, outcome: 'fail', observed: 'HTTP 200, success', headline } : e));
    const c = compareReports(a, b);
    expect(c.new[0]).toMatchObject({ observed: 'HTTP 200, success', headline });
    const text = comparisonText(c, { file: 'a.json', report: a }, { file: 'b.json', report: b });
    expect(text).toContain('(CreateSnapshot.DiskUsage): pass → fail — create 65 on a disk holding 64 snapshots was accepted (HTTP 200); expected a refusal with QuotaExceed.Snapshot (HTTP 403) \\x1b[2J\\x9b31m\n');
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(text).not.toContain('— HTTP 200, success');
  });
});

describe('comparing two reports', () => {
  it('sorts findings into new, fixed, unchanged and not run, keyed by rule, target and case', () => {
    const a = sampleReport();
    const b = variant((e) => {
      if (e.ruleId === 'request.invalid-enum' && e.caseId === 'CreateSnapshot.DiskUsage') return { ...e, outcome: 'fail', observed: 'HTTP 200, success' };
      if (e.ruleId === 'snapshot.create.retention-minimum' && e.target === 'tencent-cbs-emulator') return { ...e, outcome: 'pass' };
      if (e.ruleId === 'snapshot.create.quota') return undefined;
      return e;
    });
    const c = compareReports(a, b);
    expect(c.new.map(key)).toEqual(['request.invalid-enum tencent-cbs-emulator CreateSnapshot.DiskUsage']);
    expect(c.new[0]).toMatchObject({ before: 'pass', after: 'fail', observed: 'HTTP 200, success' });
    expect(c.fixed.map(key)).toEqual(['snapshot.create.retention-minimum tencent-cbs-emulator CreateSnapshot.Deadline']);
    // A known deviation is still a finding: a baseline accepts it, it does not go away.
    expect(c.unchanged.map(key)).toEqual(['envelope.request-id alibaba-ecs-emulator CreateSnapshot.valid', 'request.invalid-enum tencent-cbs-emulator CreateSnapshot.Tags.0.Key']);
    expect(c.notRun.map((f) => [key(f), f.before, f.after])).toEqual([['snapshot.create.quota tencent-cbs-emulator createSnapshot', 'error', undefined]]);
    const text = comparisonText(c, { file: 'a.json', report: a }, { file: 'b.json', report: b });
    // The sample's undocumented case is in both: listed apart, with no "findings in the first report" note.
    expect(text).toMatch(/^snapconform: comparing b\.json with a\.json: 1 new, 1 fixed, 2 unchanged, 1 not run, 1 undocumented\n/);
    // An entry without a headline (a report written before them) is said as its expectation against what was observed.
    expect(text).toContain('New findings (1):\n  request.invalid-enum on tencent-cbs-emulator (CreateSnapshot.DiskUsage): pass → fail — expected: CreateSnapshot refuses it with InvalidParameterValue (HTTP 200); observed: HTTP 200, success');
  });

  it('lists a fail that became undocumented as that change, never as fixed; an undocumented case that became a fail is new', () => {
    const why = { undocumented: 'the documents do not name the error' };
    const a = sampleReport();
    const b = variant((e) => {
      if (e.ruleId === 'request.invalid-enum' && e.caseId === 'CreateSnapshot.Tags.0.Key') return { ...e, ...why, outcome: 'undocumented' };
      if (e.outcome === 'undocumented') return { ...e, outcome: 'fail', undocumented: undefined };
      return e;
    });
    const c = compareReports(a, b);
    expect(c.fixed).toEqual([]);
    expect(c.undocumented.map((f) => [key(f), f.before, f.after])).toEqual([['request.invalid-enum tencent-cbs-emulator CreateSnapshot.Tags.0.Key', 'fail', 'undocumented']]);
    expect(c.new.map((f) => [key(f), f.before, f.after])).toEqual([['snapshot.create.roundtrip alibaba-ecs-emulator CreateSnapshot.default-name', 'undocumented', 'fail']]);
    const text = comparisonText(c, { file: 'a.json', report: a }, { file: 'b.json', report: b });
    expect(text).toMatch(/^snapconform: comparing b\.json with a\.json: 1 new, 0 fixed, \d+ unchanged, 0 not run, 1 undocumented \(1 of them findings in the first report: reclassified, not fixed\)\n/);
    expect(text).toContain('Undocumented in the second report (the documents do not state what was expected; not a deviation, not fixed) (1):\n  request.invalid-enum on tencent-cbs-emulator (CreateSnapshot.Tags.0.Key): fail → undocumented');
    // A report compared with itself lists its undocumented cases, unchanged, and nothing new or fixed.
    const same = compareReports(a, a);
    expect(same.undocumented.map((f) => [f.before, f.after])).toEqual([['undocumented', 'undocumented']]);
    expect(comparisonText(same, { file: 'a', report: a }, { file: 'a', report: a })).toMatch(/, 1 undocumented\n/);
  });

  it('finds nothing new in a report compared with itself', () => {
    const c = compareReports(sampleReport(), sampleReport());
    expect(c.new).toEqual([]);
    expect(c.fixed).toEqual([]);
  });

  it('says what each side ran — the SDK and its version, the run, its options, the cases that ran — before the findings', () => {
    /** A report of a run through an SDK version, as `run --driver … --driver-path …` records it. */
    const sdkRun = (version: string, id: string, drop = 0): ConformanceReport => {
      const report = variant((e) => (e.outcome === 'pass' || e.outcome === 'skip' ? e : undefined));
      const results = report.results.slice(drop);
      return {
        ...report, results, summary: summaryOf(results),
        run: { ...report.run, id, seed: -3, options: { driver: 'tencentcloud-sdk-nodejs', driverPath: `sdk-${version}`, vendors: ['tencent-cbs'] }, driver: { id: 'tencentcloud-sdk-nodejs', package: 'tencentcloud-sdk-nodejs', version, path: `/tmp/sdk-${version}` } },
      };
    };
    const a = sdkRun('4.1.200', 'run-old');
    const b = sdkRun('4.1.313', 'run-new', 1);
    const text = comparisonText(compareReports(a, b), { file: 'old.json', report: a }, { file: 'new.json', report: b });
    const pass = a.summary.pass;
    expect(text).toBe([
      'snapconform: comparing new.json with old.json: 0 new, 0 fixed, 0 unchanged, 0 not run',
      '  a  old.json',
      '     run run-old · seed -3 · vendors tencent-cbs · through tencentcloud-sdk-nodejs 4.1.200 · SDK from sdk-4.1.200 · targets tencent-cbs-emulator, alibaba-ecs-emulator, zenlayer-zec-emulator',
      `     ${pass} of ${pass + 1} cases ran: ${pass} pass, 0 fail, 1 skip, 0 error`,
      '  b  new.json',
      '     run run-new · seed -3 · vendors tencent-cbs · through tencentcloud-sdk-nodejs 4.1.313 · SDK from sdk-4.1.313 · targets tencent-cbs-emulator, alibaba-ecs-emulator, zenlayer-zec-emulator',
      `     ${b.summary.total - b.summary.skip} of ${b.summary.total} cases ran: ${b.summary.pass} pass, 0 fail, ${b.summary.skip} skip, 0 error`,
      '',
    ].join('\n'));
    expect(comparedRun({ file: 'new.json', report: b })).toEqual({
      file: 'new.json', id: 'run-new', seed: -3, options: b.run.options, driver: { id: 'tencentcloud-sdk-nodejs', version: '4.1.313' },
      targets: ['tencent-cbs-emulator', 'alibaba-ecs-emulator', 'zenlayer-zec-emulator'], cases: b.summary.total, ran: b.summary.total - b.summary.skip, summary: b.summary,
    });
  });
});

describe('reading a report', () => {
  it('takes a file, a run folder or a --report-dir', () => {
    const dir = mkdtempSync(join(tmpdir(), 'snapconform-read-'));
    mkdirSync(join(dir, 'latest'));
    writeFileSync(join(dir, 'latest', 'conformance.json'), JSON.stringify(sampleReport()));
    expect(readReport(dir).file).toBe(join(dir, 'latest', 'conformance.json'));
    expect(readReport(join(dir, 'latest')).dir).toBe(join(dir, 'latest'));
    expect(readReport(join(dir, 'latest', 'conformance.json')).report.run.id).toBe('sample-run');
  });

  it('reads a report made before the undocumented outcome existed, counting none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'snapconform-read-'));
    const older = structuredClone(sampleReport()) as unknown as { summary: Record<string, number>; results: ReportEntry[] };
    delete older.summary['undocumented'];
    older.results = older.results.filter((r) => r.outcome !== 'undocumented');
    writeFileSync(join(dir, 'conformance.json'), JSON.stringify(older));
    expect(readReport(dir).report.summary.undocumented).toBe(0);
  });

  it('refuses what is not a report of this schema, in one line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'snapconform-read-'));
    expect(() => readReport(join(dir, 'nope'))).toThrow(`${join(dir, 'nope')}: no such file or folder; give a conformance.json, a run's report folder or a --report-dir`);
    expect(() => readReport(dir)).toThrow(`${dir}: holds neither conformance.json nor latest/conformance.json`);
    writeFileSync(join(dir, 'conformance.json'), '{');
    expect(() => readReport(dir)).toThrow(ReportInputError);
    writeFileSync(join(dir, 'conformance.json'), JSON.stringify({ ...sampleReport(), schemaVersion: 1 }));
    expect(() => readReport(dir)).toThrow(`${join(dir, 'conformance.json')}: /schemaVersion: must be equal to constant (schemaVersion 1; this snapconform reads 2)`);
  });
});
