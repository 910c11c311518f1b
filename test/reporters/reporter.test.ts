import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TestCase, TestModule } from 'vitest/node';
import ConformanceReporter, { entriesOf, outcomeOf, type ConformanceReport } from '../../reporters/conformance-reporter.ts';
import { summaryText, writeReportAtomically } from '../../reporters/write-report.ts';
import type { RuleRecord } from '../../src/conformance/rule-meta.ts';
import { errorsOf, reportValidator } from './support/report-schema.ts';
import { sampleReport } from './support/sample-report.ts';
import { parseXml } from './support/strict-xml.ts';

// The reporter reads only these members of vitest's TestModule and TestCase; a fake with exactly them
// drives it as a run would, without starting one.
type Result = { state: 'passed' | 'failed' | 'skipped'; errors?: Array<{ name: string; message: string }> };
const testCase = (name: string, record: RuleRecord, result: Result) => ({
  name,
  meta: () => ({ conformance: record }),
  result: () => result,
  diagnostic: () => ({ duration: 4.4 }),
});
const modules = (...cases: Array<ReturnType<typeof testCase>>) => [{ children: { allTests: () => cases[Symbol.iterator]() } }] as unknown as TestModule[];

const rule = (ruleId: string, caseId: string, extra: Partial<RuleRecord> = {}): RuleRecord => ({
  ruleId, caseId, vendor: 'tencent-cbs', target: 'tencent-cbs-emulator', expectation: { text: `${caseId} is refused with InvalidParameterValue (HTTP 200)` }, ...extra,
});
const run = modules(
  testCase('passes', rule('request.invalid-enum', 'CreateSnapshot.DiskUsage', { observed: 'HTTP 200, InvalidParameterValue' }), { state: 'passed' }),
  testCase('fails', rule('snapshot.create.retention-minimum', 'CreateSnapshot.Deadline', { seed: 42, counterexample: { aheadSeconds: 1 } }), { state: 'failed', errors: [{ name: 'AssertionError', message: 'accepted\nsecond line' }] }),
  testCase('errs', rule('snapshot.create.quota', 'createSnapshot'), { state: 'failed', errors: [{ name: 'TypeError', message: 'fetch failed' }] }),
  testCase('skips', rule('snapshot.create.idempotency', 'createSnapshot', { skipReason: 'no idempotency token is documented' }), { state: 'skipped' }),
);

const FILES = ['conformance.html', 'conformance.json', 'conformance.md', 'exchanges.ndjson', 'junit.xml'];
let reportDir: string;

