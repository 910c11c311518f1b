import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { ConformanceReport } from '../../reporters/conformance-reporter.ts';
import { RULES } from '../../src/conformance/rule-catalogue.ts';

const exec = promisify(execFile);
const BIN = new URL('../../bin/snapconform.js', import.meta.url).pathname;

/** Runs the CLI as a user would; never throws on a non-zero exit. */
async function snapconform(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [BIN, ...args], { timeout: 120_000, maxBuffer: 32 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout: string; stderr: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout, stderr: e.stderr };
  }
}

async function runSuite(...args: string[]): Promise<{ code: number; report: ConformanceReport; markdown: string; stdout: string; exchanges: Array<Record<string, unknown>> }> {
  const dir = mkdtempSync(join(tmpdir(), 'snapconform-run-'));
  const result = await snapconform('run', '--report-dir', dir, ...args);
  return {
    ...result,
    report: JSON.parse(readFileSync(join(dir, 'latest/conformance.json'), 'utf8')) as ConformanceReport,
    markdown: readFileSync(join(dir, 'latest/conformance.md'), 'utf8'),
    exchanges: readFileSync(join(dir, 'latest/exchanges.ndjson'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

/** Runs the suite against a deliberately deviating emulator: the run must find deviations (exit 1), never errors. */
async function deviationRun(...args: string[]): Promise<ConformanceReport> {
  const { code, report } = await runSuite(...args);
  expect(code).toBe(1);
  expect(report.summary.error).toBe(0);
  return report;
}

const failedRules = (report: ConformanceReport) => [...new Set(report.results.filter((r) => r.outcome !== 'pass' && r.outcome !== 'skip').map((r) => r.ruleId))].sort();

describe('snapconform run against the embedded emulators', () => {
  it('passes every rule, exits 0 and writes the report', async () => {
    const { code, report, markdown, stdout, exchanges } = await runSuite();
    expect(code, stdout).toBe(0);
    // Every exchange is recorded, not just the last of each test: properties send dozens.
    expect(exchanges.length).toBeGreaterThan(report.results.length);
    expect(exchanges[0]).toMatchObject({ target: 'tencent-cbs-emulator', attempts: 1, request: { method: 'POST' }, response: { status: 200 } });
    expect(report.summary.fail + report.summary.error).toBe(0);
    // Each skip, with its reason: exactly the rules whose documented basis a vendor lacks.
    const skips = report.results.filter((r) => r.outcome === 'skip').map((r) => [r.target, r.ruleId, r.skipReason]).sort();
    const envelopeAuthProtocol = (id: string | undefined) => /^(envelope|auth|protocol)\./.test(id ?? '');
    expect(skips.filter(([, id]) => envelopeAuthProtocol(id))).toEqual([
      // Only Alibaba's nonces are replay protected (SignatureNonceUsed); TC3 and ZC2 carry none.
      ['tencent-cbs-emulator', 'auth.replayed-nonce', 'the tencent-cbs spec documents no replay protection (no error for a reused nonce)'],
      // ZC2's clock-skew tolerance is undocumented, and no ZEC source says unknown parameters are refused.
      ['zenlayer-zec-emulator', 'auth.expired-timestamp', 'the zenlayer-zec spec documents no clock-skew window (x-protocol.clockSkewSeconds)'],
      ['zenlayer-zec-emulator', 'auth.replayed-nonce', 'the zenlayer-zec spec documents no replay protection (no error for a reused nonce)'],
      ['zenlayer-zec-emulator', 'protocol.unknown-parameter', 'the zenlayer-zec spec does not say DescribeSnapshots refuses unknown parameters (its request schema is open)'],
    ]);
    expect(skips.filter(([, id]) => !envelopeAuthProtocol(id))).toEqual([
      // Alibaba documents no minimum retention and no same-instance rule; Zenlayer neither the rule nor an
      // idempotency token nor a limit in flight; Tencent no idempotency token.
      ['alibaba-ecs-emulator', 'snapshot.create.retention-minimum', 'the alibaba-ecs spec documents no minimum retention'],
      ['alibaba-ecs-emulator', 'snapshot.group.same-instance', 'the alibaba-ecs spec documents no same-instance rule for snapshot groups'],
      ['tencent-cbs-emulator', 'snapshot.create.idempotency', 'the tencent-cbs spec documents no idempotency token'],
      ['zenlayer-zec-emulator', 'snapshot.create.idempotency', 'the zenlayer-zec spec documents no idempotency token'],
      ['zenlayer-zec-emulator', 'snapshot.create.one-in-flight', 'the zenlayer-zec spec documents no limit on snapshots in flight per disk'],
      ['zenlayer-zec-emulator', 'snapshot.group.same-instance', 'the zenlayer-zec spec documents no same-instance rule for snapshot groups'],
    ]);
    expect(report.summary.pass).toBeGreaterThan(50);
    const rules = new Set(report.results.map((r) => r.ruleId));
    // The catalogue (what --rules selects, what the detection matrix proves) is exactly what the suite records.
    expect([...rules].sort()).toEqual(Object.keys(RULES).sort());
    for (const rule of ['request.invalid-required', 'request.invalid-enum', 'request.invalid-format', 'request.valid-accepted', 'snapshot.create.roundtrip', 'snapshot.create.retention-minimum',
      'envelope.request-id', 'envelope.documented-error-code', 'envelope.error-status', 'envelope.content-type',
      'auth.wrong-signature', 'auth.unknown-key', 'auth.expired-timestamp', 'auth.replayed-nonce', 'protocol.unknown-action', 'protocol.unknown-version', 'protocol.unknown-parameter']) {
      expect(rules, rule).toContain(rule);
    }
    expect(report.results.filter((r) => r.outcome !== 'skip').every((r) => r.transcript !== undefined)).toBe(true);
    // The same vendor-neutral rules run against both embedded emulators.
    for (const target of ['tencent-cbs-emulator', 'alibaba-ecs-emulator', 'zenlayer-zec-emulator']) {
      const ofTarget = new Set(report.results.filter((r) => r.target === target).map((r) => r.ruleId));
      expect([...ofTarget], target).toEqual(expect.arrayContaining(['snapshot.create.roundtrip', 'snapshot.create.retention-minimum', 'snapshot.lifecycle.model', 'request.invalid-enum', 'request.valid-accepted']));
    }
    expect(markdown).toMatch(/\| `request.invalid-enum` \| ✅ \d+ \| ✅ \d+ \| ✅ \d+ \|/);
    // vitest's own summary line is printed too.
    expect(stdout).toMatch(/Tests\s+.*\d+ passed/);
  }, 180_000);

  it('fails exactly the enum rule when the emulator accepts values outside the documented set', async () => {
    const { code, report, markdown } = await runSuite('--emulator-deviation', 'accepts-invalid-enum');
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
  }, 180_000);

  it('fails the retention rule with a shrunk counterexample when the 24-hour minimum is not enforced', async () => {
    const { code, report } = await runSuite('--emulator-deviation', 'retention-minimum-not-enforced', '--seed', '42');
    expect(code).toBe(1);
    expect(failedRules(report)).toEqual(['snapshot.create.retention-minimum']);
    const findings = report.results.filter((r) => r.outcome === 'fail');
    expect(findings.map((f) => f.target).sort()).toEqual(['tencent-cbs-emulator', 'zenlayer-zec-emulator']);
    // The rule's own words come first in the finding's message, then fast-check's seed and path.
    for (const finding of findings) expect(finding.message).toMatch(/^a deadline 1 s ahead \(minimum 86400 s\) was accepted/);
    for (const finding of findings) {
      expect(finding.seed).toBe(42);
      // fast-check shrinks toward the smallest refused offset: one second ahead.
      expect(finding.counterexample).toEqual({ aheadSeconds: 1, accepted: false });
      expect(finding.expectation.source).toBeDefined();
    }
    expect(findings.find((f) => f.vendor === 'zenlayer-zec')!.expectation.text).toContain('INVALID_SNAPSHOT_RETENTION_TIME (HTTP 400)');
  }, 180_000);
});

describe('--rules and --vendor', () => {
  it('run only the selected rules against the selected vendor\'s targets', async () => {
    const { code, report } = await runSuite('--rules', 'snapshot.create.q*,auth.wrong-signature', '--vendor', 'zenlayer-zec');
    expect(code).toBe(0);
    expect(report.results.map((r) => `${r.ruleId} ${r.target} ${r.outcome}`)).toEqual(['auth.wrong-signature zenlayer-zec-emulator pass', 'snapshot.create.quota zenlayer-zec-emulator pass']);
  }, 180_000);

  it('refuse a pattern that selects nothing, or an unknown vendor, with exit 2 and the list to choose from', async () => {
    const rules = await snapconform('run', '--rules', 'snapshot.nothing*');
    expect(rules.code).toBe(2);
    expect(rules.stderr).toMatch(/^snapconform: --rules 'snapshot.nothing\*' selects no rule; rules are request.valid-accepted, .*snapshot.lifecycle.model/);
    const vendor = await snapconform('run', '--vendor', 'aws-ebs');
    expect(vendor.code).toBe(2);
    expect(vendor.stderr).toBe("snapconform: --vendor 'aws-ebs' is not a vendor snapconform knows; vendors are tencent-cbs, alibaba-ecs, zenlayer-zec\n");
  }, 60_000);
});

describe('rules a vendor has no documented basis for', () => {
  it('skip with the reason, never fail, and the run still exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'snapconform-target-'));
    const file = join(dir, 'alibaba.yaml');
    writeFileSync(file, 'targets:\n  - { name: alibaba, vendor: alibaba-ecs, endpoint: emulator, region: cn-hangzhou }\n');
    const { code, report } = await runSuite('--target', file);
    expect(code).toBe(0);
    const skipped = report.results.filter((r) => r.outcome === 'skip');
    // Alibaba counts retention in days (RetentionDays ≥ 1): its pages state no minimum deadline ahead; and it
    // has no snapshot groups.
    expect(skipped.map((r) => [r.ruleId, r.skipReason]).sort()).toEqual([
      ['snapshot.create.retention-minimum', 'the alibaba-ecs spec documents no minimum retention'],
      ['snapshot.group.same-instance', 'the alibaba-ecs spec documents no same-instance rule for snapshot groups'],
    ]);
    expect(report.results.some((r) => r.ruleId === 'request.invalid-x-forbidden-prefixes' && r.caseId === 'CreateSnapshot.SnapshotName' && r.outcome === 'pass')).toBe(true);
  }, 180_000);
});

describe('snapconform input errors', () => {
  it('answers a malformed target file with one line naming file and key, exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'snapconform-target-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'targets:\n  - name: x\n    vendor: aws-ebs\n    endpoint: emulator\n    region: r\n');
    const { code, stderr, stdout } = await snapconform('run', '--target', file);
    expect(code).toBe(2);
    expect(stderr.trim()).toBe(`snapconform: ${file}: targets[0].vendor: must be one of tencent-cbs, alibaba-ecs, zenlayer-zec`);
    expect(stdout).toBe('');
  });

  it('names a missing credential variable before sending anything', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'snapconform-target-'));
    const file = join(dir, 'real.yaml');
    writeFileSync(file, 'targets:\n  - name: real\n    vendor: tencent-cbs\n    endpoint: https://cbs.tencentcloudapi.com\n    region: ap-guangzhou\n    credentials: { idFromEnv: SNAPCONFORM_TEST_UNSET_ID, secretFromEnv: SNAPCONFORM_TEST_UNSET_KEY }\n');
    const { code, stderr } = await snapconform('run', '--target', file);
    expect(code).toBe(2);
    expect(stderr).toContain('targets[0].credentials.idFromEnv: environment variable SNAPCONFORM_TEST_UNSET_ID is not set');
  });

  it("names the vendor's credential variables when a real endpoint has none", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'snapconform-target-'));
    const file = join(dir, 'zec.yaml');
    writeFileSync(file, 'targets:\n  - { name: zec, vendor: zenlayer-zec, endpoint: "https://console.zenlayer.com", region: asia-east-1 }\n');
    const env = { ...process.env };
    delete env['ZENLAYERCLOUD_ACCESS_KEY_ID'];
    delete env['ZENLAYERCLOUD_ACCESS_KEY_PASSWORD'];
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(process.execPath, [BIN, 'run', '--target', file], { env }, (error, _stdout, stderr) => resolve({ code: error ? (error as { code?: number }).code ?? 1 : 0, stderr }));
    });
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(`snapconform: ${file}: targets[0].credentials: no credentials for a real endpoint: set ZENLAYERCLOUD_ACCESS_KEY_ID and ZENLAYERCLOUD_ACCESS_KEY_PASSWORD, or name other variables with credentials.idFromEnv and secretFromEnv`);
  });

  it('refuses unknown options and deviations with exit 2, and answers --help and --version', async () => {
    expect((await snapconform('run', '--bogus')).code).toBe(2);
    const deviation = await snapconform('run', '--emulator-deviation', 'nope');
    expect(deviation.code).toBe(2);
    expect(deviation.stderr).toContain("unknown deviation 'nope'");
    expect((await snapconform('--version')).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect((await snapconform('--help')).stdout).toContain('Exit codes');
  });
});

