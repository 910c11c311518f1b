import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { ConformanceReport } from '../../reporters/conformance-reporter.ts';
import { everyRunRules } from '../../src/conformance/rule-catalogue.ts';
import { loadSpec } from '../../src/spec/load-spec.ts';
import { CHILD_LIMIT_MS } from '../support/time-limits.ts';

const exec = promisify(execFile);
const BIN = new URL('../../bin/snapconform.js', import.meta.url).pathname;

/** Runs the CLI as a user would; never throws on a non-zero exit. */
async function snapconform(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [BIN, ...args], { timeout: CHILD_LIMIT_MS, maxBuffer: 32 * 1024 * 1024 });
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

/** The actions of the vendor pages the project starts from (../shared/seeds). */
const SEED_ACTIONS = { 'tencent-cbs': ['CreateSnapshot', 'CreateSnapshotGroup'], 'alibaba-ecs': ['CreateSnapshot'], 'zenlayer-zec': ['CreateSnapshot'] };

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
      ['tencent-cbs-emulator', 'snapshot.create.resource-group', 'the tencent-cbs spec documents no resource groups'],
      ['zenlayer-zec-emulator', 'snapshot.create.idempotency', 'the zenlayer-zec spec documents no idempotency token'],
      ['zenlayer-zec-emulator', 'snapshot.create.one-in-flight', 'the zenlayer-zec spec documents no limit on snapshots in flight per disk'],
      ['zenlayer-zec-emulator', 'snapshot.create.resource-group', 'the zenlayer-zec spec documents no resource groups'],
      ['zenlayer-zec-emulator', 'snapshot.group.same-instance', 'the zenlayer-zec spec documents no same-instance rule for snapshot groups'],
    ]);
    expect(report.summary.pass).toBeGreaterThan(50);
    const rules = new Set(report.results.map((r) => r.ruleId));
    // The catalogue (what --rules selects, what the detection matrix proves) is exactly what the suite records.
    expect([...rules].sort()).toEqual(everyRunRules().sort());
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
    // Every documented code of the five seed actions (Tencent's CreateSnapshot on two pages and
    // CreateSnapshotGroup, Alibaba's and Zenlayer's CreateSnapshot) is exercised by a default run or listed,
    // with why, as one no run can provoke; the report would name any other as a gap.
    const gaps = Object.entries(SEED_ACTIONS).flatMap(([vendor, actions]) => {
      const spec = loadSpec(`specs/${vendor}.yaml`);
      const coverage = report.coverage.find((c) => c.vendor === vendor)!;
      return actions.flatMap((action) => spec.action(action).errors.map((e) => e.code))
        .filter((code) => coverage.errorCodes.notExercised.includes(code)).map((code) => `${vendor} ${code}`);
    });
    expect([...new Set(gaps)]).toEqual([]);
    expect(markdown).toContain('Error codes no run can provoke:');
    // snapconform's totals are the report's; vitest's own (tests, not findings) only with --verbose (test/cli/ci-output.test.ts).
    expect(stdout).toContain(`snapconform: ${report.summary.pass} pass, 0 fail, ${report.summary.skip} skip, 0 error — report in `);
    expect(stdout).not.toMatch(/Tests\s+.*\d+ passed/);
  });

});

describe('--rules and --vendor', () => {
  it('run only the selected rules against the selected vendor\'s targets', async () => {
    const { code, report } = await runSuite('--rules', 'snapshot.create.q*,auth.wrong-signature', '--vendor', 'zenlayer-zec');
    expect(code).toBe(0);
    expect(report.results.map((r) => `${r.ruleId} ${r.target} ${r.outcome}`)).toEqual(['auth.wrong-signature zenlayer-zec-emulator pass', 'snapshot.create.quota zenlayer-zec-emulator pass']);
  });

  it('refuse a pattern that selects nothing, or an unknown vendor, with exit 2 and the list to choose from', async () => {
    const rules = await snapconform('run', '--rules', 'snapshot.nothing*');
    expect(rules.code).toBe(2);
    expect(rules.stderr).toMatch(/^snapconform: --rules 'snapshot.nothing\*' selects no rule; rules are request.valid-accepted, .*snapshot.lifecycle.model/);
    const vendor = await snapconform('run', '--vendor', 'aws-ebs');
    expect(vendor.code).toBe(2);
    expect(vendor.stderr).toBe("snapconform: --vendor 'aws-ebs' is not a vendor snapconform knows; vendors are tencent-cbs, alibaba-ecs, zenlayer-zec\n");
  });
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
  });
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

