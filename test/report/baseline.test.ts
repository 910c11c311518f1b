import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyBaseline, BaselineError, expiredEntries, loadBaseline, parseBaseline, unmatchedEntries, withBaseline, type Baseline } from '../../src/report/baseline.ts';
import { gateProblems } from '../../src/report/gate.ts';
import type { ReportEntry } from '../../reporters/report-types.ts';
import { sampleReport } from '../reporters/support/sample-report.ts';

const entry = (ruleId: string, target: string, caseId: string, outcome: ReportEntry['outcome']): ReportEntry => ({
  ruleId, target, caseId, outcome, vendor: 'tencent-cbs', title: 't', durationMs: 1, expectation: { text: 'refused' },
});

const baseline = (...entries: Array<Record<string, unknown>>): Baseline => parseBaseline('ci/baseline.yaml', { deviations: entries.map((e) => ({ reason: 'known', link: 'SNAP-1', ...e })) });

const NOW = new Date('2026-06-15T12:00:00Z');

describe('a baseline file', () => {
  it('reads rule, target, case, reason, link and an expiry that lasts through its day (UTC)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'snapconform-baseline-'));
    const file = join(dir, 'baseline.yaml');
    writeFileSync(file, 'deviations:\n  - rule: envelope.*\n    target: alibaba-*\n    case: CreateSnapshot.*\n    reason: no request id when throttled\n    link: https://tracker.example/SNAP-12\n    expires: 2026-06-15\n');
    const { entries } = loadBaseline(file);
    expect(entries).toEqual([{ at: 'deviations[0]', rule: 'envelope.*', target: 'alibaba-*', case: 'CreateSnapshot.*', reason: 'no request id when throttled', link: 'https://tracker.example/SNAP-12', expires: '2026-06-15', expiresAt: new Date('2026-06-16T00:00:00Z') }]);
    expect(expiredEntries({ file, entries }, NOW)).toEqual([]);
    expect(expiredEntries({ file, entries }, new Date('2026-06-16T00:00:00Z'))).toHaveLength(1);
  });

  it('refuses a malformed file with one line naming the file and the key', () => {
    const problems: Array<[unknown, string]> = [
      [null, 'ci/baseline.yaml: (file): must be a mapping with a deviations list'],
      [{ deviation: [] }, 'ci/baseline.yaml: deviation: unknown key; a baseline has only deviations'],
      [{ deviations: {} }, 'ci/baseline.yaml: deviations: must be a list of known deviations (rule, target, case, reason, link, expires)'],
      [{ deviations: ['x'] }, 'ci/baseline.yaml: deviations[0]: must be a mapping of rule, target, case, reason, link, expires'],
      [{ deviations: [{ rule: 'auth.*', target: '*', reason: 'r', link: 'l', expiry: '2026-01-01' }] }, 'ci/baseline.yaml: deviations[0].expiry: unknown key; an entry has rule, target, case, reason, link, expires'],
      [{ deviations: [{ rule: 'auth.*', target: '*', link: 'l' }] }, 'ci/baseline.yaml: deviations[0].reason: is required'],
      [{ deviations: [{ rule: 'auth.*', target: '*', reason: ' ', link: 'l' }] }, 'ci/baseline.yaml: deviations[0].reason: must be a non-empty string'],
      [{ deviations: [{ rule: 'auth.*', target: '*', reason: 'r', link: 'l', expires: 'next year' }] }, 'ci/baseline.yaml: deviations[0].expires: must be a date, YYYY-MM-DD (or an ISO 8601 time), got "next year"'],
    ];
    for (const [data, message] of problems) expect(() => parseBaseline('ci/baseline.yaml', data), message).toThrow(new BaselineError(message));
    // A misspelt rule would silently excuse nothing: it is an error too.
    expect(() => parseBaseline('b.yaml', { deviations: [{ rule: 'snapshot.create.quotas', target: '*', reason: 'r', link: 'l' }] })).toThrow(/^b\.yaml: deviations\[0\]\.rule: 'snapshot\.create\.quotas' matches no rule; rules are request\.valid-accepted, /);
  });

  it('names a missing or unparsable file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'snapconform-baseline-'));
    expect(() => loadBaseline(join(dir, 'none.yaml'))).toThrow(`${join(dir, 'none.yaml')}: (file): no such file; pass an existing baseline file with --baseline`);
    writeFileSync(join(dir, 'bad.yaml'), 'deviations: [\n');
    expect(() => loadBaseline(join(dir, 'bad.yaml'))).toThrow(/bad\.yaml: \(file\): not valid YAML: /);
  });
});

