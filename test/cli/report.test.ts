import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { markdownText } from '../../reporters/markdown-text.ts';
import type { ConformanceReport } from '../../reporters/report-types.ts';
import { latestReport, matrixOf, snapconform, type CliResult } from './support/cli.ts';

// Every command here runs the real CLI against the embedded emulators, focused with --rules to stay quick.
const SHARD_RULES = 'request.invalid-enum,auth.*,snapshot.create.roundtrip'; // three rule files
const DEVIATION_RULES = 'request.invalid-enum,auth.wrong-signature';
const DEVIATION = 'accepts-invalid-enum'; // every vendor's enum rule fails, nothing else

const tmp = (name: string) => mkdtempSync(join(tmpdir(), `snapconform-${name}-`));
const work = tmp('report-cli');
/** The emulators split over two target files: the run joins them. */
const targetsA = join(work, 'a.yaml');
const targetsB = join(work, 'b.yaml');
writeFileSync(targetsA, 'targets:\n  - { name: tencent-cbs-emulator, vendor: tencent-cbs, endpoint: emulator, region: ap-guangzhou }\n  - { name: alibaba-ecs-emulator, vendor: alibaba-ecs, endpoint: emulator, region: cn-hangzhou }\n');
writeFileSync(targetsB, 'targets:\n  - { name: zenlayer-zec-emulator, vendor: zenlayer-zec, endpoint: emulator, region: asia-east-1 }\n');
const baselineFile = join(work, 'baseline.yaml');
writeFileSync(baselineFile, `deviations:
  - rule: request.invalid-enum
    target: '*-emulator'
    reason: this emulator build accepts undocumented enum values
    link: https://tracker.example/SNAP-1
  - rule: auth.wrong-signature
    target: alibaba-*
    reason: refused only since the last release
    link: SNAP-2
`);
const expiredFile = join(work, 'expired.yaml');
writeFileSync(expiredFile, 'deviations:\n  - { rule: request.invalid-enum, target: "*", reason: accepted for the 2020 release, link: SNAP-0, expires: 2020-12-31 }\n');

const dirs = { whole: tmp('whole'), shard1: tmp('shard1'), shard2: tmp('shard2'), merged: tmp('merged'), deviating: tmp('deviating'), expired: tmp('expired') };
const results: Partial<Record<keyof typeof dirs, CliResult>> = {};

beforeAll(async () => {
  const targets = ['--target', targetsA, '--target', targetsB];
  const sharded = (dir: string, ...extra: string[]) => snapconform(['run', ...targets, '--rules', SHARD_RULES, '--seed', '7', '--report-dir', dir, ...extra]);
  [results.whole, results.shard1] = await Promise.all([sharded(dirs.whole), sharded(dirs.shard1, '--shard', '1/2')]);
  const deviating = (dir: string, baseline: string) => snapconform(['run', '--rules', DEVIATION_RULES, '--emulator-deviation', DEVIATION, '--baseline', baseline, '--report-dir', dir]);
  [results.shard2, results.deviating] = await Promise.all([sharded(dirs.shard2, '--shard', '2/2'), deviating(dirs.deviating, baselineFile)]);
  results.expired = await deviating(dirs.expired, expiredFile);
});

describe('run --shard and report --merge', () => {
  it('merge the shards of a run into the unsharded run\'s matrix', async () => {
    for (const key of ['whole', 'shard1', 'shard2'] as const) expect(results[key]!.code, results[key]!.stderr).toBe(0);
    const [whole, one, two] = [latestReport(dirs.whole), latestReport(dirs.shard1), latestReport(dirs.shard2)];
    expect(one.run.shard).toEqual({ index: 1, count: 2 });
    expect(two.run.shard).toEqual({ index: 2, count: 2 });
    // Each shard ran part of the rules (vitest splits by file), none ran them all.
    expect(one.results.length).toBeGreaterThan(0);
    expect(two.results.length).toBeGreaterThan(0);
    const merge = await snapconform(['report', '--merge', dirs.shard1, join(dirs.shard2, 'latest', 'conformance.json'), '--report-dir', dirs.merged]);
    expect(merge.code, merge.stderr).toBe(0);
    expect(merge.stdout).toMatch(/^snapconform: merged 2 reports: \d+ pass, 0 fail, \d+ skip, 0 error — report in .*merged-/);
    const merged = latestReport(dirs.merged);
    expect(matrixOf(merged)).toEqual(matrixOf(whole));
    expect(Object.keys(matrixOf(whole))).toContain('snapshot.create.roundtrip @ zenlayer-zec-emulator');
    expect(merged.summary).toEqual(whole.summary);
    expect(merged.coverage).toEqual(whole.coverage);
    expect(merged.run).toMatchObject({ partial: false, reason: 'passed', seed: 7 });
    // Written like a run's report, by the same writer.
    for (const file of ['conformance.md', 'conformance.html', 'junit.xml', 'exchanges.ndjson']) expect(readFileSync(join(dirs.merged, 'latest', file), 'utf8').length, file).toBeGreaterThan(0);
  });

  it('mark a merge that misses a shard partial, and exit 1', async () => {
    const dir = tmp('merged-part');
    const merge = await snapconform(['report', '--merge', dirs.shard1, '--report-dir', dir]);
    expect(merge.code).toBe(1);
    expect(merge.stderr).toContain('snapconform: the merged report is partial: incomplete: shard 2/2 missing');
    expect(latestReport(dir).run.partial).toBe(true);
    expect(readFileSync(join(dir, 'latest', 'conformance.md'), 'utf8')).toContain('Partial report');
  });
});

