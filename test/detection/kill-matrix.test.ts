import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ConformanceReport } from '../../reporters/conformance-reporter.ts';
import { DEVIATIONS, type DeviationId } from '../../src/emulator/deviations/catalogue.ts';
import { batchesOf, focusOf, judge, renderMatrix, runBatchedMatrix, unprovenRules, vendorsOf, writeMatrixFiles, type MatrixRow } from '../../src/detection/kill-matrix.ts';
import { BOUNDED_BY_ITS_RUNS } from '../support/time-limits.ts';
import { EXPECTED_FINDINGS } from '../../src/detection/expected-findings.ts';

const BIN = new URL('../../bin/snapconform.js', import.meta.url).pathname;
const OUT = 'reports/detection';
const SEED = 1;
const RUNS = 0.5;

let rows: MatrixRow[] = [];
const rowOf = (deviation: DeviationId) => rows.find((r) => r.deviation === deviation)!;
/**
 * A deviation's run, as the matrix made it: exit code (1: deviations found) and report. Deviations of one focus
 * share a run, each on targets of its own (`<vendor>-emulator.<deviation>`): its report is the shared report's
 * results on those targets, named as a run of its own would name them (`<vendor>-emulator`).
 */
function runOf(deviation: DeviationId): { code: number; report: ConformanceReport; markdown: string } {
  const row = rowOf(deviation);
  const dir = join(row.reportDir, 'latest');
  const shared = JSON.parse(readFileSync(join(dir, 'conformance.json'), 'utf8')) as ConformanceReport;
  const own = new Set(row.targets ?? shared.results.map((r) => r.target));
  const results = shared.results.filter((r) => own.has(r.target)).map((r) => ({ ...r, target: `${r.vendor}-emulator` }));
  const count = (outcome: string) => results.filter((r) => r.outcome === outcome).length;
  return {
    code: row.findings.length > 0 ? 1 : 0,
    report: { ...shared, results, summary: { ...shared.summary, fail: count('fail'), error: count('error') } },
    markdown: readFileSync(join(dir, 'conformance.md'), 'utf8'),
  };
}
/** The report of a deviation's run, which found deviations and no errors. */
function deviationRun(deviation: DeviationId): ConformanceReport {
  const { report } = runOf(deviation);
  expect(report.summary.error).toBe(0);
  expect(report.summary.fail).toBeGreaterThan(0);
  return report;
}
const failedRules = (report: ConformanceReport) => [...new Set(report.results.filter((r) => r.outcome !== 'pass' && r.outcome !== 'skip').map((r) => r.ruleId))].sort();

