import { expect, test } from 'vitest';
import { probeEndpointClock, toleranceSeconds } from '../src/conformance/endpoint-clock.ts';
import { appendLine, dueAt, obligationsFile, type Obligation } from '../src/conformance/obligations.ts';
import { noDecidingAnswer, observe, record, skipBecause } from '../src/conformance/rule-meta.ts';
import { RUN_ENV } from '../src/conformance/run-env.ts';
import { describeEachTarget } from '../src/conformance/session.ts';
import { expectAccepted, step, timeoutFor } from './support/checks.ts';
import { emulatorNow, exclusively, visitLater } from './support/emulator.ts';

const SECOND = 1000;
const DAY = 86_400 * SECOND;
/** How far past the documented minimum retention the deadline lies, and how near to it the rule looks. */
const MARGIN = 60 * SECOND;

// Automatic deletion at the end of retention: a snapshot created with a deadline just past the documented
// minimum (or, where none is documented, a minute ahead) is still there shortly before its deadline and gone
// after it. A retention that travels as a whole number (Alibaba RetentionDays) may round the deadline up by
// up to a day, so "after" is then a day later. On an emulator the rule moves its clock past the deadline. A
// real endpoint would take a day: there the rule checks what it can now (the snapshot is described, well
// before its deadline) and records the rest as an obligation (src/conformance/obligations.ts) for `snapconform
// obligations check`, a later job; the run's cleanup keeps the snapshot for it.
describeEachTarget((target, session) => {
  test('should delete a snapshot automatically once its retention deadline has passed', { timeout: timeoutFor(target) }, async (context) => {
    const { task } = context;
    const { spec, adapter, client } = session;
    const rule = spec.contract['retention-auto-delete'];
    const minimum = spec.contract['minimum-retention'];
    const action = spec.forCanonical('createSnapshot');
    const parameter = rule ? ((action?.resolvedRequestSchema['properties'] ?? {}) as Record<string, Record<string, unknown>>)[rule.parameter] : undefined;
    // A deadline that travels as a count (of days) is kept at least as long, and ends up to a day later.
    const wholeUnits = parameter?.['type'] === 'integer' || parameter?.['type'] === 'number';
    const lateness = wholeUnits ? DAY : 0;
    record(task, {
      ruleId: 'snapshot.retention.auto-delete',
      caseId: rule ? `createSnapshot.${rule.parameter}` : 'createSnapshot',
      vendor: target.vendor,
      target: target.name,
      expectation: rule
        ? {
            text: `a snapshot created with ${rule.parameter} ${minimum ? `${minimum.minSeconds / 3600} h + ${MARGIN / SECOND} s` : `${MARGIN / SECOND} s`} ahead is described until shortly before that deadline and gone ${wholeUnits ? `a day after it (${rule.parameter} counts whole days)` : 'after it'}`,
            source: rule.source,
            inferred: rule.inferred,
          }
        : { text: 'no automatic deletion at the end of retention is documented' },
    });
    const create = adapter?.canonical.createSnapshot;
    const describeOne = adapter?.canonical.describeSnapshot;
    const reason = session.unavailable
      ?? (!rule ? `the ${target.vendor} spec documents no automatic deletion at the end of retention` : undefined)
      ?? (!create || !describeOne || !action ? 'the adapter binds no createSnapshot/describeSnapshot' : undefined)
      ?? session.readOnly;
    if (reason || !rule || !create || !describeOne || !action || !client) skipBecause(context, reason ?? 'not applicable');
    const describeAction = spec.forCanonical('describeSnapshots')!.action;
    const describe = async (id: string) => {
      const result = await client.call(describeAction, describeOne.params(id, target.region));
      observe(task, result);
      expect(result.ok, `${describeAction} refused: ${result.error?.code} ${result.error?.message}`).toBe(true);
      return describeOne.snapshot(result);
    };
    /** The rule's one create: on `disk`, retained until `deadline` (the adapter carries it in the vendor's parameter). */
    const createWithDeadline = (disk: string, deadline: Date) =>
      step(task, 'create with a deadline just past the minimum retention', { diskId: disk, deadline: deadline.toISOString(), parameter: rule.parameter }, async () => {
        const created = await client.call(action.action, create.params({ diskId: disk, deadline, name: session.name('auto-delete') }));
        observe(task, created);
        expectAccepted(created, `a create with ${rule.parameter} ${deadline.toISOString()}`);
        return create.snapshotId(created)!;
      });

    if (!target.emulator) {
      const reportDir = process.env[RUN_ENV.reportDir];
      if (!reportDir || !target.runId) skipBecause(context, 'the run has no report directory to record the retention obligation in (run it through snapconform run)');
      const disk = await session.disk('snapshot.retention.auto-delete');
      if (!disk) skipBecause(context, 'no disk fixture (sameInstanceDisks)');
      // The deadline is placed on the endpoint's clock (its Date headers), far enough past the minimum that
      // what the suite cannot know of that clock cannot bring it below.
      const probe = (target.fixtures && adapter.validRequest(describeAction, target.fixtures)) || {};
      const { clock } = await probeEndpointClock(() => client.call(describeAction, probe));
      const margin = Math.max(MARGIN, 2 * toleranceSeconds(clock) * SECOND);
      const now = Date.now() + clock.offsetMs;
      const deadline = new Date(Math.ceil((now + (minimum ? minimum.minSeconds * SECOND : 0) + margin) / SECOND) * SECOND);
      const inputs = { diskId: disk, deadline: deadline.toISOString(), parameter: rule.parameter };
      const id = await createWithDeadline(disk, deadline);
      await step(task, 'describe at once, well before the deadline', { ...inputs, snapshotId: id }, async () => {
        expect(await describe(id), `snapshot ${id} was not described right after its create (deadline ${deadline.toISOString()})`).toBeDefined();
      });
      // What takes a day is recorded, whole and on disk, for the later check.
      const obligation: Obligation = {
        kind: 'obligation', runId: target.runId, target: target.name, vendor: target.vendor, snapshotId: id,
        parameter: rule.parameter, deadline: deadline.toISOString(), latenessMs: lateness, ruleId: 'snapshot.retention.auto-delete',
        expectation: task.meta.conformance!.expectation, recordedAt: new Date().toISOString(),
      };
      const file = obligationsFile(reportDir, target.runId);
      appendLine(file, obligation);
      const hoursAhead = Math.round((deadline.getTime() - now) / 360_000) / 10;
      record(task, {
        observed: `described right after its create, ${hoursAhead} h before its deadline ${deadline.toISOString()}. ` +
          `Whether it is gone after the deadline is an obligation (${file}) for \`snapconform obligations check\`, due from ${new Date(dueAt(obligation)).toISOString()}; the run's cleanup keeps the snapshot for it`,
      });
      noDecidingAnswer(task);
      return;
    }

    const disk = await session.freshDisk();
    if (!disk) skipBecause(context, 'the emulator could not add a fresh disk');

    await exclusively(target, async () => {
      // The deadline is reckoned from the emulator's clock (it may run ahead of the wall clock), in whole seconds.
      const now = await emulatorNow(target);
      const deadline = new Date(Math.ceil((now + (minimum ? minimum.minSeconds * SECOND : 0) + MARGIN) / SECOND) * SECOND);
      // The canonical deadline; the adapter carries it in the vendor's parameter (a time, or whole days).
      const inputs = { diskId: disk, deadline: deadline.toISOString(), parameter: rule.parameter };
      const id = await createWithDeadline(disk, deadline);
      const before = deadline.getTime() - MARGIN / 2 - now;
      await visitLater(target, before);
      await step(task, `describe after the clock passed ${Math.round(before / SECOND)} s, before the deadline`, { ...inputs, snapshotId: id, clockAdvancedMs: before }, async () => {
        expect(await describe(id), `snapshot ${id} was deleted before its deadline ${deadline.toISOString()}`).toBeDefined();
      });
      const after = deadline.getTime() + lateness + MARGIN / 2 - now;
      await visitLater(target, after);
      await step(task, `describe after the clock passed ${Math.round(after / SECOND)} s, beyond the deadline`, { ...inputs, snapshotId: id, clockAdvancedMs: after }, async () => {
        const described = await describe(id);
        expect(described, `snapshot ${id} is still described ${Math.round((after - (deadline.getTime() - now)) / SECOND)} s after its deadline ${deadline.toISOString()}`).toBeUndefined();
      });
      // Described, then gone: no one answer decides this rule, so none is set beside other targets'.
      record(task, { observed: `described ${MARGIN / 2 / SECOND} s before its deadline, gone ${(lateness + MARGIN / 2) / SECOND} s after it` });
      noDecidingAnswer(task);
    });
  });
});
