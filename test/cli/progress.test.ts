import { describe, expect, it } from 'vitest';
import type { TestCase, TestModule, TestSpecification } from 'vitest/node';
import ProgressReporter from '../../reporters/progress.ts';
import { isLiveTerminal, settleColour, wantsColour } from '../../src/cli/output-style.ts';
import { parseBaseline } from '../../src/report/baseline.ts';
import { runOutcomeOf, safetyAbortOf } from '../../reporters/run-outcome.ts';

// The reporters read only these members of vitest's entities; fakes with exactly them drive them as a run would.
type State = 'passed' | 'failed' | 'skipped';
const testCase = (ruleId: string | undefined, state: State, error?: { name: string; message: string }) => ({
  name: `checks ${ruleId}`,
  fullName: `target > checks ${ruleId}`,
  meta: () => (ruleId ? { conformance: { ruleId, target: 'tencent-cbs-emulator', caseId: 'c', vendor: 'tencent-cbs', expectation: { text: '' } } } : {}),
  result: () => ({ state, ...(error ? { errors: [error] } : {}) }),
}) as unknown as TestCase;
const testModule = (file: string, tests: TestCase[], errors: Array<{ name: string; message: string }> = []) => ({
  moduleId: `/repo/${file}`,
  errors: () => errors,
  children: { allTests: () => tests[Symbol.iterator](), allSuites: () => [][Symbol.iterator]() },
}) as unknown as TestModule;
const specs = (...files: string[]) => files.map((f) => ({ moduleId: `/repo/${f}` })) as unknown as TestSpecification[];

function recorder(): { out: { write(text: string): boolean; columns: number }; text: () => string } {
  let text = '';
  return { out: { write: (t: string) => ((text += t), true), columns: 200 }, text: () => text };
}

describe('progress', () => {
  it('in CI, prints a line when the run starts, one per finding as it happens, and one at every tenth of the files; the totals are left to the report', async () => {
    const { out, text } = recorder();
    const progress = new ProgressReporter({ mode: 'plain', out });
    await progress.onTestRunStart(specs('suites/auth.case.ts', 'properties/create-quota.prop.ts'));
    const failing = testCase('auth.wrong-signature', 'failed', { name: 'AssertionError', message: 'accepted\nmore' });
    progress.onTestCaseResult(failing);
    progress.onTestCaseResult(testCase('auth.unknown-key', 'failed', { name: 'TypeError', message: 'fetch failed' }));
    progress.onTestModuleEnd(testModule('suites/auth.case.ts', [failing]));
    progress.onTestCaseResult(testCase('snapshot.create.quota', 'passed'));
    progress.onTestModuleEnd(testModule('properties/create-quota.prop.ts', [testCase('snapshot.create.quota', 'passed')]));
    progress.onTestRunEnd([], [], 'failed');
    expect(text().split('\n')).toEqual([
      'snapconform: running 8 rules in 2 files',
      'snapconform: fail auth.wrong-signature on tencent-cbs-emulator (c): accepted',
      'snapconform: error auth.unknown-key on tencent-cbs-emulator (c): fetch failed',
      'snapconform: rules 7/8 (88 %), 2 cases, 1 fail, 1 error — last: auth.unknown-key on tencent-cbs-emulator',
      'snapconform: rules 8/8 (100 %), 3 cases, 1 fail, 1 error — last: snapshot.create.quota on tencent-cbs-emulator',
      '',
    ]);
  });

  it('on a terminal, redraws one line in place and ends with the failures', async () => {
    const { out, text } = recorder();
    let now = 0;
    const progress = new ProgressReporter({ mode: 'live', out, now: () => now, redrawMs: 100 });
    await progress.onTestRunStart(specs('suites/auth.case.ts'));
    now = 50;
    progress.onTestCaseResult(testCase('auth.wrong-signature', 'failed', { name: 'AssertionError', message: 'accepted' })); // too soon after the last draw: skipped
    now = 500;
    progress.onTestCaseResult(testCase('auth.unknown-key', 'passed'));
    // A test that never started (a cancelled run) counts for nothing.
    progress.onTestCaseResult(testCase(undefined, 'skipped'));
    progress.onTestRunEnd([], [], 'interrupted');
    const frames = text().split('\r\x1b[2K');
    expect(frames).toEqual([
      '',
      'rules 0/7 (0 %), 0 cases, 0 fail, 0 error',
      'rules 0/7 (0 %), 2 cases, 1 fail, 0 error — last: auth.unknown-key on tencent-cbs-emulator',
      'snapconform: interrupted after 0/7 rules, 2 cases in 0.5 s\n  ✗ auth.wrong-signature on tencent-cbs-emulator (c): accepted\n',
    ]);
  });
});