describe('applying a baseline', () => {
  const results = [
    entry('request.invalid-enum', 'tencent', 'A', 'fail'),
    entry('request.invalid-enum', 'tencent', 'B', 'pass'),
    entry('request.invalid-enum', 'alibaba', 'A', 'pass'),
    entry('request.invalid-enum', 'alibaba', 'B', 'pass'),
    entry('auth.wrong-signature', 'tencent', 'X', 'error'),
    entry('auth.unknown-key', 'tencent', 'X', 'skip'),
    entry('snapshot.create.quota', 'tencent', 'q', 'fail'),
  ];

  it('makes matched fails known; a rule × target it lists that passed throughout fixed; errors and skips stay', () => {
    const applied = applyBaseline(results, baseline({ rule: 'request.*', target: '*' }, { rule: 'auth.*', target: '*' }), NOW);
    expect(applied.map((r) => `${r.ruleId} ${r.target} ${r.caseId} ${r.outcome}`)).toEqual([
      'request.invalid-enum tencent A known',
      // The deviation is still there on tencent (case A): B's pass does not make the entry stale.
      'request.invalid-enum tencent B pass',
      'request.invalid-enum alibaba A fixed',
      'request.invalid-enum alibaba B fixed',
      // An error is the suite or the network failing: never excused.
      'auth.wrong-signature tencent X error',
      'auth.unknown-key tencent X skip',
      'snapshot.create.quota tencent q fail',
    ]);
    expect(applied[0]!.baseline).toEqual({ reason: 'known', source: 'ci/baseline.yaml, deviations[0]', link: 'SNAP-1' });
    expect(applied[1]!.baseline).toBeUndefined();
  });

  it('narrows by case, and takes the first entry that has not expired', () => {
    const b = baseline({ rule: 'request.invalid-enum', target: 'tencent', case: 'Z*' }, { rule: 'request.invalid-enum', target: 'tencent', reason: 'old', expires: '2026-01-01' }, { rule: 'request.*', target: 'tencent', reason: 'current' });
    const [a] = applyBaseline(results, b, NOW);
    expect(a!.outcome).toBe('known');
    expect(a!.baseline?.reason).toBe('current');
  });

  it('leaves a fail that only an expired entry matches failing, with the expired entry on it', () => {
    const b = baseline({ rule: 'snapshot.create.quota', target: 'tencent', expires: '2026-01-01T00:00:00Z' });
    const applied = applyBaseline(results, b, NOW);
    expect(applied.at(-1)).toMatchObject({ outcome: 'fail', baseline: { reason: 'known', expires: '2026-01-01T00:00:00Z', expired: true } });
    expect(expiredEntries(b, NOW).map((e) => e.at)).toEqual(['deviations[0]']);
  });

  it('undoes an earlier baseline first: applying twice is applying once, and none restores the run', () => {
    const b = baseline({ rule: 'request.*', target: '*' });
    const once = applyBaseline(results, b, NOW);
    expect(applyBaseline(once, b, NOW)).toEqual(once);
    expect(applyBaseline(once, undefined, NOW)).toEqual(results);
  });

  it('makes a matched undocumented case known, keeping its reason; undone, it is undocumented again; it keeps its rule × target from being fixed', () => {
    const why = 'the documents do not name the error';
    const undocumented = [
      { ...entry('protocol.unknown-parameter', 'tencent', 'A', 'undocumented'), undocumented: why },
      entry('protocol.unknown-parameter', 'tencent', 'B', 'pass'),
    ];
    const b = baseline({ rule: 'protocol.*', target: 'tencent' });
    const applied = applyBaseline(undocumented, b, NOW);
    expect(applied.map((r) => r.outcome)).toEqual(['known', 'pass']);
    expect(applied[0]).toMatchObject({ undocumented: why, baseline: { reason: 'known', source: 'ci/baseline.yaml, deviations[0]' } });
    expect(applyBaseline(applied, undefined, NOW)).toEqual(undocumented);
    // An expired entry leaves it undocumented, with the note, like a fail.
    const expired = applyBaseline(undocumented, baseline({ rule: 'protocol.*', target: 'tencent', expires: '2026-01-01' }), NOW);
    expect(expired[0]).toMatchObject({ outcome: 'undocumented', undocumented: why, baseline: { expired: true } });
  });

  it('recomputes the summary, and lists entries that named nothing', () => {
    const report = sampleReport();
    const b = baseline({ rule: 'snapshot.create.retention-minimum', target: 'tencent-*' }, { rule: 'snapshot.group.same-instance', target: '*' });
    const judged = withBaseline(report, b, NOW);
    // The sample's own known and fixed entries came from another baseline: undone, they are a fail and a pass again.
    expect(judged.summary).toEqual({ ...report.summary, pass: report.summary.pass + 1, fail: report.summary.fail, known: 1, fixed: 0 });
    expect(judged.results.filter((r) => r.outcome === 'known').map((r) => `${r.ruleId} ${r.target}`)).toEqual(['snapshot.create.retention-minimum tencent-cbs-emulator']);
    expect(unmatchedEntries(b, judged.results).map((e) => e.at)).toEqual(['deviations[1]']);
  });
});

