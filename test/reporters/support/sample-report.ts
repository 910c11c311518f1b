import { buildReport } from '../../../reporters/build-report.ts';
import type { ConformanceReport, ReportEntry } from '../../../reporters/report-types.ts';
import { readRunMetadata } from '../../../reporters/run-metadata.ts';

/**
 * Text that breaks naive renderers: markup and a closing script tag, quotes, an ampersand, line and paragraph
 * separators, C0 controls XML 1.0 forbids, an unpaired surrogate, and characters outside the BMP.
 */
export const HOSTILE = 'a <b>&amp;</b> "q" \'s\' </script><!-- \u2028\u2029 \u0000\u001b\u0008 \ud800 😀 中文 \t tab\nline';

const transcript = {
  request: { method: 'POST', url: 'http://127.0.0.1:1/', headers: { 'x-tc-action': 'CreateSnapshot' }, body: JSON.stringify({ DiskId: 'disk-1', SnapshotName: HOSTILE }) },
  response: { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ Response: { SnapshotId: 'snap-1', Note: HOSTILE } }) },
};

/** One entry of every outcome, over two vendors, with the fields each outcome carries. */
export function sampleEntries(): ReportEntry[] {
  const base = { title: 'should do what the documents say', durationMs: 3, expectation: { text: 'CreateSnapshot refuses it with InvalidParameterValue (HTTP 200)', source: [{ doc: 'ref-cbs', section: '3.1 CreateSnapshot', quote: '快照' }] } };
  const tencent = { vendor: 'tencent-cbs', target: 'tencent-cbs-emulator' };
  const alibaba = { vendor: 'alibaba-ecs', target: 'alibaba-ecs-emulator' };
  return [
    { ...base, ...tencent, ruleId: 'request.invalid-enum', caseId: 'CreateSnapshot.DiskUsage', outcome: 'pass', observed: 'HTTP 200, InvalidParameterValue', transcript },
    { ...base, ...tencent, ruleId: 'request.invalid-enum', caseId: 'CreateSnapshot.Tags.0.Key', outcome: 'fail', observed: `HTTP 200, success ${HOSTILE}`, message: `expected true to be false\n${HOSTILE}`, counterexample: { DiskId: 'disk-1', Note: HOSTILE }, transcript },
    { ...base, ...tencent, ruleId: 'snapshot.create.retention-minimum', caseId: 'CreateSnapshot.Deadline', outcome: 'fail', seed: 42, path: '0:0', counterexample: { aheadSeconds: 1, accepted: false }, observed: 'HTTP 200, success', transcript },
    { ...base, ...tencent, ruleId: 'snapshot.create.quota', caseId: 'createSnapshot', outcome: 'error', seed: -7, message: 'connect ECONNREFUSED 127.0.0.1:1' },
    { ...base, ...alibaba, ruleId: 'snapshot.create.retention-minimum', caseId: 'createSnapshot', outcome: 'skip', skipReason: `the alibaba-ecs spec documents no minimum retention ${HOSTILE}` },
    { ...base, ...alibaba, ruleId: 'envelope.request-id', caseId: 'CreateSnapshot.valid', outcome: 'known', observed: 'HTTP 200, no request id', baseline: { reason: `the vendor omits it on success ${HOSTILE}`, source: 'baseline.yaml' } },
    { ...base, ...alibaba, ruleId: 'auth.wrong-signature', caseId: 'DescribeSnapshots.wrong-signature', outcome: 'fixed', observed: 'HTTP 400, SignatureDoesNotMatch', baseline: { reason: 'answered 200 in 2025' } },
    { ...base, ...alibaba, ruleId: 'snapshot.create.roundtrip', caseId: 'CreateSnapshot.default-name', outcome: 'undocumented', seed: 11, expectation: { text: 'an unnamed snapshot is described with an empty name', inferred: true }, undocumented: 'the documents do not say what name an unnamed snapshot gets', variantSeen: `auto-named ${HOSTILE}`, observed: 'HTTP 200, SnapshotName auto-20260102', message: 'expected \'auto-20260102\' to be \'\'' },
    { ...base, ...alibaba, ruleId: 'request.invalid-enum', caseId: 'CreateSnapshot.Category', outcome: 'pass', observed: 'HTTP 403, InvalidSnapshotCategory.Malformed' },
  ];
}

/**
 * A report of {@link sampleEntries} built as the reporter builds one, with the project's real target file
 * and specs (so coverage, specs and targets are real too).
 */
export function sampleReport(reason = 'failed', env: NodeJS.ProcessEnv = { SNAPCONFORM_TARGET_FILE: 'targets/emulators.yaml', SNAPCONFORM_SEED: '42' }): ConformanceReport {
  const entries = sampleEntries();
  const started = new Date('2026-01-02T03:04:05.000Z');
  return buildReport(
    entries,
    { id: 'sample-run', startedAt: started, finishedAt: new Date(started.getTime() + 1234), reason, toolVersion: '9.9.9' },
    readRunMetadata(entries, env),
  );
}