describe('run --target, repeated', () => {
  it('joins the files\' targets into one matrix; each target names its file', () => {
    const report = latestReport(dirs.whole);
    expect(report.targets.map((t) => [t.name, t.file])).toEqual([['tencent-cbs-emulator', targetsA], ['alibaba-ecs-emulator', targetsA], ['zenlayer-zec-emulator', targetsB]]);
    expect(new Set(report.results.map((r) => r.target))).toEqual(new Set(['tencent-cbs-emulator', 'alibaba-ecs-emulator', 'zenlayer-zec-emulator']));
  });

  it('refuses a target name two files share with exit 2, naming both files', async () => {
    const { code, stderr } = await snapconform(['run', '--target', targetsA, '--target', targetsA]);
    expect(code).toBe(2);
    expect(stderr).toBe(`snapconform: ${targetsA}: targets[0].name: 'tencent-cbs-emulator' is a target of ${targetsA} too; target names must be unique across --target files\n`);
  });
});

describe('run --baseline', () => {
  it('makes the deviations it lists known and the rules it lists that pass fixed, and exits 0', () => {
    expect(results.deviating!.code, results.deviating!.stderr).toBe(0);
    const report = latestReport(dirs.deviating);
    const byOutcome = (o: string) => report.results.filter((r) => r.outcome === o);
    expect(report.summary.fail + report.summary.error).toBe(0);
    expect(new Set(byOutcome('known').map((r) => r.ruleId))).toEqual(new Set(['request.invalid-enum']));
    expect(byOutcome('known').length).toBeGreaterThan(5);
    expect(byOutcome('known')[0]!.baseline).toEqual({ reason: 'this emulator build accepts undocumented enum values', source: `${baselineFile}, deviations[0]`, link: 'https://tracker.example/SNAP-1' });
    // One case on each of Alibaba's three documented wires (ACS3; RPC V2 with JSON and with XML answers).
    expect(byOutcome('fixed').map((r) => `${r.ruleId} ${r.target}`)).toEqual(Array(3).fill('auth.wrong-signature alibaba-ecs-emulator'));
    expect(readFileSync(join(dirs.deviating, 'latest', 'conformance.md'), 'utf8')).toContain('## Known deviations (accepted by the baseline)');
    expect(results.deviating!.stdout).toMatch(/snapconform: \d+ pass, 0 fail, 0 skip, 0 error, \d+ known, 3 fixed/);
  });

  it('fails the run on an expired entry: it excuses nothing, and says so', () => {
    expect(results.expired!.code).toBe(1);
    expect(results.expired!.stderr).toContain(`snapconform: baseline ${expiredFile}: deviations[0] (rule request.invalid-enum, target *) expired on 2020-12-31: it excuses nothing any more`);
    const fails = latestReport(dirs.expired).results.filter((r) => r.outcome === 'fail');
    expect(fails.length).toBeGreaterThan(5);
    expect(fails.every((r) => r.baseline?.expired === true)).toBe(true);
    // The Markdown escapes what a file names (`[0]` could start a link): rendered, it reads as written.
    expect(readFileSync(join(dirs.expired, 'latest', 'conformance.md'), 'utf8')).toContain(`- **Baseline**: accepted for the 2020 release (${markdownText(`${expiredFile}, deviations[0]`)}) · SNAP-0 · **expired 2020-12-31: excuses nothing any more**`);
  });

  it('with --fail-on any, fails on known deviations too; report --merge judges a baseline the same way', async () => {
    const dir = tmp('rejudged');
    const any = await snapconform(['report', '--merge', dirs.deviating, '--baseline', baselineFile, '--fail-on', 'any', '--report-dir', dir]);
    expect(any.code).toBe(1);
    expect(any.stderr).toMatch(/snapconform: \d+ known deviations \(--fail-on any\)/);
    const none = await snapconform(['report', '--merge', dirs.deviating, '--report-dir', dir]);
    expect(none.code).toBe(0);
  });

  it('refuses a malformed baseline with one line naming file and key, exit 2', async () => {
    const bad = join(work, 'bad.yaml');
    writeFileSync(bad, 'deviations:\n  - { rule: auth.*, target: "*", reason: r, link: l, expiry: 2026-01-01 }\n');
    for (const command of [['run', '--baseline', bad], ['report', '--merge', dirs.deviating, '--baseline', bad]]) {
      const { code, stderr, stdout } = await snapconform(command);
      expect(code).toBe(2);
      expect(stderr).toBe(`snapconform: ${bad}: deviations[0].expiry: unknown key; an entry has rule, target, case, reason, link, expires\n`);
      expect(stdout).toBe('');
    }
    const { code, stderr } = await snapconform(['run', '--fail-on', 'some']);
    expect(code).toBe(2);
    expect(stderr).toBe("snapconform: --fail-on must be new, any or inferred, got 'some'\n");
  });
});