describe('progress of undocumented cases', () => {
  it('counts them apart from deviations and errors, and lists them after the failures with their reason', async () => {
    const { out, text } = recorder();
    const progress = new ProgressReporter({ mode: 'live', out, now: () => 0, redrawMs: 100 });
    await progress.onTestRunStart(specs('suites/auth.case.ts'));
    const meta = { ruleId: 'protocol.unknown-parameter', target: 'tencent-cbs-emulator', caseId: 'c', vendor: 'tencent-cbs', expectation: { text: '' }, undocumented: 'no error is documented' };
    const inferred = { ...testCase('protocol.unknown-parameter', 'failed', { name: 'AssertionError', message: 'accepted' }), meta: () => ({ conformance: meta }) } as unknown as TestCase;
    progress.onTestCaseResult(inferred);
    progress.onTestCaseResult(testCase('protocol.unknown-action', 'failed', { name: 'AssertionError', message: 'answered 200' }));
    expect(progress.status()).toBe('snapconform: rules 0/7 (0 %), 2 cases, 1 fail, 0 error, 1 undocumented — last: protocol.unknown-action on tencent-cbs-emulator');
    progress.onTestRunEnd([], [], 'passed');
    expect(text().split('\r\x1b[2K').at(-1)).toBe([
      'snapconform: 0/7 rules, 2 cases in 0.0 s',
      '  ✗ protocol.unknown-action on tencent-cbs-emulator (c): answered 200',
      '  ? protocol.unknown-parameter on tencent-cbs-emulator (c): accepted (undocumented: no error is documented)',
      '',
    ].join('\n'));
  });
});

describe('progress with a baseline', () => {
  it('counts and lists a finding the baseline excuses as known, as the report does, and an expired entry excuses nothing', async () => {
    const baseline = parseBaseline('ci/baseline.yaml', { deviations: [
      { rule: 'auth.wrong-signature', target: '*', reason: 'vendor ticket 12', link: 'https://example.com/12' },
      { rule: 'auth.unknown-key', target: '*', reason: 'expired', link: 'https://example.com/13', expires: '2020-01-01' },
    ] });
    const { out, text } = recorder();
    const progress = new ProgressReporter({ mode: 'plain', out, baseline, now: () => Date.parse('2026-01-01T00:00:00Z') });
    await progress.onTestRunStart(specs('suites/auth.case.ts'));
    progress.onTestCaseResult(testCase('auth.wrong-signature', 'failed', { name: 'AssertionError', message: 'accepted' }));
    progress.onTestCaseResult(testCase('auth.unknown-key', 'failed', { name: 'AssertionError', message: 'accepted' }));
    // A baseline never excuses an error.
    progress.onTestCaseResult(testCase('auth.wrong-signature', 'failed', { name: 'TypeError', message: 'fetch failed' }));
    expect(text().split('\n').slice(1, 4)).toEqual([
      'snapconform: known auth.wrong-signature on tencent-cbs-emulator (c): accepted (known: vendor ticket 12)',
      'snapconform: fail auth.unknown-key on tencent-cbs-emulator (c): accepted',
      'snapconform: error auth.wrong-signature on tencent-cbs-emulator (c): fetch failed',
    ]);
    expect(progress.status()).toBe('snapconform: rules 0/7 (0 %), 3 cases, 1 fail, 1 error, 1 known — last: auth.wrong-signature on tencent-cbs-emulator');
  });

  it('prints a finding\'s headline, with whatever control characters the endpoint sent written visibly', async () => {
    const { out, text } = recorder();
    const progress = new ProgressReporter({ mode: 'plain', out });
    await progress.onTestRunStart(specs('suites/envelope.case.ts'));
    const conformance = {
      ruleId: 'envelope.request-id', target: 'tencent-cbs-emulator', caseId: 'CreateSnapshot.valid\u001b[2J', vendor: 'tencent-cbs', expectation: { text: '' },
      headline: 'the answer\'s request id: malformed-request-id: RequestId "\u001b]0;pwned\u0007\u001b[31mred\u009b1m" does not match the pattern',
    };
    const failing = { ...testCase('envelope.request-id', 'failed', { name: 'AssertionError', message: 'the answer\'s request id: expected [ Array(1) ] to deeply equal []' }), meta: () => ({ conformance }) } as unknown as TestCase;
    progress.onTestCaseResult(failing);
    const line = text().split('\n')[1]!;
    expect(line).toBe('snapconform: fail envelope.request-id on tencent-cbs-emulator (CreateSnapshot.valid\\x1b[2J): the answer\'s request id: malformed-request-id: RequestId "\\x1b]0;pwned\\x07\\x1b[31mred\\x9b1m" does not match the pattern');
    // eslint-disable-next-line no-control-regex
    expect(text()).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  });

  it('keeps a finding to one line of bounded width, however long its message', async () => {
    const { out, text } = recorder();
    const progress = new ProgressReporter({ mode: 'plain', out });
    await progress.onTestRunStart(specs('suites/auth.case.ts'));
    progress.onTestCaseResult(testCase('auth.wrong-signature', 'failed', { name: 'AssertionError', message: `${'x'.repeat(1000)}\n- false\n+ true` }));
    const finding = text().split('\n')[1]!;
    expect(finding.length).toBeLessThan(260);
    expect(finding.endsWith('x…')).toBe(true);
  });
});

