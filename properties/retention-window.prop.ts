import fc from 'fast-check';
import { expect, test } from 'vitest';
import { checkProperty, describeError, observe, record, skipBecause } from '../src/conformance/rule-meta.ts';
import { describeEachTarget } from '../src/conformance/session.ts';

const HOUR = 3600;

// The documented minimum retention (Tencent `Deadline`, Zenlayer `retentionTime`: at least 24 hours
// ahead): any deadline sooner is refused with the documented error; any deadline comfortably later is
// accepted. Two minutes of slack on each side absorb clock differences between suite and service.
describeEachTarget((target, session) => {
  test('should refuse a retention deadline sooner than the documented minimum and accept a later one', async (context) => {
    const { task } = context;
    const { spec, adapter, client } = session;
    const rule = spec.contract['minimum-retention'];
    record(task, {
      ruleId: 'snapshot.create.retention-minimum',
      caseId: rule ? `${rule.action}.${rule.parameter}` : 'createSnapshot',
      vendor: target.vendor,
      target: target.name,
      expectation: rule
        ? { text: `${rule.parameter} less than ${rule.minSeconds / HOUR} h ahead is refused with ${describeError(rule.error)}; later is accepted`, source: rule.source, inferred: rule.inferred || rule.error.inferred }
        : { text: 'no minimum retention is documented' },
    });
    const create = adapter?.canonical.createSnapshot;
    const reason = session.unavailable ?? (!rule ? `the ${target.vendor} spec documents no minimum retention` : !create ? 'the adapter binds no createSnapshot' : undefined);
    if (reason || !rule || !create || !client) skipBecause(context, reason ?? 'not applicable');
    if (session.readOnly) skipBecause(context, session.readOnly);
    const disk = (await session.freshDisk()) ?? target.fixtures?.sameInstanceDisks[0];
    if (!disk) skipBecause(context, 'no disk fixture');
    const min = rule.minSeconds;
    const slack = 120;
    await checkProperty(task, fc.asyncProperty(
      fc.oneof(
        fc.record({ aheadSeconds: fc.integer({ min: 1, max: min - slack }), accepted: fc.constant(false) }),
        fc.record({ aheadSeconds: fc.integer({ min: min + slack, max: min + 365 * 24 * HOUR }), accepted: fc.constant(true) }),
      ),
      async ({ aheadSeconds, accepted }) => {
        // Whole seconds: the documented formats carry no fractions.
        const deadline = new Date((Math.floor(Date.now() / 1000) + aheadSeconds) * 1000);
        // A name, for vendors that require one (Zenlayer) and so that a lost create can be reconciled.
        const result = await client.call(rule.action, create.params({ diskId: disk, deadline, name: `snapconform-retention-${aheadSeconds}` }));
        observe(task, result);
        if (accepted) {
          expect(result.ok, `a deadline ${aheadSeconds} s ahead was refused with ${result.error?.code}`).toBe(true);
        } else {
          expect(result.ok, `a deadline ${aheadSeconds} s ahead (minimum ${min} s) was accepted`).toBe(false);
          expect([rule.error.code, ...(rule.error.alternatives ?? [])]).toContain(result.error?.code);
          expect(result.httpStatus).toBe(rule.error.status);
        }
      },
    ), 25);
  });
});
