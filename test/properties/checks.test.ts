import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectAccepted, expectDefaultName, expectNone, expectRefusedWith } from '../../properties/support/checks.ts';
import { checkProperty, inferredCheck, observe } from '../../src/conformance/rule-meta.ts';
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

describe('a finding\'s headline', () => {
  const documented: VendorError = { code: 'QuotaExceed.Snapshot', status: 403 };
  const headlineOf = async (task: ReturnType<typeof fakeTask>, body: () => Promise<void> | void) => {
    await expect(Promise.resolve().then(body)).rejects.toThrow();
    return task.meta.conformance?.headline ?? '';
  };

  it('states the expectation against what the failing call did, in plain words', async () => {
    const cases: Array<[CallResult, string]> = [
      [accepted, 'create 65 on a disk holding 64 snapshots was accepted (HTTP 200); expected a refusal with QuotaExceed.Snapshot (HTTP 403)'],
      [refused('Other', 400), 'create 65 on a disk holding 64 snapshots was refused with Other (HTTP 400); expected a refusal with QuotaExceed.Snapshot (HTTP 403)'],
      [refused('QuotaExceed.Snapshot', 400), 'create 65 on a disk holding 64 snapshots was refused with QuotaExceed.Snapshot at HTTP 400; expected QuotaExceed.Snapshot at HTTP 403'],
    ];
    for (const [result, headline] of cases) {
      const task = fakeTask();
      const text = await headlineOf(task, () => expectRefusedWith(task, result, [documented], 'create 65 on a disk holding 64 snapshots'));
      expect(text).toBe(headline);
      expect(text).not.toMatch(/expected (true|false|\[)|Object\.is|to (be|include|deeply equal)/);
    }
  });

  it('in a property, comes from the shrunk counterexample\'s failing call, not from the last call fast-check tried', async () => {
    const task = fakeTask();
    const groupRefused = refused('InvalidDisk.SnapshotCreating', 400);
    const otherCall = refused('InvalidParameterValue', 400);
    // Runs with n >= 10 are refused with the wrong code; after the failure, shrinking tries smaller inputs whose
    // calls (observed, passing) come last.
    const property = fc.asyncProperty(fc.integer({ min: 0, max: 1000 }), async (n) => {
      const result = n >= 10 ? groupRefused : otherCall;
      observe(task, result);
      if (n >= 10) await expectRefusedWith(task, result, [documented], `a group of ${n} disks`);
    });
    await expect(checkProperty(task, property, 200, [[900]])).rejects.toThrow();
    expect(task.meta.conformance?.observed).toBe('HTTP 400, InvalidDisk.SnapshotCreating');
    expect(task.meta.conformance?.headline).toBe('a group of 10 disks was refused with InvalidDisk.SnapshotCreating (HTTP 400); expected a refusal with QuotaExceed.Snapshot (HTTP 403)');
    expect(task.meta.conformance?.counterexample).toBe(10);
  });

  it('of a plain expect inside a property, is its message without the assertion library\'s phrasing', async () => {
    const task = fakeTask();
    const property = fc.asyncProperty(fc.integer({ min: 0, max: 1000 }), async (n) => {
      expect(n < 10, `a deadline ${n} s ahead was accepted`).toBe(true);
    });
    await expect(checkProperty(task, property, 200)).rejects.toThrow();
    expect(task.meta.conformance?.headline).toBe('a deadline 10 s ahead was accepted');
  });

  it('of expectAccepted and expectNone, names what the service said or what was found', async () => {
    expect(() => expectAccepted(refused('InvalidDisk.NotSupported', 400), 'a create on the system disk')).toThrow('a create on the system disk was refused with InvalidDisk.NotSupported (HTTP 400); expected it to be accepted');
    const task = fakeTask();
    expect(() => expectNone(task, ['missing-request-id: no RequestId'], 'the answer\'s request id')).toThrow();
    expect(task.meta.conformance?.headline).toBe('the answer\'s request id: missing-request-id: no RequestId');
  });
});
