import fc from 'fast-check';
import { expect, test } from 'vitest';
import { placeEndpointClock, sampleOf, toleranceSeconds, type ClockSample } from '../src/conformance/endpoint-clock.ts';
import { checkProperty, decidedBy, describeError, observe, record, skipBecause } from '../src/conformance/rule-meta.ts';
import type { CallResult } from '../src/transport/call-result.ts';
import { describeEachTarget } from '../src/conformance/session.ts';
import { cleanUp, expectRefusedWith } from './support/checks.ts';

const HOUR = 3600;
/** Read-only calls whose answers' `Date` headers place the endpoint's clock before the property runs. */
const CLOCK_PROBES = 3;

// The documented minimum retention (Tencent `Deadline`, Zenlayer `retentionTime`: at least 24 hours
// ahead): any deadline sooner is refused with the documented error; any deadline at or past it is accepted.
// "Now" is the endpoint's: its clock is placed from the `Date` headers of its answers, and a band around the
// boundary as wide as what the suite cannot know (that clock's uncertainty, a round trip, whole seconds) is
// left untested rather than reported as a false deviation. The values just outside the band always run.
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
        ? { text: `${rule.parameter} less than ${rule.minSeconds / HOUR} h ahead of the endpoint's clock is refused with ${describeError(rule.error)}; later is accepted`, source: rule.source, inferred: rule.inferred || rule.error.inferred }
        : { text: 'no minimum retention is documented' },
    });
    const create = adapter?.canonical.createSnapshot;
    const reason = session.unavailable ?? (!rule ? `the ${target.vendor} spec documents no minimum retention` : !create ? 'the adapter binds no createSnapshot' : undefined);
    if (reason || !rule || !create || !client) skipBecause(context, reason ?? 'not applicable');
    if (session.readOnly) skipBecause(context, session.readOnly);
    const disk = await session.disk('snapshot.create.retention-minimum');
    if (!disk) skipBecause(context, 'no disk fixture');

    // Place the endpoint's clock: a few read-only calls, each answer's Date against when it was sent and received.
    const describeAction = spec.forCanonical('describeSnapshots');
    const probe = (describeAction && target.fixtures && adapter.validRequest(describeAction.action, target.fixtures)) || {};
    const samples: ClockSample[] = [];
    for (let i = 0; i < CLOCK_PROBES && describeAction; i++) {
      const sentAt = Date.now();
      const result = await client.call(describeAction.action, probe);
      samples.push(sampleOf(result, sentAt, Date.now()));
    }
    const clock = placeEndpointClock(samples);
    const band = toleranceSeconds(clock);
    const min = rule.minSeconds;
    record(task, {
      expectation: {
        ...task.meta.conformance!.expectation,
        text: `${task.meta.conformance!.expectation.text}; ${band} s either side of the boundary left untested (${clock.fromEndpoint ? `the endpoint's Date headers place its clock ${Math.round(clock.offsetMs)} ± ${Math.round(clock.uncertaintyMs)} ms from ours` : 'the endpoint sends no Date header: our clock is used'}, round trip ≤ ${Math.round(clock.maxRoundTripMs)} ms)`,
      },
    });
    type Case = { aheadSeconds: number; accepted: boolean };
    // The values just outside the band: a deviation of a minute either way (23 h 59 min accepted, 24 h 1 min
    // refused) is caught by these, which random offsets over a year would almost never come near.
    const examples: Array<[Case]> = [[{ aheadSeconds: min - band, accepted: false }], [{ aheadSeconds: min + band, accepted: true }]];

    const cleanups: string[] = [];
    // What a deadline too soon got: the comparison of targets shows it, not the last (accepted) create.
    let refusal: CallResult | undefined;
    await checkProperty(task, fc.asyncProperty(
      fc.oneof(
        fc.record({ aheadSeconds: fc.integer({ min: 1, max: min - band }), accepted: fc.constant(false) }),
        fc.record({ aheadSeconds: fc.integer({ min: min + band, max: min + 365 * 24 * HOUR }), accepted: fc.constant(true) }),
      ),
      async ({ aheadSeconds, accepted }: Case) => {
        let result;
        for (let attempt = 1; ; attempt += 1) {
          // Whole seconds of the endpoint's now: the documented formats carry no fractions.
          const reckonedAt = Date.now();
          const deadline = new Date((Math.floor((reckonedAt + clock.offsetMs) / 1000) + aheadSeconds) * 1000);
          // A name, for vendors that require one (Zenlayer) and so that a lost create can be reconciled.
          result = await client.call(rule.action, create.params({ diskId: disk, deadline, name: session.name(`retention-${aheadSeconds}`) }));
          observe(task, result);
          // An accepted create's snapshot goes after the run: runs scale with --runs, the disk's quota does not.
          const id = result.ok ? create.snapshotId(result) : undefined;
          if (id) cleanups.push(id);
          // A create may wait before it leaves (for its disk, which another rule's snapshot holds, or for its
          // pacing slot): the deadline then lies less far ahead when the endpoint reads it. A deadline meant to
          // be accepted that the wait carried into the untested band is tried again, not judged.
          const drift = Math.ceil((Date.now() - reckonedAt - clock.maxRoundTripMs) / 1000);
          if (!accepted || drift <= 0 || aheadSeconds - drift >= min + band) break;
          if (attempt === 3) return;
        }
        if (accepted) {
          expect(result.ok, `a deadline ${aheadSeconds} s ahead (minimum ${min} s) was refused with ${result.error?.code}`).toBe(true);
        } else {
          await expectRefusedWith(task, result, [rule.error], `a deadline ${aheadSeconds} s ahead (minimum ${min} s)`);
          refusal = result;
        }
      },
    ).afterEach(async () => {
      await cleanUp(session, target, cleanups.splice(0), { emulatorToo: true });
    }), 25, examples);
    decidedBy(task, refusal, { 'minimum retention': `${min / HOUR} h` });
  });
});