describe('report --compare', () => {
  it('lists the new findings of b against a, exit 1; the reverse lists them fixed, exit 0', async () => {
    const forward = await snapconform(['report', '--compare', dirs.whole, dirs.deviating]);
    expect(forward.code).toBe(1);
    expect(forward.stdout).toMatch(/^snapconform: comparing .* with .*: \d+ new, 0 fixed, 0 unchanged, 0 not run\n/);
    // Each side says what it ran: run, client, seed and options, targets, and the cases that ran.
    const [whole, deviating] = [latestReport(dirs.whole), latestReport(dirs.deviating)];
    expect(forward.stdout).toContain(`\n  a  ${join(dirs.whole, 'latest', 'conformance.json')}\n     run ${whole.run.id} · snapconform's own client · seed 7 · rules ${SHARD_RULES} · target files ${targetsA}, ${targetsB} · targets tencent-cbs-emulator, alibaba-ecs-emulator, zenlayer-zec-emulator\n     ${whole.summary.total - whole.summary.skip} of ${whole.summary.total} cases ran: ${whole.summary.pass} pass, 0 fail, ${whole.summary.skip} skip, 0 error\n`);
    expect(forward.stdout).toContain(`\n  b  ${join(dirs.deviating, 'latest', 'conformance.json')}\n     run ${deviating.run.id} · snapconform's own client · seed ${deviating.run.seed} · rules ${DEVIATION_RULES} · emulator deviations ${DEVIATION} · targets `);
    // A finding is said by its headline: what was expected against what the failing call did.
    expect(forward.stdout).toMatch(/New findings \(\d+\):\n {2}request\.invalid-enum on alibaba-ecs-emulator \(CreateSnapshot\.Category\): pass → known — CreateSnapshot with Category = .+ was accepted \(HTTP 200\); expected a refusal with \S+ \(HTTP \d+\)/);
    expect(forward.stdout).not.toContain('HTTP 200, success');
    const backward = await snapconform(['report', '--compare', dirs.deviating, dirs.whole, '--json']);
    expect(backward.code).toBe(0);
    const json = JSON.parse(backward.stdout) as { a: string; b: string; new: unknown[]; fixed: Array<{ ruleId: string; before: string; after: string }> };
    expect(json.a).toBe(join(dirs.deviating, 'latest', 'conformance.json'));
    expect((json as unknown as { runs: { a: { id: string; options: unknown } } }).runs.a).toMatchObject({ id: latestReport(dirs.deviating).run.id, options: { emulatorDeviations: [DEVIATION] } });
    expect(json.new).toEqual([]);
    expect(json.fixed.length).toBeGreaterThan(5);
    expect(json.fixed[0]).toMatchObject({ ruleId: 'request.invalid-enum', before: 'known', after: 'pass' });
  });
});