describe('output style', () => {
  it('is live only on a terminal outside CI', () => {
    expect(isLiveTerminal({}, true)).toBe(true);
    expect(isLiveTerminal({ CI: 'true' }, true)).toBe(false);
    expect(isLiveTerminal({ CI: '0' }, true)).toBe(true);
    expect(isLiveTerminal({}, false)).toBe(false);
  });

  it('colours only a terminal, unless NO_COLOR or FORCE_COLOR says otherwise; CI alone turns no colour on', () => {
    expect(wantsColour({}, true)).toBe(true);
    expect(wantsColour({}, false)).toBe(false);
    expect(wantsColour({ CI: 'true' }, false)).toBe(false);
    expect(wantsColour({ NO_COLOR: '1' }, true)).toBe(false);
    expect(wantsColour({ NO_COLOR: '' }, true)).toBe(true);
    expect(wantsColour({ FORCE_COLOR: '1' }, false)).toBe(true);
    expect(wantsColour({ FORCE_COLOR: '0' }, true)).toBe(false);
    expect(wantsColour({ FORCE_COLOR: '1', NO_COLOR: '1' }, false)).toBe(true);
  });

  it('tells vitest through the variables it reads: NO_COLOR when there is to be none, no NO_COLOR when forced', () => {
    const ci: NodeJS.ProcessEnv = { CI: 'true', FORCE_COLOR: '0' };
    settleColour(ci, false);
    expect(ci).toEqual({ CI: 'true', NO_COLOR: '1' });
    const forced: NodeJS.ProcessEnv = { FORCE_COLOR: '1', NO_COLOR: '1' };
    settleColour(forced, false);
    expect(forced).toEqual({ FORCE_COLOR: '1' });
  });
});

describe('the run outcome', () => {
  it('recognises safety aborts, also wrapped by fast-check, and ledger write failures', () => {
    expect(safetyAbortOf({ name: 'BudgetExceededError', message: 'real: the run has created 3 resources, its budget (maxSnapshots: 3)' })).toBe('BudgetExceededError: real: the run has created 3 resources, its budget (maxSnapshots: 3)');
    expect(safetyAbortOf({ name: 'Error', message: 'Property failed after 1 tests\nGot error: MutationsNotAllowedError: real: CreateSnapshot would change resources' })).toBe('MutationsNotAllowedError: real: CreateSnapshot would change resources');
    expect(safetyAbortOf({ name: 'Error', message: 'outer', cause: { name: 'BudgetExceededError', message: 'inner' } })).toBe('BudgetExceededError: inner');
    expect(safetyAbortOf({ name: 'Error', message: "ENOSPC: no space left on device, write '/r/ledger/run-1.ndjson'" })).toBe("the ledger could not be written: ENOSPC: no space left on device, write '/r/ledger/run-1.ndjson'");
    expect(safetyAbortOf({ name: 'AssertionError', message: 'expected 1 to be 2' })).toBeUndefined();
  });

  it('separates safety aborts from errors outside the tests; a failing test is the report\'s business', () => {
    const outcome = runOutcomeOf([
      testModule('properties/create-quota.prop.ts', [
        testCase('snapshot.create.quota', 'failed', { name: 'BudgetExceededError', message: 'over budget' }),
        testCase('snapshot.create.quota', 'failed', { name: 'AssertionError', message: 'deviates' }),
      ]),
      testModule('suites/auth.case.ts', [], [{ name: 'SyntaxError', message: 'Unexpected token\nat line 3' }]),
    ], [{ name: 'Error', message: 'worker exited' }]);
    expect(outcome).toEqual({
      safety: ['target > checks snapshot.create.quota: BudgetExceededError: over budget'],
      outside: ['/repo/suites/auth.case.ts: SyntaxError: Unexpected token', 'unhandled: Error: worker exited'],
    });
  });
});
