import { describe, expect, it } from 'vitest';
import { RULES } from '../../src/conformance/rule-catalogue.ts';
import { behaviourText, compareVendors, vendorComparisonText } from '../../src/report/vendor-comparison.ts';
import { errorsOf, reportValidator } from '../reporters/support/report-schema.ts';
import { entryOf, reportOf, vendorEntries } from './support/vendor-reports.ts';

describe('what a comparison reads from conformance.json', () => {
  it('is in the published schema: each entry\'s answer and values seen, the report\'s rule summaries', () => {
    const report = reportOf(vendorEntries());
    expect(report.rules?.['snapshot.create.quota']).toEqual({ summary: RULES['snapshot.create.quota'].summary });
    const validate = reportValidator();
    expect(validate(JSON.parse(JSON.stringify(report))), errorsOf(validate)).toBe(true);
    // An answer always has its status; values are text.
    const broken = (fields: object) => ({ ...report, results: [{ ...report.results[0], ...fields }] });
    expect(validate(broken({ answer: { code: 'X' } }))).toBe(false);
    expect(validate(broken({ valuesSeen: { quota: 64 } }))).toBe(false);
  });
});

describe('compareVendors', () => {
  const report = reportOf(vendorEntries());
  const comparison = compareVendors([{ label: 'run', report }]);
  const labels = comparison.columns.map((c) => c.label);
  const rule = (id: string) => comparison.rules.find((r) => r.ruleId === id)!;
  const column = (target: string) => labels.indexOf(target);

  it('has a column per target of the report, with vendor and region', () => {
    expect(labels).toEqual(['tencent-cbs-emulator', 'alibaba-ecs-emulator', 'zenlayer-zec-emulator']);
    expect(comparison.columns[1]).toMatchObject({ vendor: 'alibaba-ecs', region: 'cn-hangzhou', endpoint: 'emulator' });
  });

  it('sets each vendor\'s quota refusal side by side: code, HTTP status, the quota seen and the variant matched', () => {
    const quota = rule('snapshot.create.quota');
    expect(quota.summary).toBe(RULES['snapshot.create.quota'].summary);
    expect(quota.cases).toHaveLength(1);
    const [row] = quota.cases;
    expect(row!.cells.map((c) => [c?.code, c?.httpStatus, c?.valuesSeen?.['quota']])).toEqual([
      ['InsufficientSnapshotQuota', 200, '64'],
      ['QuotaExceed.Snapshot', 403, '64'],
      ['INVALID_SNAPSHOT_QUOTA_EXCEED', 400, '64'],
    ]);
    expect(behaviourText(row!.cells[column('alibaba-ecs-emulator')]!)).toBe('QuotaExceed.Snapshot/403 · quota 64 · variant: quota 64: create 65 refused (ali-create-zh, 描述)');
  });

  it('shows the default name each vendor gave, and a skip with its reason', () => {
    const [row] = rule('snapshot.create.roundtrip').cases;
    expect(row!.cells.map((c) => c && behaviourText(c))).toEqual([
      'accepted/200 · default name "Unnamed" · variant: default name \'Unnamed\' (cbs-create-intl, 2. Input Parameters)',
      'accepted/200 · default name ""',
      'skipped',
    ]);
    expect(row!.cells[2]!.skipReason).toBe('the name is required');
  });

  it('matches a rule\'s cases across vendors ignoring the case of the parameter, and reads older reports\' observed line', () => {
    const required = rule('request.invalid-required');
    expect(required.cases.map((c) => c.key)).toEqual(['CreateSnapshot.DiskId', 'DeleteSnapshots.SnapshotIds']);
    const [disk, del] = required.cases;
    expect(disk!.cells.map((c) => c && `${c.outcome} ${c.code ?? 'accepted'} ${c.httpStatus}`)).toEqual(['pass MissingParameter 200', 'pass MissingParameter 400', 'fail accepted 200']);
    // Alibaba has no such case: an empty cell, not a guess.
    expect(del!.cells[column('alibaba-ecs-emulator')]).toBeNull();
    expect(required.tallies[column('tencent-cbs-emulator')]).toEqual([{ behaviour: 'MissingParameter/200', count: 2, outcome: 'pass' }]);
    expect(required.tallies[column('zenlayer-zec-emulator')]).toEqual([
      { behaviour: 'accepted/200', count: 1, outcome: 'fail' },
      { behaviour: 'MISSING_PARAMETER/400', count: 1, outcome: 'pass' },
    ]);
  });

  it('counts outcomes per area and column for the chart', () => {
    const snapshot = comparison.areas.find((a) => a.area === 'snapshot')!;
    expect(snapshot.counts.map((c) => [c.pass, c.skip])).toEqual([[2, 0], [2, 0], [1, 1]]);
    expect(comparison.areas.find((a) => a.area === 'request')!.counts[column('zenlayer-zec-emulator')]!.fail).toBe(1);
  });

  it('compares two reports of the same targets in columns named by report and target', () => {
    const emulator = reportOf(vendorEntries().filter((e) => e.vendor === 'tencent-cbs'), 'emulator-run');
    const real = reportOf([entryOf('tencent-cbs', { ruleId: 'snapshot.create.quota', caseId: 'createSnapshot', outcome: 'fail', answer: { httpStatus: 200, code: 'ResourceInsufficient.OverQuota' }, valuesSeen: { quota: '64' } })], 'real-run');
    const both = compareVendors([{ label: 'emulator', report: emulator }, { label: 'account', report: real }]);
    expect(both.columns.map((c) => c.label)).toEqual(['emulator: tencent-cbs-emulator', 'account: tencent-cbs-emulator']);
    const [row] = both.rules.find((r) => r.ruleId === 'snapshot.create.quota')!.cases;
    expect(row!.cells.map((c) => c?.code)).toEqual(['InsufficientSnapshotQuota', 'ResourceInsufficient.OverQuota']);
    // A rule only one report ran is an empty cell on the other.
    expect(both.rules.find((r) => r.ruleId === 'request.invalid-required')!.tallies[1]).toEqual([]);
  });

  it('prints the comparison for a terminal, rule by rule with its summary, endpoint text on one line', () => {
    const hostile = reportOf([entryOf('tencent-cbs', { ruleId: 'snapshot.create.quota', caseId: 'createSnapshot', outcome: 'fail', answer: { httpStatus: 200, code: 'Bad\u001b[2J\ncode' } })]);
    const text = vendorComparisonText(comparison);
    expect(text).toContain(`snapshot.create.quota — ${RULES['snapshot.create.quota'].summary}`);
    expect(text).toMatch(/alibaba-ecs-emulator +✓ QuotaExceed\.Snapshot\/403 · quota 64/);
    expect(text).toMatch(/tencent-cbs-emulator +✓ MissingParameter\/200 ×2/);
    expect(vendorComparisonText(comparison, { cases: true })).toMatch(/ {4}DeleteSnapshots\.SnapshotIds\n {6}tencent-cbs-emulator +✓ MissingParameter\/200/);
    const printed = vendorComparisonText(compareVendors([{ label: 'x', report: hostile }]));
    expect(printed).not.toMatch(/\u001b|Bad\n/);
    // Written visibly, not dropped: the reader sees what the endpoint sent.
    expect(printed).toContain('Bad\\x1b[2J\\ncode');
  });
});
