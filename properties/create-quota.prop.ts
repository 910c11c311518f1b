import { test } from 'vitest';
import { describeError, observe, record, skipBecause } from '../src/conformance/rule-meta.ts';
import { describeEachTarget } from '../src/conformance/session.ts';
import { cleanUp, expectAccepted, expectRefused, settle, step, timeoutFor } from './support/checks.ts';
import { exclusively } from './support/emulator.ts';

// The documented per-disk snapshot quota: on a disk without snapshots, `value` creates succeed and the next
// is refused with the documented error; once one snapshot is deleted, a create succeeds again. Deterministic:
// the counterexample is the step that showed the deviation.
describeEachTarget((target, session) => {
  test('should accept snapshots of a disk up to the documented quota, refuse the next, and accept one again after a delete', async (context) => {
    const { task } = context;
    const { spec, adapter, client } = session;
    const rule = spec.contract['snapshot-quota-per-disk'];
    record(task, {
      ruleId: 'snapshot.create.quota',
      caseId: 'createSnapshot',
      vendor: target.vendor,
      target: target.name,
      expectation: rule
        ? {
            text: `a disk holds at most ${rule.value} snapshots: create ${rule.value + 1} is refused with ${describeError(rule.error)}${rule.error.alternatives ? ` (or ${rule.error.alternatives.join(', ')})` : ''}; after a delete, a create is accepted`,
            source: rule.source,
            inferred: rule.inferred || rule.error.inferred,
          }
        : { text: 'no per-disk snapshot quota is documented' },
    });
    const create = adapter?.canonical.createSnapshot;
    const remove = adapter?.canonical.deleteSnapshot;
    const reason = session.unavailable
      ?? (!rule ? `the ${target.vendor} spec documents no per-disk snapshot quota` : undefined)
      ?? (!create || !remove ? 'the adapter binds no createSnapshot/deleteSnapshot' : undefined)
      ?? session.readOnly;
    if (reason || !rule || !create || !remove || !client) skipBecause(context, reason ?? 'not applicable');
    const needed = rule.value + 1;
    // A real account pays for every snapshot: only a budget that covers the whole count lets it run.
    if (!target.emulator && (target.maxSnapshots ?? 0) < needed) {
      skipBecause(context, `needs ${needed} snapshots of one disk; the target's budget (maxSnapshots: ${target.maxSnapshots ?? 0}) allows fewer`);
    }
    // Counting from zero needs a disk that holds no snapshots; a real target has no fixture role for one yet.
    if (!target.emulator) {
      skipBecause(context, `needs ${needed} snapshots of a disk that holds none; the target file has no fixture role for such a disk yet`);
    }
    const disk = await session.disk('snapshot.create.quota');
    if (!disk) skipBecause(context, 'no disk fixture (sameInstanceDisks)');
    const createAction = spec.forCanonical('createSnapshot')!.action;
    const deleteAction = spec.forCanonical('deleteSnapshots')!.action;
    const created: string[] = [];
    const createOne = async (n: number) => {
      const result = await client.call(createAction, create.params({ diskId: disk, name: session.name(`quota-${n}`) }));
      observe(task, result);
      const id = result.ok ? create.snapshotId(result) : undefined;
      if (id) created.push(id);
      return { result, id };
    };

    await exclusively(target, async () => {
      try {
        for (let n = 1; n <= rule.value; n += 1) {
          await step(task, `create ${n} of the quota of ${rule.value}`, { diskId: disk, created: n - 1 }, async () => {
            const { result, id } = await createOne(n);
            expectAccepted(result, `create ${n} of ${rule.value} on a disk without other snapshots`);
            await settle(session, target, id!);
          });
        }
        const over = await step(task, `create ${needed}, one past the quota of ${rule.value}`, { diskId: disk, created: rule.value }, async () => {
          const { result } = await createOne(needed);
          expectRefused(result, [rule.error], `create ${needed} on a disk holding ${rule.value} snapshots (the quota)`);
          return result;
        });
        const first = created[0]!;
        await step(task, 'delete one snapshot of the full disk', { diskId: disk, snapshotId: first }, async () => {
          const deleted = await client.call(deleteAction, remove.params(first, target.region));
          observe(task, deleted);
          expectAccepted(deleted, `deleting snapshot ${first}`);
          created.shift();
        });
        await step(task, `create again after a delete (${rule.value - 1} held)`, { diskId: disk, created: rule.value - 1 }, async () => {
          const { result } = await createOne(needed + 1);
          expectAccepted(result, `a create on a disk holding ${rule.value - 1} snapshots`);
        });
        record(task, { observed: `${rule.value} creates accepted, create ${needed} refused with ${over.error?.code} (HTTP ${over.httpStatus}), accepted again after a delete` });
      } finally {
        await cleanUp(session, target, created);
      }
    });
  }, timeoutFor(target));
});
