import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ConformanceReport } from '../../reporters/conformance-reporter.ts';
import { runSuite } from './support/cli-run.ts';
import { errorsOf, reportValidator } from './support/report-schema.ts';
import { findAll, parseXml } from './support/strict-xml.ts';

// One real run against the embedded emulators, two of them misbehaving on purpose, so the report holds
// passes, skips and fails — among them property failures with seeds and shrunk counterexamples.
let latest: string;
let code: number;
let report: ConformanceReport;

beforeAll(async () => {
  const result = await runSuite('--emulator-deviation', 'accepts-invalid-enum', '--emulator-deviation', 'retention-minimum-not-enforced');
  code = result.code;
  latest = join(result.dir, 'latest');
  report = JSON.parse(readFileSync(join(latest, 'conformance.json'), 'utf8')) as ConformanceReport;
});

describe('the report of a real run', () => {
  it('writes every format, and conformance.json matches the published schema', () => {
    expect(code).toBe(1);
    expect(readdirSync(latest).sort()).toEqual(['conformance.html', 'conformance.json', 'conformance.md', 'exchanges.ndjson', 'junit.xml']);
    const validate = reportValidator();
    expect(validate(report), errorsOf(validate)).toBe(true);
    expect(report.summary.fail).toBeGreaterThan(0);
    expect(report.summary.skip).toBeGreaterThan(0);
  });

  it('names the targets, spec versions, target file and options of the run', () => {
    expect(report.targets).toEqual([
      { name: 'tencent-cbs-emulator', vendor: 'tencent-cbs', endpoint: 'emulator', region: 'ap-guangzhou' },
      { name: 'alibaba-ecs-emulator', vendor: 'alibaba-ecs', endpoint: 'emulator', region: 'cn-hangzhou' },
      { name: 'zenlayer-zec-emulator', vendor: 'zenlayer-zec', endpoint: 'emulator', region: 'asia-east-1' },
    ]);
    expect(Object.fromEntries(report.specs.map((s) => [s.vendor, s.apiVersion]))).toEqual({ 'tencent-cbs': '2017-03-12', 'alibaba-ecs': '2014-05-26', 'zenlayer-zec': '2025-09-01' });
    // The default target file, named as in snapconform's folder, not as this machine placed it.
    expect(report.run.targetFile).toBe('targets/emulators.yaml');
    // No --seed: the run drew one and recorded it, with the options that shaped it.
    expect(Number.isSafeInteger(report.run.seed)).toBe(true);
    expect(report.run.options).toEqual({ emulatorDeviations: ['accepts-invalid-enum', 'retention-minimum-not-enforced'] });
    expect(report.run.partial).toBe(false);
  });

  it('gives each property failure a replay command with its seed, rule, vendor and the run\'s emulator deviations', () => {
    const replays = report.results.filter((r) => r.replay !== undefined);
    expect(replays.map((r) => [r.ruleId, r.vendor]).sort()).toEqual([['snapshot.create.retention-minimum', 'tencent-cbs'], ['snapshot.create.retention-minimum', 'zenlayer-zec']]);
    // A negative seed is joined with = (run would read `--seed -5` as a seed without its value).
    const seed = (n: number) => (n < 0 ? `--seed=${n}` : `--seed ${n}`);
    for (const r of replays) expect(r.replay).toBe(`snapconform run ${seed(r.seed!)} --rules ${r.ruleId} --vendor ${r.vendor} --emulator-deviation accepts-invalid-enum --emulator-deviation retention-minimum-not-enforced`);
    // Generated request cases repeat without a seed: no replay command.
    expect(report.results.filter((r) => r.ruleId === 'request.invalid-enum' && r.outcome === 'fail').every((r) => r.replay === undefined)).toBe(true);
  });

  it('measures each vendor\'s spec coverage from what the run did', () => {
    expect(report.coverage.map((c) => c.vendor).sort()).toEqual(['alibaba-ecs', 'tencent-cbs', 'zenlayer-zec']);
    for (const c of report.coverage) {
      for (const d of [c.errorCodes, c.parameters, c.constraints]) {
        expect(d.exercised, c.vendor).toBeGreaterThan(0);
        expect(d.exercised + d.notExercised.length + (d.unprovokable?.length ?? 0)).toBe(d.documented);
      }
    }
    // The enum cases ran, so every enum constraint they broke is exercised.
    const tencent = report.coverage.find((c) => c.vendor === 'tencent-cbs')!;
    expect(tencent.constraints.notExercised).not.toContain('CreateSnapshot.DiskUsage#enum');
  });

  it('writes a junit.xml that strict XML parsing reads back with the summary\'s counts', () => {
    const root = parseXml(readFileSync(join(latest, 'junit.xml'), 'utf8'));
    const cases = findAll(root, 'testcase');
    expect(cases).toHaveLength(report.summary.total);
    expect(cases.filter((c) => c.children.some((x) => x.name === 'failure'))).toHaveLength(report.summary.fail);
    expect(cases.filter((c) => c.children.some((x) => x.name === 'error'))).toHaveLength(report.summary.error);
    const skipped = cases.flatMap((c) => c.children.filter((x) => x.name === 'skipped'));
    expect(skipped.map((s) => s.attributes['message']).sort()).toEqual(report.results.filter((r) => r.outcome === 'skip').map((r) => r.skipReason).sort());
    expect(Number(root.attributes['failures'])).toBe(report.summary.fail);
  });

  it('writes conformance.md and conformance.html with the coverage and every rule', () => {
    const markdown = readFileSync(join(latest, 'conformance.md'), 'utf8');
    expect(markdown).toContain('## Spec coverage');
    expect(markdown).toContain('- **Replay**: `snapconform run --seed');
    const html = readFileSync(join(latest, 'conformance.html'), 'utf8');
    expect(html.match(/<tr data-rule="/g)).toHaveLength(new Set(report.results.map((r) => r.ruleId)).size);
  });
});