describe('replay', () => {
  let report: ConformanceReport;
  beforeAll(() => {
    report = latestReport(dirs.deviating);
  });

  it('lists the findings of a report, numbered', async () => {
    const { code, stdout } = await snapconform(['replay', dirs.deviating]);
    expect(code).toBe(0);
    const findings = report.results.filter((r) => r.outcome === 'known');
    expect(stdout.split('\n')[0]).toBe(`snapconform: ${findings.length} findings in ${join(dirs.deviating, 'latest', 'conformance.json')} (replay one: snapconform replay ${dirs.deviating} <number>)`);
    expect(stdout.split('\n')[1]).toMatch(new RegExp(`^ +1 {2}known {2}${findings[0]!.ruleId}@${findings[0]!.target} {2}${findings[0]!.caseId.replaceAll('.', '\\.')}$`));
  });

  /** A copy of the deviating run's report, changed as `change` says (what another run would have recorded). */
  const reportLike = (change: (copy: ConformanceReport) => void) => {
    const copy = structuredClone(report);
    change(copy);
    const file = join(tmp('replayed'), 'conformance.json');
    writeFileSync(file, JSON.stringify(copy));
    return file;
  };

  it('records the options of the run, and a finding of a deviation run still fails on replay (exit 1)', async () => {
    expect(report.run.options).toEqual({ rules: DEVIATION_RULES, emulatorDeviations: [DEVIATION] });
    expect(Number.isSafeInteger(report.run.seed)).toBe(true);
    const still = await snapconform(['replay', dirs.deviating, '1', '--', '--report-dir', tmp('replay1')]);
    expect(still.code, still.stderr).toBe(1);
    // The run's deviation comes back from the report, and no path of this machine is in the command.
    expect(still.stdout).toMatch(/snapconform: replaying request\.invalid-enum on \S+ \(.+\): snapconform run --seed[ =]-?\d+ --rules request\.invalid-enum --vendor \S+ --emulator-deviation accepts-invalid-enum --report-dir \S+\n/);
    expect(still.stdout).not.toContain('--target');
    expect(still.stdout).toMatch(/: still fails: .+\n/);
    expect(still.stdout).toMatch(/: still fails(?: \(known\))?: CreateSnapshot with \S+ = .+ was accepted \(HTTP 200\); expected a refusal with /);
  });

  it('replays a run of a negative seed, passing it as --seed=<n>', async () => {
    const file = reportLike((copy) => {
      copy.run.seed = -1322559987;
    });
    const still = await snapconform(['replay', file, 'request.invalid-enum@zenlayer-zec-emulator', '--', '--report-dir', tmp('replay2')]);
    expect(still.code, still.stderr).toBe(1);
    expect(still.stdout).toMatch(/snapconform: replaying request\.invalid-enum on zenlayer-zec-emulator \(.+\): snapconform run --seed=-1322559987 --rules request\.invalid-enum --vendor zenlayer-zec --emulator-deviation accepts-invalid-enum --report-dir /);
    expect(still.stdout).toMatch(/snapconform: request\.invalid-enum on zenlayer-zec-emulator \(DescribeSnapshots\.status\): still fails: /);
  });

  it('says a finding no longer fails when the run it came from would now pass it (exit 0)', async () => {
    // A run of an emulator without the deviation: what a fixed build would have recorded.
    const file = reportLike((copy) => {
      delete copy.run.options!.emulatorDeviations;
    });
    const fixed = await snapconform(['replay', file, '1', '--', '--report-dir', tmp('replay3')]);
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(fixed.stdout).toContain(`snapconform: ${report.results.find((r) => r.outcome === 'known')!.ruleId} on `);
    expect(fixed.stdout).toMatch(/: no longer fails \(pass\)\n/);
  });

  it('lists each finding with its headline, whatever the endpoint sent written visibly', async () => {
    const file = reportLike((copy) => {
      copy.results.find((r) => r.outcome === 'known')!.headline = 'CreateSnapshot with Category = "x\u001b]0;owned\u0007\u001b[2J" was accepted (HTTP 200); expected a refusal';
    });
    const { code, stdout } = await snapconform(['replay', file]);
    expect(code).toBe(0);
    expect(stdout.split('\n')[2]).toMatch(/^ +CreateSnapshot with Category = "x\\x1b\]0;owned\\x07\\x1b\[2J" was accepted \(HTTP 200\); expected a refusal$/);
    // eslint-disable-next-line no-control-regex
    expect(stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  });

  it('refuses a finding the report does not have, exit 2', async () => {
    const unknown = await snapconform(['replay', dirs.deviating, 'snapshot.create.quota']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(`snapconform: ${join(dirs.deviating, 'latest', 'conformance.json')}: no entry of rule snapshot.create.quota\n`);
    const ambiguous = await snapconform(['replay', dirs.deviating, 'request.invalid-enum']);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toMatch(/^snapconform: request\.invalid-enum failed on .*: name one, e\.g\. request\.invalid-enum@/);
    expect((await snapconform(['replay', dirs.deviating, '999'])).code).toBe(2);
  });
});