beforeEach(() => {
  reportDir = mkdtempSync(join(tmpdir(), 'snapconform-reporter-'));
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(() => {
  vi.restoreAllMocks();
});

function report(dir: string): ConformanceReport {
  return JSON.parse(readFileSync(join(dir, 'conformance.json'), 'utf8')) as ConformanceReport;
}

describe('ConformanceReporter', () => {
  it('writes every format into <run-id>/ and latest/, with the workers\' exchanges gathered, and leaves no hidden folder behind', async () => {
    mkdirSync(join(reportDir, '.exchanges'));
    writeFileSync(join(reportDir, '.exchanges', '1-1.ndjson'), `${JSON.stringify({ target: 'tencent-cbs-emulator', action: 'CreateSnapshot', request: { method: 'POST', url: 'http://h/', headers: {}, body: '{"DiskId":"d"}' }, response: { status: 200, headers: {}, body: '{}' } })}\n`);
    await new ConformanceReporter({ reportDir, version: '1.2.3' }).onTestRunEnd(run, [], 'failed');
    const [runDir, ...others] = readdirSync(reportDir).filter((f) => f !== 'latest');
    expect(others).toEqual([]);
    expect(runDir).not.toMatch(/^\./);
    for (const dir of [join(reportDir, runDir!), join(reportDir, 'latest')]) expect(readdirSync(dir).sort()).toEqual(FILES);
    const written = report(join(reportDir, 'latest'));
    const validate = reportValidator();
    expect(validate(written), errorsOf(validate)).toBe(true);
    expect(written.summary).toEqual({ pass: 1, fail: 1, error: 1, skip: 1, undocumented: 0, known: 0, fixed: 0, total: 4 });
    expect(written.run.partial).toBe(false);
    expect(written.tool.version).toBe('1.2.3');
    expect(written.results.find((r) => r.outcome === 'error')!.message).toBe('fetch failed');
    // The fail has a seed: it can be replayed; the error has none.
    expect(written.results.find((r) => r.outcome === 'fail')!.replay).toBe('snapconform run --target targets/emulators.yaml --seed 42 --rules snapshot.create.retention-minimum --vendor tencent-cbs');
    expect(written.results.find((r) => r.outcome === 'error')!.replay).toBeUndefined();
    expect(written.targets.map((t) => t.name)).toEqual(['tencent-cbs-emulator', 'alibaba-ecs-emulator', 'zenlayer-zec-emulator']);
    // The exchange sent DiskId: coverage read it.
    expect(written.coverage.find((c) => c.vendor === 'tencent-cbs')!.parameters.notExercised).not.toContain('CreateSnapshot.DiskId');
    expect(parseXml(readFileSync(join(reportDir, 'latest', 'junit.xml'), 'utf8')).attributes['tests']).toBe('4');
  });

  it('marks the report of an interrupted run as partial, in every format', async () => {
    await new ConformanceReporter({ reportDir }).onTestRunEnd(run, [], 'interrupted');
    const latest = join(reportDir, 'latest');
    expect(report(latest).run).toMatchObject({ partial: true, reason: 'interrupted' });
    expect(readFileSync(join(latest, 'conformance.md'), 'utf8')).toContain('Partial report: the run ended early (interrupted)');
    expect(readFileSync(join(latest, 'conformance.html'), 'utf8')).toContain('id="partial-banner"');
    expect(readFileSync(join(latest, 'junit.xml'), 'utf8')).toContain('<property name="run.partial" value="true"/>');
  });

  it('replaces latest/ with the newest run, keeping every run\'s own folder', async () => {
    vi.stubEnv('SNAPCONFORM_RUN_ID', 'run-a');
    await new ConformanceReporter({ reportDir }).onTestRunEnd(run, [], 'failed');
    vi.stubEnv('SNAPCONFORM_RUN_ID', 'run-b');
    await new ConformanceReporter({ reportDir }).onTestRunEnd(modules(), [], 'passed');
    vi.unstubAllEnvs();
    expect(readdirSync(reportDir).sort()).toEqual(['latest', 'run-a', 'run-b']);
    expect(report(join(reportDir, 'latest')).run.id).toBe('run-b');
    expect(report(join(reportDir, 'run-a')).summary.total).toBe(4);
  });
});

describe('an assertion on an expectation the documents do not state', () => {
  const why = 'the documents name no error for an unknown parameter; the spec infers InvalidParameter';
  const assertion = { name: 'AssertionError', message: 'the HTTP status: expected 200 to be 400 // Object.is equality\nmore' };
  const inferred = testCase('inferred', rule('protocol.unknown-parameter', 'CreateSnapshot.Bogus', { undocumented: why, variantSeen: 'ignored', observed: 'HTTP 200, success' }), { state: 'failed', errors: [assertion] });

  it('is undocumented, not fail, keeping the message, the reason and the variant seen', () => {
    expect(outcomeOf(inferred as unknown as TestCase)).toEqual({ outcome: 'undocumented', message: 'the HTTP status: expected 400, observed 200\nmore' });
    const [entry] = entriesOf(modules(inferred));
    expect(entry).toMatchObject({ outcome: 'undocumented', undocumented: why, variantSeen: 'ignored', message: 'the HTTP status: expected 400, observed 200\nmore', headline: 'the HTTP status: expected 400, observed 200', observed: 'HTTP 200, success' });
    const validate = reportValidator();
    expect(validate({ ...sampleReport(), results: [{ ...entry, durationMs: 4 }] }), errorsOf(validate)).toBe(true);
  });

  it('takes its headline from the check that failed, in plain words, and an error\'s from the error', () => {
    const property = testCase('property', rule('snapshot.group.same-instance', 'CreateSnapshotGroup', { headline: 'a group of disks of two instances was accepted (HTTP 200); expected a refusal with InvalidParameterValue (HTTP 400)' }), {
      state: 'failed', errors: [{ name: 'AssertionError', message: 'a group of disks of two instances was accepted: expected true to be false // Object.is equality\nProperty failed after 1 tests\n{ seed: 7, path: "0:1" }\nCounterexample: [1]\nShrunk 3 time(s)\n\nHint: Enable verbose mode' }],
    });
    const [entry] = entriesOf(modules(property));
    expect(entry?.headline).toBe('a group of disks of two instances was accepted (HTTP 200); expected a refusal with InvalidParameterValue (HTTP 400)');
    // Nothing of the assertion library or of fast-check's runner report is left for a reader.
    expect(entry?.message).toBe('a group of disks of two instances was accepted');
    const erred = testCase('erred', rule('snapshot.create.quota', 'createSnapshot', { headline: 'create 65 was accepted' }), { state: 'failed', errors: [{ name: 'TypeError', message: 'fetch failed\nat …' }] });
    expect(entriesOf(modules(erred))[0]?.headline).toBe('fetch failed');
  });

  it('stays a fail without the reason, and an error whatever the record says', () => {
    const documented = testCase('documented', rule('protocol.unknown-parameter', 'CreateSnapshot.Bogus'), { state: 'failed', errors: [assertion] });
    expect(outcomeOf(documented as unknown as TestCase).outcome).toBe('fail');
    const erred = testCase('erred', rule('protocol.unknown-parameter', 'CreateSnapshot.Bogus', { undocumented: why }), { state: 'failed', errors: [{ name: 'TypeError', message: 'fetch failed' }] });
    expect(outcomeOf(erred as unknown as TestCase).outcome).toBe('error');
    // The reason would blame the documents for what the network did: an error entry does not carry it.
    expect(entriesOf(modules(erred))[0]).not.toHaveProperty('undocumented');
    // A variant seen on a pass passes through too.
    const passed = testCase('passed', rule('snapshot.create.roundtrip', 'CreateSnapshot.default-name', { variantSeen: 'empty name' }), { state: 'passed' });
    expect(entriesOf(modules(passed))[0]).toMatchObject({ outcome: 'pass', variantSeen: 'empty name' });
  });

  it('is counted in the run\'s last line, which says why it does not fail the run; a run without any does not mention it', () => {
    const report = sampleReport();
    expect(summaryText(report)).toBe('2 pass, 2 fail, 1 skip, 1 error, 1 undocumented (the documents do not state these: they fail the run only with --fail-on inferred), 1 known, 1 fixed');
    expect(summaryText({ ...report, summary: { ...report.summary, undocumented: 0 } })).toBe('2 pass, 2 fail, 1 skip, 1 error, 1 known, 1 fixed');
  });
});

describe('writeReportAtomically', () => {
  it('leaves the previous report whole, and no partial folder, when writing the new one fails half way', () => {
    writeReportAtomically(reportDir, 'first', (dir) => {
      for (const file of FILES) writeFileSync(join(dir, file), 'first');
    });
    expect(() => writeReportAtomically(reportDir, 'second', (dir) => {
      writeFileSync(join(dir, 'conformance.json'), 'second');
      throw new Error('disk full');
    })).toThrow('disk full');
    expect(readdirSync(reportDir).sort()).toEqual(['first', 'latest']);
    expect(readdirSync(join(reportDir, 'latest')).sort()).toEqual(FILES);
    for (const file of FILES) expect(readFileSync(join(reportDir, 'latest', file), 'utf8')).toBe('first');
    expect(existsSync(join(reportDir, 'second'))).toBe(false);
  });
});