describe('envelope, auth and protocol rules catch the deviation each exists for', () => {
  const ALL = ['tencent-cbs-emulator', 'alibaba-ecs-emulator', 'zenlayer-zec-emulator'];
  /** The targets where a rule failed. */
  const failedOn = (report: ConformanceReport, ruleId: string) => [...new Set(report.results.filter((r) => r.ruleId === ruleId && r.outcome === 'fail').map((r) => r.target))].sort();
  const sorted = (list: string[]) => [...list].sort();

  it('fails exactly the wrong-signature rule, on every vendor, when any signature is accepted', async () => {
    const report = await deviationRun('--emulator-deviation', 'signature-not-checked');
    expect(failedRules(report)).toEqual(['auth.wrong-signature']);
    expect(failedOn(report, 'auth.wrong-signature')).toEqual(sorted(ALL));
    for (const finding of report.results.filter((r) => r.outcome === 'fail')) expect(finding.observed).toBe('HTTP 200, success');
  }, 180_000);

  it('fails exactly the expired-timestamp rule where a clock-skew window is documented', async () => {
    const report = await deviationRun('--emulator-deviation', 'clock-skew-not-enforced');
    expect(failedRules(report)).toEqual(['auth.expired-timestamp']);
    // Zenlayer documents no window: its rule skips, so the emulator's bent window goes unnoticed there.
    expect(failedOn(report, 'auth.expired-timestamp')).toEqual(['alibaba-ecs-emulator', 'tencent-cbs-emulator']);
    const tencent = report.results.find((r) => r.ruleId === 'auth.expired-timestamp' && r.vendor === 'tencent-cbs')!;
    expect(tencent.expectation.text).toContain('360 s ago (the window is 300 s)');
    expect(tencent.expectation.text).toContain('AuthFailure.SignatureExpire (HTTP 200)');
  }, 180_000);

  it('fails exactly the replayed-nonce rule, on the vendor whose nonces are replay protected', async () => {
    const report = await deviationRun('--emulator-deviation', 'nonce-replay-accepted');
    expect(failedRules(report)).toEqual(['auth.replayed-nonce']);
    expect(failedOn(report, 'auth.replayed-nonce')).toEqual(['alibaba-ecs-emulator']);
    expect(report.results.find((r) => r.ruleId === 'auth.replayed-nonce' && r.outcome === 'fail')!.expectation.text).toContain('SignatureNonceUsed (HTTP 400)');
  }, 180_000);

  it('fails exactly the documented-error-code rule, naming the code, when an error carries an undocumented code', async () => {
    const report = await deviationRun('--emulator-deviation', 'undocumented-error-code');
    expect(failedRules(report)).toEqual(['envelope.documented-error-code']);
    const findings = report.results.filter((r) => r.outcome === 'fail');
    expect(sorted(findings.map((f) => f.target))).toEqual(sorted(ALL));
    for (const finding of findings) {
      expect(finding.caseId).toBe('CreateSnapshot.unknown-disk');
      expect(finding.observed).toMatch(/^HTTP \d+, InternalServerFault$/);
      expect(finding.message).toContain('error code InternalServerFault is not documented for CreateSnapshot');
    }
  }, 180_000);

  it('fails the error-status rule, and every other rule that checks an error status, when errors travel with a wrong status', async () => {
    const report = await deviationRun('--emulator-deviation', 'error-with-wrong-status');
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
    expect(failedOn(report, 'envelope.error-status')).toEqual(sorted(ALL));
    const statusOf = (vendor: string) => report.results.find((r) => r.ruleId === 'envelope.error-status' && r.vendor === vendor && r.outcome === 'fail')!.observed;
    // Tencent's errors come with HTTP 400 instead of 200; the others' 400s with 422.
    expect(statusOf('tencent-cbs')).toMatch(/^HTTP 400, /);
    expect(statusOf('alibaba-ecs')).toMatch(/^HTTP 422, /);
    expect(statusOf('zenlayer-zec')).toMatch(/^HTTP 422, /);
  }, 180_000);

  it('fails the request-id rule on every call when answers carry no request id', async () => {
    const report = await deviationRun('--emulator-deviation', 'request-id-missing');
    // request.valid-accepted fails too: it asserts that a valid answer's envelope has no findings at all,
    // and a missing request id is one.
    expect(sorted(failedRules(report))).toEqual(['envelope.request-id', 'request.valid-accepted']);
    const findings = report.results.filter((r) => r.ruleId === 'envelope.request-id');
    expect(findings.length).toBe(12);
    expect(findings.every((f) => f.outcome === 'fail')).toBe(true);
  }, 180_000);

  it('fails the unknown-parameter rule where request schemas are closed when unknown parameters are ignored', async () => {
    const report = await deviationRun('--emulator-deviation', 'unknown-parameter-accepted');
    // request.invalid-additionalProperties fails too: the generated cases add an unknown parameter to every
    // closed object of every action, the same breach protocol.unknown-parameter sends to the describe action.
    expect(sorted(failedRules(report))).toEqual(['protocol.unknown-parameter', 'request.invalid-additionalProperties']);
    // Zenlayer's schemas are open: its rule skips, its emulator was never asked.
    expect(failedOn(report, 'protocol.unknown-parameter')).toEqual(['alibaba-ecs-emulator', 'tencent-cbs-emulator']);
  }, 180_000);
});

