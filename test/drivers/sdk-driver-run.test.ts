import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConformanceReport } from '../../reporters/conformance-reporter.ts';
import { brokenTencentSdk, type Breakage } from './broken-sdk.ts';
import { CHILD_LIMIT_MS } from '../support/time-limits.ts';

const BIN = new URL('../../bin/snapconform.js', import.meta.url).pathname;
const ROOT = new URL('../..', import.meta.url).pathname;

/** `snapconform run` through an SDK driver, the SDK resolved from `driverPath` (default: this project). */
function driverRun(driver: string, vendor: string, args: string[] = [], driverPath = ROOT): Promise<{ code: number; report: ConformanceReport; stderr: string; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'snapconform-driver-'));
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, 'run', '--driver', driver, '--driver-path', driverPath, '--vendor', vendor, '--report-dir', dir, '--seed', '3', ...args], { timeout: CHILD_LIMIT_MS, maxBuffer: 64 * 1024 * 1024 }, (error, _stdout, stderr) => {
      const report = JSON.parse(readFileSync(join(dir, 'latest/conformance.json'), 'utf8')) as ConformanceReport;
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, report, stderr, dir });
    });
  });
}

const failed = (report: ConformanceReport) => [...new Set(report.results.filter((r) => r.outcome === 'fail' || r.outcome === 'error').map((r) => `${r.outcome} ${r.ruleId}`))].sort();

describe('the suite through the official SDKs, where the SDK is right', () => {
  for (const [driver, vendor] of [['tencentcloud-sdk-nodejs', 'tencent-cbs'], ['@alicloud/ecs20140526', 'alibaba-ecs'], ['@alicloud/ecs20140526:v2', 'alibaba-ecs']] as const) {
    it(`passes every rule it can run through ${driver}, and says why it skips the others`, async () => {
      const { code, report, stderr } = await driverRun(driver, vendor);
      expect(failed(report), stderr.slice(-2000)).toEqual([]);
      expect(code).toBe(0);
      // The report says which SDK, in which version, the run went through.
      expect(report.run.driver).toMatchObject({ id: driver, version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
      const ran = new Set(report.results.filter((r) => r.outcome === 'pass').map((r) => r.ruleId));
      for (const rule of ['sdk.request-conformance', 'sdk.error-surfacing', 'snapshot.create.roundtrip', 'snapshot.lifecycle.model', 'request.valid-accepted']) expect(ran, rule).toContain(rule);
      // Rules that need the wire skip, saying so.
      const wire = report.results.find((r) => r.ruleId === 'auth.wrong-signature');
      expect(wire?.skipReason).toBe(`rule needs raw wire control: under --driver ${driver} the SDK builds and signs every request`);
      expect(report.results.find((r) => r.ruleId === 'envelope.content-type')?.skipReason).toMatch(/^needs the wire: under --driver /);
    });
  }
});

describe('a broken SDK build, found out', () => {
  const cases: Array<{ breakage: Breakage; rules: string; expected: string[]; check: (report: ConformanceReport) => void }> = [
    {
      breakage: 'drop-deadline', rules: 'sdk.*,snapshot.create.retention-minimum',
      expected: ['fail sdk.request-conformance', 'fail snapshot.create.retention-minimum'],
      check: (report) => {
        const finding = report.results.find((r) => r.ruleId === 'sdk.request-conformance')!;
        expect(finding.counterexample).toEqual([expect.objectContaining({ operation: 'CreateSnapshot', parameter: 'Deadline', rule: 'parameter-dropped' })]);
      },
    },
    {
      breakage: 'tags-as-object', rules: 'sdk.*,snapshot.create.roundtrip',
      expected: ['fail sdk.request-conformance', 'fail snapshot.create.roundtrip'],
      check: (report) => {
        const finding = report.results.find((r) => r.ruleId === 'sdk.request-conformance')!;
        // Attributed to the operation and the parameter, with the rule it breaks and where the documents say so.
        expect(finding.counterexample).toEqual([expect.objectContaining({ operation: 'CreateSnapshot', parameter: 'Tags', rule: 'type', source: expect.anything() })]);
      },
    },
    {
      breakage: 'swallow-errors', rules: 'sdk.*',
      expected: ['fail sdk.error-surfacing'],
      check: (report) => {
        const finding = report.results.find((r) => r.ruleId === 'sdk.error-surfacing')!;
        const surfaced = (finding.counterexample as Array<{ answered: { code: string }; surfaced: { code: string } }>)[0]!;
        expect(surfaced.answered.code).toBe('InvalidDiskId.NotFound');
        expect(surfaced.surfaced.code).toBe('(no code)');
      },
    },
  ];
  for (const { breakage, rules, expected, check } of cases) {
    it(`finds a build that does '${breakage}'`, async () => {
      const { code, report } = await driverRun('tencentcloud-sdk-nodejs', 'tencent-cbs', ['--rules', rules], brokenTencentSdk(breakage));
      expect(failed(report)).toEqual(expected);
      expect(code).toBe(1);
      expect(report.run.driver?.version).toBe(`0.0.0-${breakage}`);
      check(report);
    });
  }
});

describe('comparing two builds of one SDK', () => {
  it('names what the new build breaks, and exits 1 on new findings', async () => {
    const rules = ['--rules', 'sdk.*,snapshot.create.retention-minimum'];
    const [released, candidate] = await Promise.all([
      driverRun('tencentcloud-sdk-nodejs', 'tencent-cbs', rules),
      driverRun('tencentcloud-sdk-nodejs', 'tencent-cbs', rules, brokenTencentSdk('drop-deadline')),
    ]);
    const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(process.execPath, [BIN, 'report', '--compare', released.dir, candidate.dir, '--json'], { timeout: CHILD_LIMIT_MS }, (error, out) => {
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout: out });
      });
    });
    expect(code).toBe(1);
    const comparison = JSON.parse(stdout) as { new: Array<{ ruleId: string }>; fixed: unknown[] };
    expect(comparison.new.map((f) => f.ruleId).sort()).toEqual(['sdk.request-conformance', 'snapshot.create.retention-minimum']);
    expect(comparison.fixed).toEqual([]);
  });
});

describe('--driver input errors', () => {
  const run = (...args: string[]) => new Promise<{ code: number; stderr: string }>((resolve) => {
    execFile(process.execPath, [BIN, 'run', ...args], { timeout: CHILD_LIMIT_MS }, (error, _out, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stderr }));
  });

  it('names the drivers, the missing SDK and the vendor conflict in one line, exit 2', async () => {
    const unknown = await run('--driver', 'aws-sdk');
    expect(unknown).toEqual({ code: 2, stderr: "snapconform: --driver 'aws-sdk' is not an SDK snapconform can drive; drivers are tencentcloud-sdk-nodejs, @alicloud/ecs20140526, @alicloud/ecs20140526:v2\n" });
    const empty = mkdtempSync(join(tmpdir(), 'snapconform-no-sdk-'));
    const missing = await run('--driver', 'tencentcloud-sdk-nodejs', '--driver-path', empty);
    expect(missing).toEqual({ code: 2, stderr: `snapconform: tencentcloud-sdk-nodejs is not installed in ${empty}; run \`npm install tencentcloud-sdk-nodejs\` there, or pass --driver-path <a directory with node_modules/tencentcloud-sdk-nodejs>\n` });
    const conflict = await run('--driver', '@alicloud/ecs20140526', '--vendor', 'tencent-cbs');
    expect(conflict).toEqual({ code: 2, stderr: 'snapconform: --driver @alicloud/ecs20140526 speaks alibaba-ecs, which --vendor tencent-cbs leaves out\n' });
  });
});
