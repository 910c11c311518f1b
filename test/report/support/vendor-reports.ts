import { buildReport } from '../../../reporters/build-report.ts';
import type { ConformanceReport, ReportEntry } from '../../../reporters/report-types.ts';
import { readRunMetadata } from '../../../reporters/run-metadata.ts';

const TARGETS = {
  'tencent-cbs': 'tencent-cbs-emulator',
  'alibaba-ecs': 'alibaba-ecs-emulator',
  'zenlayer-zec': 'zenlayer-zec-emulator',
} as const;

type Vendor = keyof typeof TARGETS;

/** An entry of `vendor`'s emulator as a rule records it. */
export function entryOf(vendor: Vendor, fields: Partial<ReportEntry> & Pick<ReportEntry, 'ruleId' | 'caseId' | 'outcome'>): ReportEntry {
  return { vendor, target: TARGETS[vendor], title: 'should do what the documents say', durationMs: 1, expectation: { text: `${fields.ruleId} as ${vendor}'s documents say` }, ...fields };
}

/**
 * The three emulators' quota, default name and missing-parameter cases as a run records them: each vendor's
 * own refusal, the default name it gave, and a case spelt differently by one vendor (`diskId`).
 */
export function vendorEntries(): ReportEntry[] {
  const quota = (vendor: Vendor, code: string, httpStatus: number, extra: Partial<ReportEntry> = {}) => entryOf(vendor, {
    ruleId: 'snapshot.create.quota', caseId: 'createSnapshot', outcome: 'pass',
    observed: `snapshots up to 64 accepted, snapshot 65 refused with ${code} (HTTP ${httpStatus}), accepted again after a delete`,
    answer: { httpStatus, code }, valuesSeen: { quota: '64' }, ...extra,
  });
  return [
    quota('tencent-cbs', 'InsufficientSnapshotQuota', 200),
    quota('alibaba-ecs', 'QuotaExceed.Snapshot', 403, { variantSeen: 'quota 64: create 65 refused (ali-create-zh, 描述)' }),
    quota('zenlayer-zec', 'INVALID_SNAPSHOT_QUOTA_EXCEED', 400),
    entryOf('tencent-cbs', { ruleId: 'snapshot.create.roundtrip', caseId: 'createSnapshot', outcome: 'pass', answer: { httpStatus: 200 }, valuesSeen: { 'default name': '"Unnamed"' }, variantSeen: "default name 'Unnamed' (cbs-create-intl, 2. Input Parameters)" }),
    entryOf('alibaba-ecs', { ruleId: 'snapshot.create.roundtrip', caseId: 'createSnapshot', outcome: 'pass', answer: { httpStatus: 200 }, valuesSeen: { 'default name': '""' } }),
    entryOf('zenlayer-zec', { ruleId: 'snapshot.create.roundtrip', caseId: 'createSnapshot', outcome: 'skip', skipReason: 'the name is required' }),
    entryOf('tencent-cbs', { ruleId: 'request.invalid-required', caseId: 'CreateSnapshot.DiskId', outcome: 'pass', observed: 'HTTP 200, MissingParameter' }),
    entryOf('tencent-cbs', { ruleId: 'request.invalid-required', caseId: 'DeleteSnapshots.SnapshotIds', outcome: 'pass', observed: 'HTTP 200, MissingParameter' }),
    entryOf('alibaba-ecs', { ruleId: 'request.invalid-required', caseId: 'CreateSnapshot.DiskId', outcome: 'pass', answer: { httpStatus: 400, code: 'MissingParameter' } }),
    entryOf('zenlayer-zec', { ruleId: 'request.invalid-required', caseId: 'CreateSnapshot.diskId', outcome: 'fail', answer: { httpStatus: 200 }, observed: 'HTTP 200, success' }),
    entryOf('zenlayer-zec', { ruleId: 'request.invalid-required', caseId: 'DeleteSnapshots.snapshotIds', outcome: 'pass', answer: { httpStatus: 400, code: 'MISSING_PARAMETER' } }),
  ];
}

/** A report of `entries` built as the reporter builds one, over the project's emulator targets. */
export function reportOf(entries: ReportEntry[], id = 'vendors-run'): ConformanceReport {
  const started = new Date('2026-01-02T03:04:05.000Z');
  return buildReport(entries, { id, startedAt: started, finishedAt: new Date(started.getTime() + 1000), reason: 'failed', toolVersion: '9.9.9' },
    readRunMetadata(entries, { SNAPCONFORM_TARGET_FILE: 'targets/emulators.yaml', SNAPCONFORM_SEED: '42' }));
}