describe('the detection matrix', () => {
  // Every deviation of the catalogue, focused runs two at a time: the deviations of one focus share a run, each on
  // emulators of its own (src/detection/kill-matrix.ts, runBatchedMatrix).
  beforeAll(async () => {
    rows = await runBatchedMatrix({
      bin: BIN, seed: SEED, runs: RUNS, concurrency: 2,
      onRow: (row, done, total) => process.stdout.write(`[detection ${done}/${total}] ${row.deviation}: ${row.caught ? 'caught' : 'NOT caught'} (a run of ${row.sharedBy ?? 1}, ${(row.durationMs / 1000).toFixed(1)} s)\n`),
    }, Object.keys(DEVIATIONS) as DeviationId[]);
    writeMatrixFiles(OUT, 'kill-matrix', { seed: SEED, runs: RUNS }, rows, renderMatrix(rows, { seed: SEED, runs: RUNS }));
  }, BOUNDED_BY_ITS_RUNS);

  it('has at least 40 deviations, and every rule of the suite is proven by one', () => {
    expect(Object.keys(DEVIATIONS).length).toBeGreaterThanOrEqual(40);
    expect(unprovenRules()).toEqual([]);
  });

  it('batches the deviations by focus, each once, at most 24 targets to a run', () => {
    const all = Object.keys(DEVIATIONS) as DeviationId[];
    const batches = batchesOf(all);
    expect(batches.flat().sort()).toEqual([...all].sort());
    const targetsOf = (batch: DeviationId[]) => batch.reduce((n, d) => n + vendorsOf(EXPECTED_FINDINGS[d]).length, 0);
    for (const batch of batches) {
      expect(new Set(batch.map((d) => focusOf(EXPECTED_FINDINGS[d]))).size).toBe(1);
      if (batch.length > 1) expect(targetsOf(batch)).toBeLessThanOrEqual(24);
    }
    // What the batching is for: far fewer runs than deviations.
    expect(batches.length).toBeLessThanOrEqual(Math.ceil(all.length / 3));
  });

  it('judges a run: required findings, tolerated ones, and what the deviation does not explain', () => {
    const expected = { fails: { 'snapshot.create.roundtrip': ['tencent-cbs' as const] }, mayFail: { 'snapshot.lifecycle.model': ['tencent-cbs' as const] } };
    expect(focusOf(expected)).toBe('snapshot.*');
    const roundtrip = { ruleId: 'snapshot.create.roundtrip', vendor: 'tencent-cbs', outcome: 'fail' as const };
    expect(judge(expected, [roundtrip]).caught).toBe(true);
    expect(judge(expected, [roundtrip, { ruleId: 'snapshot.lifecycle.model', vendor: 'tencent-cbs', outcome: 'fail' }]).caught).toBe(true);
    expect(judge(expected, []).missed).toEqual([{ ruleId: 'snapshot.create.roundtrip', vendor: 'tencent-cbs' }]);
    expect(judge(expected, [roundtrip, { ruleId: 'snapshot.create.quota', vendor: 'alibaba-ecs', outcome: 'fail' }]).unrelated)
      .toEqual([{ ruleId: 'snapshot.create.quota', vendor: 'alibaba-ecs', outcome: 'fail' }]);
    // An error is never what a deviation is for.
    expect(judge(expected, [{ ...roundtrip, outcome: 'error' }]).caught).toBe(false);
    // An undocumented outcome catches it only where the expectation it breaks is inferred on that vendor.
    const undocumented = { ...roundtrip, outcome: 'undocumented' as const };
    expect(judge(expected, [undocumented]).missed).toEqual([{ ruleId: 'snapshot.create.roundtrip', vendor: 'tencent-cbs' }]);
    expect(judge({ ...expected, inferred: { 'snapshot.create.roundtrip': ['tencent-cbs'] } }, [undocumented]).caught).toBe(true);
    expect(judge(expected, [roundtrip, { ruleId: 'snapshot.create.quota', vendor: 'tencent-cbs', outcome: 'undocumented' }]).unrelated)
      .toEqual([{ ruleId: 'snapshot.create.quota', vendor: 'tencent-cbs', outcome: 'undocumented' }]);
  });

  it('catches every deviation with the rules made for it and nothing unrelated, on every vendor it applies to', () => {
    expect(rows.map((r) => r.deviation)).toEqual(Object.keys(DEVIATIONS));
    const failures = rows.filter((r) => !r.caught).map((r) => ({ deviation: r.deviation, missed: r.missed, unrelated: r.unrelated, report: r.reportDir }));
    expect(failures).toEqual([]);
  });

  describe('what the findings say', () => {
    it('fails exactly the enum rule when the emulator accepts values outside the documented set', () => {
      const { code, report, markdown } = runOf('accepts-invalid-enum');
      expect(code).toBe(1);
      expect(failedRules(report)).toEqual(['request.invalid-enum']);
      const findings = report.results.filter((r) => r.outcome === 'fail');
      expect(new Set(findings.map((f) => f.vendor))).toEqual(new Set(['tencent-cbs', 'alibaba-ecs', 'zenlayer-zec']));
      for (const finding of findings) {
        expect(finding.observed).toBe('HTTP 200, success');
        expect(JSON.stringify(finding.counterexample)).toContain('_NOT_DOCUMENTED');
      }
      // Each expectation is the vendor's own documented (or inferred) code.
      expect(findings.find((f) => f.caseId === 'CreateSnapshot.DiskUsage')!.expectation.text).toContain('InvalidParameterValue (HTTP 200)');
      expect(findings.find((f) => f.caseId === 'CreateSnapshot.Category')!.expectation.text).toContain('InvalidSnapshotCategory.Malformed (HTTP 403)');
      expect(markdown).toContain('## Deviations and errors');
      // The shared report says which emulator deviated on purpose, and how.
      expect(markdown).toContain('| tencent-cbs-emulator.accepts-invalid-enum | tencent-cbs | emulator (deviates on purpose: accepts-invalid-enum) |');
    });

    it('fails the retention rule with a shrunk counterexample when the 24-hour minimum is not enforced', () => {
      const { code, report } = runOf('retention-minimum-not-enforced');
      expect(code).toBe(1);
      expect(failedRules(report)).toEqual(['snapshot.create.retention-minimum']);
      const findings = report.results.filter((r) => r.outcome === 'fail');
      expect(findings.map((f) => f.target).sort()).toEqual(['tencent-cbs-emulator', 'zenlayer-zec-emulator']);
      // The rule's own words are the finding's message (the seed and path are fields of their own).
      for (const finding of findings) expect(finding.message).toMatch(/^a deadline 1 s ahead \(minimum 86400 s\) was accepted/);
      for (const finding of findings) {
        expect(finding.seed).toBe(SEED);
        // fast-check shrinks toward the smallest refused offset: one second ahead.
        expect(finding.counterexample).toEqual({ aheadSeconds: 1, accepted: false });
        expect(finding.expectation.source).toBeDefined();
      }
      expect(findings.find((f) => f.vendor === 'zenlayer-zec')!.expectation.text).toContain('INVALID_SNAPSHOT_RETENTION_TIME (HTTP 400)');
    });
  describe('envelope, auth and protocol rules catch the deviation each exists for', () => {
    const ALL = ['tencent-cbs-emulator', 'alibaba-ecs-emulator', 'zenlayer-zec-emulator'];
    /** The targets where a rule failed. */
    const failedOn = (report: ConformanceReport, ruleId: string) => [...new Set(report.results.filter((r) => r.ruleId === ruleId && r.outcome === 'fail').map((r) => r.target))].sort();
    const sorted = (list: string[]) => [...list].sort();

    it('fails exactly the wrong-signature rule, on every vendor, when any signature is accepted', () => {
      const report = deviationRun('signature-not-checked');
      expect(failedRules(report)).toEqual(['auth.wrong-signature']);
      expect(failedOn(report, 'auth.wrong-signature')).toEqual(sorted(ALL));
      for (const finding of report.results.filter((r) => r.outcome === 'fail')) expect(finding.observed).toBe('HTTP 200, success');
    });

    it('fails exactly the expired-timestamp rule where a clock-skew window is documented', () => {
      const report = deviationRun('clock-skew-not-enforced');
      expect(failedRules(report)).toEqual(['auth.expired-timestamp']);
      // Zenlayer documents no window: its rule skips, so the emulator's bent window goes unnoticed there.
      expect(failedOn(report, 'auth.expired-timestamp')).toEqual(['alibaba-ecs-emulator', 'tencent-cbs-emulator']);
      const tencent = report.results.find((r) => r.ruleId === 'auth.expired-timestamp' && r.vendor === 'tencent-cbs')!;
      expect(tencent.expectation.text).toContain('360 s ago (the window is 300 s)');
      expect(tencent.expectation.text).toContain('AuthFailure.SignatureExpire (HTTP 200)');
    });

    it('fails exactly the replayed-nonce rule, on the vendor whose nonces are replay protected', () => {
      const report = deviationRun('nonce-replay-accepted');
      expect(failedRules(report)).toEqual(['auth.replayed-nonce']);
      expect(failedOn(report, 'auth.replayed-nonce')).toEqual(['alibaba-ecs-emulator']);
      expect(report.results.find((r) => r.ruleId === 'auth.replayed-nonce' && r.outcome === 'fail')!.expectation.text).toContain('SignatureNonceUsed (HTTP 400)');
    });

    it('fails exactly the documented-error-code rule, naming the code, when an error carries an undocumented code', () => {
      const report = deviationRun('undocumented-error-code');
      expect(failedRules(report)).toEqual(['envelope.documented-error-code']);
      const findings = report.results.filter((r) => r.outcome === 'fail');
      expect(sorted([...new Set(findings.map((f) => f.target))])).toEqual(sorted(ALL));
      for (const finding of findings) {
        // Alibaba's case runs on each of its documented wires (ids off the default one end in @<wire>).
        expect(finding.caseId).toMatch(/^CreateSnapshot\.unknown-disk(@rpc-v2\+(json|xml))?$/);
        expect(finding.observed).toMatch(/^HTTP \d+, InternalServerFault$/);
        expect(finding.message).toContain('error code InternalServerFault is not documented for CreateSnapshot');
      }
    });

    it('fails the error-status rule, and every other rule that checks an error status, when errors travel with a wrong status', () => {
      const report = deviationRun('error-with-wrong-status');
      // The deviation bends refusals of the request itself (signature, action, version, parameters), so besides
      // envelope.error-status every auth and protocol rule that runs and every generated request.invalid-* rule
      // (they all assert the documented status) fails too. Contract refusals keep their status: the properties pass.
      const invalidRules = [...new Set(report.results.map((r) => r.ruleId).filter((id) => id.startsWith('request.invalid-')))];
      expect(invalidRules.length).toBeGreaterThan(5);
      expect(sorted(failedRules(report))).toEqual(sorted([
        'envelope.error-status',
        'auth.wrong-signature', 'auth.unknown-key', 'auth.expired-timestamp', 'auth.replayed-nonce',
        'protocol.unknown-action', 'protocol.unknown-version', 'protocol.unknown-parameter',
        ...invalidRules,
      ]));
      // Zenlayer's statuses for its invented codes are inferred (its documents say only "4xx"): undocumented there.
      expect(failedOn(report, 'envelope.error-status')).toEqual(['alibaba-ecs-emulator', 'tencent-cbs-emulator']);
      const statusOf = (vendor: string) => report.results.find((r) => r.ruleId === 'envelope.error-status' && r.vendor === vendor && r.outcome !== 'pass')!.observed;
      // Tencent's errors come with HTTP 400 instead of 200; the others' 400s with 422.
      expect(statusOf('tencent-cbs')).toMatch(/^HTTP 400, /);
      expect(statusOf('alibaba-ecs')).toMatch(/^HTTP 422, /);
      expect(statusOf('zenlayer-zec')).toMatch(/^HTTP 422, /);
    });

    it('fails the request-id rule on every call when answers carry no request id', () => {
      const report = deviationRun('request-id-missing');
      // request.valid-accepted fails too: it asserts that a valid answer's envelope has no findings at all,
      // and a missing request id is one.
      expect(sorted(failedRules(report))).toEqual(['envelope.request-id', 'request.valid-accepted']);
      const findings = report.results.filter((r) => r.ruleId === 'envelope.request-id');
      // Four envelope cases a vendor; Alibaba's on each of its three documented wires.
      expect(findings.length).toBe(20);
      expect(findings.every((f) => f.outcome === 'fail')).toBe(true);
    });

    it('fails the unknown-parameter rule where request schemas are closed when unknown parameters are ignored', () => {
      const report = deviationRun('unknown-parameter-accepted');
      // request.invalid-additionalProperties fails too: the generated cases add an unknown parameter to every
      // closed object of every action, the same breach protocol.unknown-parameter sends to the describe action.
      expect(sorted(failedRules(report))).toEqual(['protocol.unknown-parameter', 'request.invalid-additionalProperties']);
      // Zenlayer's schemas are open: its rule skips, its emulator was never asked. Alibaba's pages do not say an
      // unknown parameter is refused: undocumented there, a deviation only on Tencent, whose pages say so.
      expect(failedOn(report, 'protocol.unknown-parameter')).toEqual(['tencent-cbs-emulator']);
      const alibaba = report.results.find((r) => r.ruleId === 'protocol.unknown-parameter' && r.vendor === 'alibaba-ecs')!;
      expect(alibaba.outcome).toBe('undocumented');
      expect(alibaba.undocumented).toContain('the documents do not say an unknown parameter is refused');
    });
  });

  describe('contract properties catch the deviation each exists for', () => {
    const ALL = ['alibaba-ecs-emulator', 'tencent-cbs-emulator', 'zenlayer-zec-emulator'];
    /** The findings of one rule, one per target where it failed, sorted by target. */
    const findingsOf = (report: ConformanceReport, ruleId: string) =>
      report.results.filter((r) => r.ruleId === ruleId && r.outcome === 'fail').sort((a, b) => a.target.localeCompare(b.target));
    const ofVendor = (findings: ConformanceReport['results'], vendor: string) => findings.find((f) => f.vendor === vendor)!;

    it('fails exactly the quota rule, on every vendor, at the create one past the quota', () => {
      const report = deviationRun('quota-off-by-one');
      expect(failedRules(report)).toEqual(['snapshot.create.quota']);
      const findings = findingsOf(report, 'snapshot.create.quota');
      // Zenlayer's 64 is a placeholder (the number is not documented): undocumented there.
      expect(findings.map((f) => f.target)).toEqual(['alibaba-ecs-emulator', 'tencent-cbs-emulator']);
      expect(report.results.find((r) => r.ruleId === 'snapshot.create.quota' && r.vendor === 'zenlayer-zec')!.outcome).toBe('undocumented');
      // The failing step is the counterexample: on Tencent the 65th create on a fresh disk, which the emulator
      // accepted; on Alibaba, whose newer pages allow 256, the 66th, which it refused.
      expect(ofVendor(findings, 'tencent-cbs').counterexample).toEqual({ step: 'snapshot 65, one past the quota of 64', diskId: expect.any(String), held: 0, onDisk: 64 });
      expect(ofVendor(findings, 'tencent-cbs').observed).toBe('HTTP 200, success');
      expect(ofVendor(findings, 'alibaba-ecs').counterexample).toEqual({ step: 'snapshot 66 of the quota of 256', diskId: expect.any(String), held: 0, onDisk: 65 });
      expect(ofVendor(findings, 'alibaba-ecs').observed).toBe('HTTP 403, QuotaExceed.Snapshot');
      // Named with the run's prefix (src/conformance/run-label.ts).
      expect(`${ofVendor(findings, 'tencent-cbs').transcript?.request.url} ${ofVendor(findings, 'tencent-cbs').transcript?.request.body}`).toMatch(/snapconform-[0-9a-f]{6}-quota-65/);
      expect(ofVendor(findings, 'tencent-cbs').expectation.text).toContain('InsufficientSnapshotQuota (HTTP 200) (or ResourceInsufficient.OverQuota)');
      expect(ofVendor(findings, 'alibaba-ecs').expectation.text).toContain('QuotaExceed.Snapshot (HTTP 403)');
      expect(ofVendor(findings, 'alibaba-ecs').expectation.text).toContain('64 or 256 (ref-ali, A3.1 CreateSnapshot request parameters)');
    });

    it('fails exactly the in-flight rule, where one snapshot in flight per disk is documented, at the second create', () => {
      const report = deviationRun('two-in-flight');
      expect(failedRules(report)).toEqual(['snapshot.create.one-in-flight']);
      const findings = findingsOf(report, 'snapshot.create.one-in-flight');
      // Zenlayer documents no such limit: its rule skips.
      expect(findings.map((f) => f.target)).toEqual(['alibaba-ecs-emulator', 'tencent-cbs-emulator']);
      for (const finding of findings) {
        expect(finding.counterexample).toEqual({ step: 'second create while the first is being created', diskId: expect.any(String), creationMs: 10_000 });
        expect(finding.observed).toBe('HTTP 200, success');
        expect(finding.transcript).toBeDefined();
      }
      expect(ofVendor(findings, 'tencent-cbs').expectation.text).toContain('InvalidDisk.SnapshotCreating (HTTP 200)');
      expect(ofVendor(findings, 'alibaba-ecs').expectation.text).toContain('IncorrectDiskStatus.CreatingSnapshot (HTTP 403)');
    });

    it('fails exactly the disk-state rule, on every vendor, naming the fixture role the contract forbids', () => {
      const report = deviationRun('forbidden-disk-state-accepted');
      expect(failedRules(report)).toEqual(['snapshot.create.disk-state']);
      const findings = findingsOf(report, 'snapshot.create.disk-state');
      expect(findings.map((f) => f.target)).toEqual(['alibaba-ecs-emulator', 'tencent-cbs-emulator', 'zenlayer-zec-emulator']);
      // Each vendor's contract decides which role is forbidden, read from its own DescribeDisks.
      expect(ofVendor(findings, 'tencent-cbs').counterexample).toMatchObject({ step: 'create on the noSnapshotAbilityDisk', role: 'noSnapshotAbilityDisk', SnapshotAbility: false, expected: ['InvalidDisk.NotSupportSnapshot'] });
      // Alibaba: the disk being re-initialized, which every page forbids, is tried before the unattached disk,
      // which its current page allows once attached (an expectation that could only be undocumented).
      expect(ofVendor(findings, 'alibaba-ecs').counterexample).toMatchObject({ step: 'create on the forbiddenStateDisk', role: 'forbiddenStateDisk', Status: 'ReIniting', expected: ['IncorrectDiskStatus', 'IncorrectDiskStatus.NeverAttached', 'IncorrectInstanceStatus'] });
      expect(ofVendor(findings, 'zenlayer-zec').counterexample).toMatchObject({ step: 'create on the noSnapshotAbilityDisk', role: 'noSnapshotAbilityDisk', snapshotAbility: false, diskStatus: 'IN_USE' });
      for (const finding of findings) {
        expect(finding.observed).toBe('HTTP 200, success');
        expect(finding.transcript).toBeDefined();
      }
    });

    it('fails exactly the idempotency rule, where a token is documented, with a shrunk counterexample', () => {
      const report = deviationRun('idempotency-ignored');
      expect(failedRules(report)).toEqual(['snapshot.create.idempotency']);
      const [finding, ...more] = findingsOf(report, 'snapshot.create.idempotency');
      expect(more).toEqual([]);
      expect(finding!.target).toBe('alibaba-ecs-emulator');
      expect(finding!.seed).toBe(SEED);
      expect(finding!.path).toMatch(/^\d+(:\d+)*$/);
      // Shrunk to the shortest printable token: any token shows it.
      expect(finding!.counterexample).toMatchObject({ token: '!', otherName: expect.any(String) });
      // Its headline is the shrunk run's failing call, in plain words; fast-check's report stays out of the message.
      expect(finding!.headline).toMatch(/^the same ClientToken with the same parameters answered with another snapshot: expected '\S+', observed '\S+'$/);
      expect(finding!.message).not.toMatch(/Counterexample|Property failed|Object\.is/);
      expect(finding!.expectation.text).toContain('IdempotentParameterMismatch (HTTP 403)');
      expect(`${finding!.transcript?.request.url} ${finding!.transcript?.request.body}`).toContain('ClientToken');
    });

    it('fails exactly the group rule when a group of disks on different instances is accepted', () => {
      const report = deviationRun('group-across-instances');
      expect(failedRules(report)).toEqual(['snapshot.group.same-instance']);
      const [finding, ...more] = findingsOf(report, 'snapshot.group.same-instance');
      expect(more).toEqual([]);
      expect(finding!.target).toBe('tencent-cbs-emulator');
      expect(finding!.seed).toBe(SEED);
      // The chosen disks include one off the fixture instance (the other instance's, or the unattached one).
      const { disks } = finding!.counterexample as { disks: string[] };
      expect(disks.some((d) => d === 'otherInstanceDisk' || d === 'unattachedDisk')).toBe(true);
      expect(disks.some((d) => d === 'unattachedDisk' || d.startsWith('sameInstanceDisks['))).toBe(true);
      expect(finding!.observed).toBe('HTTP 200, success');
      expect(finding!.expectation.text).toContain('InvalidParameterValue (HTTP 200) [inferred] (or InvalidParameter, InvalidDisk.NotSupported)');
    });

    it('fails exactly the group rule when member snapshots are numbered from the wrong base', () => {
      const report = deviationRun('member-names-from-one');
      expect(failedRules(report)).toEqual(['snapshot.group.same-instance']);
      const [finding, ...more] = findingsOf(report, 'snapshot.group.same-instance');
      expect(more).toEqual([]);
      expect(finding!.target).toBe('tencent-cbs-emulator');
      // A group of disks of one instance (the fixture instance's, or a single disk): it was created, but its
      // members are named from _1.
      const { disks } = finding!.counterexample as { disks: string[] };
      expect(disks.length).toBeGreaterThan(0);
      expect(disks.length === 1 || disks.every((d) => d.startsWith('sameInstanceDisks['))).toBe(true);
      expect(finding!.expectation.text).toContain('named {group}_{index} with {index} from 0');
    });

    it('fails exactly the roundtrip rule, where creates take tags, when the tags are dropped', () => {
      const report = deviationRun('tags-dropped');
      // The lifecycle model describes what it created too: it notices the missing tag as well.
      expect(failedRules(report)).toEqual(['snapshot.create.roundtrip', 'snapshot.lifecycle.model']);
      expect(findingsOf(report, 'snapshot.lifecycle.model').map((f) => f.target)).toEqual(['alibaba-ecs-emulator', 'tencent-cbs-emulator']);
      const findings = findingsOf(report, 'snapshot.create.roundtrip');
      // Zenlayer's CreateSnapshot takes no tags: nothing to drop.
      expect(findings.map((f) => f.target)).toEqual(['alibaba-ecs-emulator', 'tencent-cbs-emulator']);
      for (const finding of findings) {
        expect(finding.message).toMatch(/^the tags of snapshot \S+ were described as none; its create sent snapconform-run=/);
        // The run's own tag is among those sent, so a real account can tell the snapshot was the suite's.
        expect((finding.counterexample as { tags: Array<{ key: string }> }).tags[0]!.key).toBe('snapconform-run');
      }
    });

    it('fails exactly the roundtrip rule, where a default name is documented, when the default is wrong', () => {
      const report = deviationRun('default-name-wrong');
      expect(failedRules(report)).toEqual(['snapshot.create.roundtrip', 'snapshot.lifecycle.model']);
      const findings = findingsOf(report, 'snapshot.create.roundtrip');
      expect(findings.map((f) => f.target)).toEqual(['tencent-cbs-emulator']);
      // Any page's default is accepted ("Unnamed", "not named", 未命名): 'snapshot' is none of them.
      expect(findings[0]!.message).toMatch(/^the snapshot created without a name was described as "snapshot"; expected the default name "Unnamed" or "not named" or "未命名"/);
      // The unnamed create is an example that always runs first: no name was sent.
      expect(findings[0]!.counterexample).not.toHaveProperty('name');
    });

    it('fails the retention rule a minute either side of the boundary, placed by the endpoint\'s Date header', () => {
      const [early, late] = [deviationRun('retention-23h59-accepted'), deviationRun('retention-24h01-refused')];
      expect(failedRules(early)).toEqual(['snapshot.create.retention-minimum']);
      // The auto-delete rule's deadline lies exactly a minute past the minimum: on a busy machine the bent
      // minimum refuses it too (expected-findings.ts).
      expect(failedRules(late).filter((rule) => rule !== 'snapshot.retention.auto-delete')).toEqual(['snapshot.create.retention-minimum']);
      // Random offsets over a year would almost never land in that minute: the values just outside the
      // untested band always run, and fast-check shrinks toward the endpoint's real boundary.
      for (const finding of findingsOf(early, 'snapshot.create.retention-minimum')) {
        const { aheadSeconds, accepted } = finding.counterexample as { aheadSeconds: number; accepted: boolean };
        expect(accepted).toBe(false);
        // 86,340 s (23 h 59 min) itself is accepted when the endpoint's clock stands on a whole second at the
        // create: its Date header, in whole seconds, then places the deadline exactly on the bent minimum.
        expect(aheadSeconds).toBeGreaterThanOrEqual(86_340);
        expect(aheadSeconds).toBeLessThan(86_400 - 1);
      }
      for (const finding of findingsOf(late, 'snapshot.create.retention-minimum')) {
        expect(finding.counterexample).toMatchObject({ accepted: true });
        expect(finding.expectation.text).toMatch(/\d+ s either side of the boundary left untested \(the endpoint's Date headers place its clock -?\d+ ± \d+ ms from ours/);
      }
      expect(findingsOf(late, 'snapshot.create.retention-minimum').map((f) => f.target)).toEqual(['tencent-cbs-emulator', 'zenlayer-zec-emulator']);
    });

    it('fails exactly the auto-delete rule, on every vendor, when a passed retention deadline is not enforced', () => {
      const report = deviationRun('deadline-never-enforced');
      expect(failedRules(report)).toEqual(['snapshot.lifecycle.model', 'snapshot.retention.auto-delete']);
      // The lifecycle model's fixed story meets it first, and shrinks to its two steps that matter: a create with a
      // retention, then the clock past it.
      for (const finding of findingsOf(report, 'snapshot.lifecycle.model')) {
        expect(finding.counterexample).toBe('create(disk 0, unnamed, retention 25 h),advanceClock(72 h)');
        expect(finding.message).toMatch(/^snapshot \S+ is still described \d+ min after its retention deadline/);
      }
      expect(findingsOf(report, 'snapshot.lifecycle.model').map((f) => f.target)).toEqual(ALL);
      const findings = findingsOf(report, 'snapshot.retention.auto-delete');
      expect(findings.map((f) => f.target)).toEqual(ALL);
      for (const finding of findings) {
        const step = finding.counterexample as { step: string; snapshotId: string; clockAdvancedMs: number };
        expect(step.step).toMatch(/^describe after the clock passed \d+ s, beyond the deadline$/);
        expect(finding.observed).toBe('HTTP 200, success');
        expect(finding.transcript?.response.body).toContain(step.snapshotId);
      }
      // Tencent and Zenlayer deadlines are points in time: just past the 24-hour minimum, checked 30 s after.
      // Alibaba's RetentionDays counts whole days: checked a day after the deadline.
      const advanced = (vendor: string) => (ofVendor(findings, vendor).counterexample as { clockAdvancedMs: number }).clockAdvancedMs;
      expect(advanced('tencent-cbs')).toBeGreaterThan(86_400_000 + 60_000);
      expect(advanced('tencent-cbs')).toBeLessThan(86_400_000 + 120_000);
      expect(advanced('zenlayer-zec')).toBeLessThan(86_400_000 + 120_000);
      expect(advanced('alibaba-ecs')).toBeGreaterThan(86_400_000);
      expect(ofVendor(findings, 'tencent-cbs').counterexample).toMatchObject({ parameter: 'Deadline', deadline: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/) });
      expect(ofVendor(findings, 'alibaba-ecs').counterexample).toMatchObject({ parameter: 'RetentionDays' });
      expect(ofVendor(findings, 'alibaba-ecs').expectation.text).toContain('a day after it (RetentionDays counts whole days)');
    });
  });
  });
});
