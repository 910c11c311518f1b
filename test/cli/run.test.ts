import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { ConformanceReport } from '../../reporters/conformance-reporter.ts';

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

const failedRules = (report: ConformanceReport) => [...new Set(report.results.filter((r) => r.outcome !== 'pass' && r.outcome !== 'skip').map((r) => r.ruleId))];

describe('snapconform run against the embedded emulators', () => {
  it('passes every rule, exits 0 and writes the report', async () => {
    const { code, report, markdown, stdout, exchanges } = await runSuite();
    expect(code, stdout).toBe(0);
    // Every exchange is recorded, not just the last of each test: properties send dozens.
    expect(exchanges.length).toBeGreaterThan(report.results.length);
    expect(exchanges[0]).toMatchObject({ target: 'tencent-cbs-emulator', attempts: 1, request: { method: 'POST' }, response: { status: 200 } });
    expect(report.summary.fail + report.summary.error).toBe(0);
    expect(report.summary.skip).toBe(1); // Alibaba documents no minimum retention
    expect(report.summary.pass).toBeGreaterThan(50);
    const rules = new Set(report.results.map((r) => r.ruleId));
    for (const rule of ['request.invalid-required', 'request.invalid-enum', 'request.invalid-format', 'request.valid-accepted', 'snapshot.create.roundtrip', 'snapshot.create.retention-minimum']) {
      expect(rules, rule).toContain(rule);
    }
    expect(report.results.filter((r) => r.outcome !== 'skip').every((r) => r.transcript !== undefined)).toBe(true);
    // The same vendor-neutral rules run against both embedded emulators.
    for (const target of ['tencent-cbs-emulator', 'alibaba-ecs-emulator', 'zenlayer-zec-emulator']) {
      const ofTarget = new Set(report.results.filter((r) => r.target === target).map((r) => r.ruleId));
      expect([...ofTarget], target).toEqual(expect.arrayContaining(['snapshot.create.roundtrip', 'snapshot.create.retention-minimum', 'request.invalid-enum', 'request.valid-accepted']));
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
    for (const finding of findings) {
      expect(finding.seed).toBe(42);
      // fast-check shrinks toward the smallest refused offset: one second ahead.
      expect(finding.counterexample).toEqual({ aheadSeconds: 1, accepted: false });
      expect(finding.expectation.source).toBeDefined();
    }
    expect(findings.find((f) => f.vendor === 'zenlayer-zec')!.expectation.text).toContain('INVALID_SNAPSHOT_RETENTION_TIME (HTTP 400)');
  }, 180_000);
});

describe('rules a vendor has no documented basis for', () => {
  it('skip with the reason, never fail, and the run still exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'snapconform-target-'));
    const file = join(dir, 'alibaba.yaml');
    writeFileSync(file, 'targets:\n  - { name: alibaba, vendor: alibaba-ecs, endpoint: emulator, region: cn-hangzhou }\n');
    const { code, report } = await runSuite('--target', file);
    expect(code).toBe(0);
    const skipped = report.results.filter((r) => r.outcome === 'skip');
    // Alibaba counts retention in days (RetentionDays ≥ 1): its pages state no minimum deadline ahead.
    expect(skipped.map((r) => [r.ruleId, r.skipReason])).toEqual([['snapshot.create.retention-minimum', 'the alibaba-ecs spec documents no minimum retention']]);
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
