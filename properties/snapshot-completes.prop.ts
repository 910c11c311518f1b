import { expect, test } from 'vitest';
import { noDecidingAnswer, observe, record, skipBecause } from '../src/conformance/rule-meta.ts';
import { describeEachTarget } from '../src/conformance/session.ts';
import { SnapshotNotReadyError, waitUntilDone } from '../src/conformance/client-layers/in-flight.ts';
import { readinessTimeoutMs } from '../src/conformance/target.ts';
import { expectAccepted, step, timeoutFor } from './support/checks.ts';

// A created snapshot is described in the documented creating state and then reaches the documented completed
// state, within the target's readiness timeout (`readinessTimeoutSeconds`). A snapshot that never finishes is
// this rule's finding; the rules that would create on its disk next stop waiting for it and say so (errors
// naming this snapshot), instead of the run hanging.
describeEachTarget((target, session) => {
  test('should finish creating a snapshot within the readiness timeout, in the documented states', { timeout: timeoutFor(target) }, async (context) => {
    const { task } = context;
    const { spec, adapter, client } = session;
    const lifecycle = spec.contract['snapshot-lifecycle'];
    const limit = readinessTimeoutMs(target);
    record(task, {
      ruleId: 'snapshot.lifecycle.completes',
      caseId: 'createSnapshot',
      vendor: target.vendor,
      target: target.name,
      expectation: lifecycle
        ? { text: `a created snapshot is ${lifecycle.creating} and then ${lifecycle.completed} (${lifecycle.stateField}) within ${limit / 1000} s, the target's readiness timeout`, source: lifecycle.source, ...(lifecycle.inferred ? { inferred: true } : {}) }
        : { text: 'no snapshot lifecycle is documented' },
    });
    const create = adapter?.canonical.createSnapshot;
    const describeOne = adapter?.canonical.describeSnapshot;
    const describeAction = spec.forCanonical('describeSnapshots')?.action;
    const reason = session.unavailable
      ?? (!lifecycle ? `the ${target.vendor} spec documents no snapshot lifecycle (states while creating and once done)` : undefined)
      ?? (!create || !describeOne || !describeAction ? 'the adapter binds no createSnapshot/describeSnapshot' : undefined)
      ?? session.readOnly;
    if (reason || !lifecycle || !create || !describeOne || !describeAction || !client || !adapter) skipBecause(context, reason ?? 'not applicable');
    const disk = await session.disk('snapshot.lifecycle.completes');
    if (!disk) skipBecause(context, 'the target file names no attached data disk (fixtures.sameInstanceDisks)');
    const action = spec.forCanonical('createSnapshot')!.action;
    let created;
    try {
      created = await client.call(action, create.params({ diskId: disk, name: session.name('completes') }));
    } catch (error) {
      if (!(error instanceof SnapshotNotReadyError)) throw error;
      // On a real endpoint rules share fixture disks: another rule's snapshot of this disk did not finish within
      // the readiness timeout, so the create was not sent. That snapshot, made by this run, is the evidence.
      record(task, { observed: error.finding });
      await step(task, 'an earlier snapshot of the disk finishes', { diskId: disk }, async () => {
        expect(false, error.finding).toBe(true);
      });
      return;
    }
    observe(task, created);
    await step(task, 'create', { diskId: disk }, async () => expectAccepted(created, 'a create on an attached data disk'));
    const id = create.snapshotId(created);
    await step(task, 'created snapshot id', { diskId: disk }, async () => expect(id, 'the create answered without a snapshot id').toBeTypeOf('string'));
    const documented = [lifecycle.creating, lifecycle.completed, ...(lifecycle.failed ? [lifecycle.failed] : [])];
    const first = describeOne.snapshot(await client.call(describeAction, describeOne.params(id!, target.region)));
    await step(task, 'describe right after the create', { snapshotId: id }, async () => {
      expect(first, `snapshot ${id} is not described right after its create`).toBeDefined();
      expect(documented, `snapshot ${id} is described in state ${first!.state}, not a documented ${lifecycle.stateField}`).toContain(first!.state);
    });
    const started = Date.now();
    const settled = await waitUntilDone((a, p) => client.call(a, p), spec, adapter, target.region, { id: id!, kind: 'snapshot', since: started }, started + limit);
    await step(task, 'wait until done', { snapshotId: id, readinessTimeoutSeconds: limit / 1000 }, async () => {
      expect(settled.done, `snapshot ${id} was still ${settled.state} after ${limit / 1000} s (readinessTimeoutSeconds)`).toBe(true);
    });
    // The states seen decide this rule, not the last describe's answer: no `answer` for a comparison to show.
    record(task, { observed: `${first!.state} right after the create, ${settled.state} after ${((Date.now() - started) / 1000).toFixed(1)} s` });
    noDecidingAnswer(task);
  });
});
