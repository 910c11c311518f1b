import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectDefaultName, expectRefusedWith } from '../../properties/support/checks.ts';
import { checkProperty, inferredCheck } from '../../src/conformance/rule-meta.ts';
import type { VendorError } from '../../src/spec/spec-types.ts';
import type { CallResult } from '../../src/transport/call-result.ts';

/** A stand-in for vitest's task: only its meta is read and written. */
const fakeTask = () => ({ meta: {} }) as unknown as Parameters<typeof expectRefusedWith>[0];
const refused = (code: string, httpStatus: number) => ({ ok: false, httpStatus, error: { code, message: '' }, findings: [] }) as unknown as CallResult;
const accepted = { ok: true, httpStatus: 200, findings: [] } as unknown as CallResult;

/** What a check ended as: passed, a `fail` (a documented expectation) or `undocumented` (an inferred one). */
async function outcome(task: ReturnType<typeof fakeTask>, body: () => Promise<void>): Promise<string> {
  try {
    await body();
    return 'pass';
  } catch (error) {
    if ((error as Error).name !== 'AssertionError') throw error;
    return task.meta.conformance?.undocumented ? 'undocumented' : 'fail';
  }
}

describe('expectRefusedWith', () => {
  const documented: VendorError = { code: 'QuotaExceed.Snapshot', status: 403 };
  const inferred: VendorError = { code: 'InvalidParameter', status: 400, inferred: true, note: 'the common table\'s generic code' };

  it('fails a refusal with another code or status only where the documents name them', async () => {
    const cases: Array<[CallResult, VendorError[], string]> = [
      [refused('QuotaExceed.Snapshot', 403), [documented], 'pass'],
      [refused('Other', 403), [documented], 'fail'],
      [refused('QuotaExceed.Snapshot', 400), [documented], 'fail'],
      [refused('Other', 400), [inferred], 'undocumented'],
      [refused('InvalidParameter', 422), [inferred], 'undocumented'],
      [accepted, [inferred], 'fail'],
      [refused('Anything', 400), [], 'pass'],
    ];
    for (const [result, errors, expected] of cases) {
      const task = fakeTask();
      expect(await outcome(task, () => expectRefusedWith(task, result, errors, 'the call')), `${result.error?.code ?? 'accepted'} against ${errors.map((e) => e.code)}`).toBe(expected);
    }
  });

  it('makes the whole expectation undocumented when the documents do not say the request is refused', async () => {
    const task = fakeTask();
    expect(await outcome(task, () => expectRefusedWith(task, accepted, [inferred], 'an unknown parameter', { refusalInferred: 'the pages are silent' }))).toBe('undocumented');
    expect(task.meta.conformance?.undocumented).toBe('the pages are silent');
  });
});

describe('expectDefaultName', () => {
  const rule = {
    value: 'Unnamed', source: { doc: 'cbs-create-intl', section: '2. Input Parameters' },
    variants: [{ value: 'not named', source: { doc: 'cbs-create-2017', section: '2. Input Parameters' } }],
  };

  it('accepts any page\'s default and records which one the service showed', async () => {
    const task = fakeTask();
    await expectDefaultName(task, 'not named', rule);
    expect(task.meta.conformance?.variantSeen).toBe("default name 'not named' (cbs-create-2017, 2. Input Parameters)");
    expect(await outcome(task, () => expectDefaultName(task, 'snapshot', rule))).toBe('fail');
  });
});

describe('checkProperty', () => {
  it('takes the outcome from the shrunk counterexample, not from an earlier run\'s inferred check', async () => {
    const task = fakeTask();
    // Larger inputs fail an inferred check; from 10 on the documented one fails: the shrunk input is 10.
    const property = fc.asyncProperty(fc.integer({ min: 0, max: 1000 }), async (n) => {
      if (n > 500) await inferredCheck(task, 'inferred', () => expect(n).toBeLessThan(500));
      expect(n, 'documented').toBeLessThan(10);
    });
    await expect(checkProperty(task, property, 200, [[900]])).rejects.toThrow('documented');
    expect(task.meta.conformance?.undocumented).toBeUndefined();
  });
});