describe('the gate', () => {
  const summary = (fail: number, error: number, known: number, undocumented = 0) => ({ summary: { pass: 1, fail, error, undocumented, known, fixed: 0, skip: 0, total: 1 + fail + error + known + undocumented } });

  it('fails on deviations and errors the baseline does not excuse; with --fail-on any, on known ones too', () => {
    expect(gateProblems(summary(0, 0, 3), { failOn: 'new', now: NOW })).toEqual([]);
    expect(gateProblems(summary(0, 0, 3), { failOn: 'any', now: NOW })).toEqual(['3 known deviations (--fail-on any)']);
    expect(gateProblems(summary(2, 1, 0), { failOn: 'new', now: NOW })).toEqual(['2 deviations from the documents', '1 error (the suite or the network failed, not the vendor)']);
  });

  it('fails on undocumented cases only with --fail-on inferred, which fails on everything new does too', () => {
    for (const failOn of ['new', 'any'] as const) expect(gateProblems(summary(0, 0, 0, 3), { failOn, now: NOW }), failOn).toEqual([]);
    expect(gateProblems(summary(0, 0, 0, 3), { failOn: 'inferred', now: NOW })).toEqual(['3 undocumented cases (--fail-on inferred): the service did not do what the spec infers where the documents are silent']);
    expect(gateProblems(summary(2, 1, 4, 1), { failOn: 'inferred', now: NOW })).toEqual([
      '2 deviations from the documents',
      '1 error (the suite or the network failed, not the vendor)',
      '1 undocumented case (--fail-on inferred): the service did not do what the spec infers where the documents are silent',
    ]);
  });

  it('fails on an expired entry, whatever it matches, naming the file and the entry', () => {
    const b = baseline({ rule: 'auth.*', target: 'x', expires: '2026-01-01' });
    expect(gateProblems(summary(0, 0, 0), { failOn: 'new', baseline: b, now: NOW })).toEqual([
      'baseline ci/baseline.yaml: deviations[0] (rule auth.*, target x) expired on 2026-01-01: it excuses nothing any more; fix the deviation, or renew or remove the entry',
    ]);
  });
});