describe('contract properties catch the deviation each exists for', () => {
  const ALL = ['alibaba-ecs-emulator', 'tencent-cbs-emulator', 'zenlayer-zec-emulator'];
  /** The findings of one rule, one per target where it failed, sorted by target. */
  const findingsOf = (report: ConformanceReport, ruleId: string) =>
    report.results.filter((r) => r.ruleId === ruleId && r.outcome === 'fail').sort((a, b) => a.target.localeCompare(b.target));
  const ofVendor = (findings: ConformanceReport['results'], vendor: string) => findings.find((f) => f.vendor === vendor)!;

  it('fails exactly the quota rule, on every vendor, at the create one past the quota', async () => {
    const report = await deviationRun('--emulator-deviation', 'quota-off-by-one');
    expect(failedRules(report)).toEqual(['snapshot.create.quota']);
    const findings = findingsOf(report, 'snapshot.create.quota');
    expect(findings.map((f) => f.target)).toEqual(ALL);
    for (const finding of findings) {
      // The failing step is the counterexample: the 65th create on a fresh disk, which the emulator accepted.
      expect(finding.counterexample).toEqual({ step: 'create 65, one past the quota of 64', diskId: expect.any(String), created: 64 });
      expect(finding.observed).toBe('HTTP 200, success');
      // Named with the run's prefix (src/conformance/run-label.ts).
      expect(`${finding.transcript?.request.url} ${finding.transcript?.request.body}`).toMatch(/snapconform-[0-9a-f]{6}-quota-65/);
    }
    expect(ofVendor(findings, 'tencent-cbs').expectation.text).toContain('InsufficientSnapshotQuota (HTTP 200) (or ResourceInsufficient.OverQuota)');
    expect(ofVendor(findings, 'alibaba-ecs').expectation.text).toContain('QuotaExceed.Snapshot (HTTP 403)');
    expect(ofVendor(findings, 'zenlayer-zec').expectation.text).toContain('INVALID_SNAPSHOT_QUOTA_EXCEED (HTTP 400)');
  }, 180_000);

  it('fails exactly the in-flight rule, where one snapshot in flight per disk is documented, at the second create', async () => {
    const report = await deviationRun('--emulator-deviation', 'two-in-flight');
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
  }, 180_000);

  it('fails exactly the disk-state rule, on every vendor, naming the fixture role the contract forbids', async () => {
    const report = await deviationRun('--emulator-deviation', 'forbidden-disk-state-accepted');
    expect(failedRules(report)).toEqual(['snapshot.create.disk-state']);
    const findings = findingsOf(report, 'snapshot.create.disk-state');
    expect(findings.map((f) => f.target)).toEqual(ALL);
    // Each vendor's contract decides which role is forbidden, read from its own DescribeDisks.
    expect(ofVendor(findings, 'tencent-cbs').counterexample).toMatchObject({ step: 'create on the noSnapshotAbilityDisk', role: 'noSnapshotAbilityDisk', SnapshotAbility: false, expected: ['InvalidDisk.NotSupportSnapshot'] });
    expect(ofVendor(findings, 'alibaba-ecs').counterexample).toMatchObject({ step: 'create on the unattachedDisk', role: 'unattachedDisk', Status: 'Available', expected: ['IncorrectDiskStatus', 'IncorrectDiskStatus.NeverAttached', 'IncorrectInstanceStatus'] });
    expect(ofVendor(findings, 'zenlayer-zec').counterexample).toMatchObject({ step: 'create on the noSnapshotAbilityDisk', role: 'noSnapshotAbilityDisk', snapshotAbility: false, diskStatus: 'IN_USE' });
    for (const finding of findings) {
      expect(finding.observed).toBe('HTTP 200, success');
      expect(finding.transcript).toBeDefined();
    }
  }, 180_000);

  it('fails exactly the idempotency rule, where a token is documented, with a shrunk counterexample', async () => {
    const report = await deviationRun('--emulator-deviation', 'idempotency-ignored', '--seed', '42');
    expect(failedRules(report)).toEqual(['snapshot.create.idempotency']);
    const [finding, ...more] = findingsOf(report, 'snapshot.create.idempotency');
    expect(more).toEqual([]);
    expect(finding!.target).toBe('alibaba-ecs-emulator');
    expect(finding!.seed).toBe(42);
    expect(finding!.path).toMatch(/^\d+(:\d+)*$/);
    // Shrunk to the shortest printable token: any token shows it.
    expect(finding!.counterexample).toMatchObject({ token: '!', otherName: expect.any(String) });
    expect(finding!.message).toContain('Counterexample');
    expect(finding!.expectation.text).toContain('IdempotentParameterMismatch (HTTP 403)');
    expect(`${finding!.transcript?.request.url} ${finding!.transcript?.request.body}`).toContain('ClientToken');
  }, 180_000);

  it('fails exactly the group rule when a group of disks on different instances is accepted', async () => {
    const report = await deviationRun('--emulator-deviation', 'group-across-instances', '--seed', '42');
    expect(failedRules(report)).toEqual(['snapshot.group.same-instance']);
    const [finding, ...more] = findingsOf(report, 'snapshot.group.same-instance');
    expect(more).toEqual([]);
    expect(finding!.target).toBe('tencent-cbs-emulator');
    expect(finding!.seed).toBe(42);
    // The chosen disks include one off the fixture instance (the other instance's, or the unattached one).
    const { disks } = finding!.counterexample as { disks: string[] };
    expect(disks.some((d) => d === 'otherInstanceDisk' || d === 'unattachedDisk')).toBe(true);
    expect(disks.some((d) => d === 'unattachedDisk' || d.startsWith('sameInstanceDisks['))).toBe(true);
    expect(finding!.observed).toBe('HTTP 200, success');
    expect(finding!.expectation.text).toContain('InvalidParameterValue (HTTP 200) [inferred] (or InvalidParameter, InvalidDisk.NotSupported)');
  }, 180_000);

  it('fails exactly the group rule when member snapshots are numbered from the wrong base', async () => {
    const report = await deviationRun('--emulator-deviation', 'member-names-from-one', '--seed', '42');
    expect(failedRules(report)).toEqual(['snapshot.group.same-instance']);
    const [finding, ...more] = findingsOf(report, 'snapshot.group.same-instance');
    expect(more).toEqual([]);
    expect(finding!.target).toBe('tencent-cbs-emulator');
    // A group of disks of the fixture instance only: it was created, but its members are named from _1.
    const { disks } = finding!.counterexample as { disks: string[] };
    expect(disks.length).toBeGreaterThan(0);
    expect(disks.every((d) => d.startsWith('sameInstanceDisks['))).toBe(true);
    expect(finding!.expectation.text).toContain('named {group}_{index} with {index} from 0');
  }, 180_000);

  it('fails exactly the roundtrip rule, where creates take tags, when the tags are dropped', async () => {
    const report = await deviationRun('--emulator-deviation', 'tags-dropped', '--seed', '42');
    // The lifecycle model describes what it created too: it notices the missing tag as well.
    expect(failedRules(report)).toEqual(['snapshot.create.roundtrip', 'snapshot.lifecycle.model']);
    expect(findingsOf(report, 'snapshot.lifecycle.model').map((f) => f.target)).toEqual(['alibaba-ecs-emulator', 'tencent-cbs-emulator']);
    const findings = findingsOf(report, 'snapshot.create.roundtrip');
    // Zenlayer's CreateSnapshot takes no tags: nothing to drop.
    expect(findings.map((f) => f.target)).toEqual(['alibaba-ecs-emulator', 'tencent-cbs-emulator']);
    for (const finding of findings) {
      expect(finding.message).toMatch(/^the described tags: expected \[\] to deeply equal/);
      // The run's own tag is among those sent, so a real account can tell the snapshot was the suite's.
      expect((finding.counterexample as { tags: Array<{ key: string }> }).tags[0]!.key).toBe('snapconform-run');
    }
  }, 180_000);

  it('fails exactly the roundtrip rule, where a default name is documented, when the default is wrong', async () => {
    const report = await deviationRun('--emulator-deviation', 'default-name-wrong', '--seed', '42');
    expect(failedRules(report)).toEqual(['snapshot.create.roundtrip', 'snapshot.lifecycle.model']);
    const findings = findingsOf(report, 'snapshot.create.roundtrip');
    expect(findings.map((f) => f.target)).toEqual(['tencent-cbs-emulator']);
    expect(findings[0]!.message).toMatch(/^the default name: expected 'snapshot' to be 'Unnamed'/);
    // The unnamed create is an example that always runs first: no name was sent.
    expect(findings[0]!.counterexample).not.toHaveProperty('name');
  }, 180_000);

  it('fails the retention rule a minute either side of the boundary, placed by the endpoint\'s Date header', async () => {
    const [early, late] = await Promise.all([
      deviationRun('--emulator-deviation', 'retention-23h59-accepted', '--seed', '7'),
      deviationRun('--emulator-deviation', 'retention-24h01-refused', '--seed', '7'),
    ]);
    for (const report of [early, late]) expect(failedRules(report)).toEqual(['snapshot.create.retention-minimum']);
    // Random offsets over a year would almost never land in that minute: the values just outside the
    // untested band always run, and fast-check shrinks toward the endpoint's real boundary.
    for (const finding of findingsOf(early, 'snapshot.create.retention-minimum')) {
      const { aheadSeconds, accepted } = finding.counterexample as { aheadSeconds: number; accepted: boolean };
      expect(accepted).toBe(false);
      expect(aheadSeconds).toBeGreaterThan(86_340);
      expect(aheadSeconds).toBeLessThan(86_400 - 1);
    }
    for (const finding of findingsOf(late, 'snapshot.create.retention-minimum')) {
      expect(finding.counterexample).toMatchObject({ accepted: true });
      expect(finding.expectation.text).toMatch(/\d+ s either side of the boundary left untested \(the endpoint's Date headers place its clock -?\d+ ± \d+ ms from ours/);
    }
    expect(findingsOf(late, 'snapshot.create.retention-minimum').map((f) => f.target)).toEqual(['tencent-cbs-emulator', 'zenlayer-zec-emulator']);
  }, 180_000);

  it('fails exactly the auto-delete rule, on every vendor, when a passed retention deadline is not enforced', async () => {
    const report = await deviationRun('--emulator-deviation', 'deadline-never-enforced', '--seed', '42');
    expect(failedRules(report)).toEqual(['snapshot.lifecycle.model', 'snapshot.retention.auto-delete']);
    // The lifecycle model shrinks to the shortest story: a create with a retention, then the clock past it.
    for (const finding of findingsOf(report, 'snapshot.lifecycle.model')) {
      expect(finding.counterexample).toMatch(/^create\(disk 0, (un)?named, retention \d+ h\),advanceClock\(\d+ h\)/);
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
  }, 180_000);
});
