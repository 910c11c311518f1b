import { test } from 'vitest';
import { noDecidingAnswer, observe, record, skipBecause } from '../src/conformance/rule-meta.ts';
import { describeEachTarget } from '../src/conformance/session.ts';
import { expectAccepted, expectDeleted, settle, step, timeoutFor } from './support/checks.ts';

// A delete the service accepts takes effect: a finished snapshot of the run, deleted, is then described as gone
// (absent from the answer, or the delete action's documented not-found code) or on its way out (a deleting
// state), never as it was. The delete action's page is the source: it deletes the snapshot.
describeEachTarget((target, session) => {
  test('should no longer describe a snapshot as it was once its delete was accepted', async (context) => {
    const { task } = context;
    const { spec, adapter, client } = session;
    const deleteAction = spec.forCanonical('deleteSnapshots');
    record(task, {
      ruleId: 'snapshot.delete.takes-effect',
      caseId: deleteAction ? deleteAction.action : 'deleteSnapshots',
      vendor: target.vendor,
      target: target.name,
      expectation: deleteAction
        ? { text: `after ${deleteAction.action} accepts a finished snapshot, describing it finds it gone (or refused as not found) or being deleted`, source: deleteAction.source }
        : { text: 'no delete action is documented' },
    });
    const create = adapter?.canonical.createSnapshot;
    const remove = adapter?.canonical.deleteSnapshot;
    const describeOne = adapter?.canonical.describeSnapshot;
    const reason = session.unavailable
      ?? (!deleteAction ? `the ${target.vendor} spec documents no delete action` : undefined)
      ?? (!create || !remove || !describeOne ? 'the adapter binds no createSnapshot/deleteSnapshot/describeSnapshot' : undefined)
      ?? session.readOnly;
    if (reason || !create || !remove || !deleteAction || !client) skipBecause(context, reason ?? 'not applicable');
    const disk = await session.disk('snapshot.delete.takes-effect');
    if (!disk) skipBecause(context, 'no disk fixture (sameInstanceDisks)');
    const createAction = spec.forCanonical('createSnapshot')!.action;
    const created = await client.call(createAction, create.params({ diskId: disk, name: session.name('delete') }));
    observe(task, created);
    expectAccepted(created, `a create on ${disk}`);
    const id = create.snapshotId(created)!;
    // Deleting a snapshot still being created is refused by some services: the rule deletes a finished one.
    await settle(session, target, id);
    await step(task, `delete snapshot ${id}`, { diskId: disk, snapshotId: id }, async () => {
      const deleted = await client.call(deleteAction.action, remove.params(id, target.region));
      observe(task, deleted);
      expectAccepted(deleted, `deleting the finished snapshot ${id}`);
    });
    await step(task, `describe snapshot ${id} after its delete`, { diskId: disk, snapshotId: id }, async () => {
      await expectDeleted(task, session, target, id);
    });
    // The describe after the delete decides this rule, not one answer: no `answer` for a comparison to show.
    record(task, { observed: `${deleteAction.action} accepted; snapshot ${id} no longer described as it was` });
    noDecidingAnswer(task);
  }, timeoutFor(target));
});
