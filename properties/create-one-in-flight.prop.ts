import { test } from 'vitest';
import { decidedBy, describeError, observe, record, skipBecause } from '../src/conformance/rule-meta.ts';
import { describeEachTarget } from '../src/conformance/session.ts';
import { expectAccepted, expectRefusedWith, step } from './support/checks.ts';
import { admin, createAlone, exclusively } from './support/emulator.ts';

/** How long the emulator takes to create a snapshot while this rule watches (emulator time). */
const CREATION_MS = 10_000;

// One snapshot in flight per disk: while a snapshot of a disk is being created, a second create on that disk
// is refused with the documented error; once the first is done, a create is accepted. On an embedded emulator
// the rule makes creation take CREATION_MS and then moves the clock past it. On any other endpoint it sends
// the second create right after the first (a real creation takes seconds to minutes) and, if the second is
// accepted, describes the first: still being created is a deviation; already done means the service was too
// fast to tell, and the case is inconclusive (a skip saying so), never a pass.
describeEachTarget((target, session) => {
  test('should refuse a second snapshot of a disk while the first is being created, and accept one after it is done', async (context) => {
    const { task } = context;
    const { spec, adapter, client } = session;
    const rule = spec.contract['one-in-flight-per-disk'];
    record(task, {
      ruleId: 'snapshot.create.one-in-flight',
      caseId: 'createSnapshot',
      vendor: target.vendor,
      target: target.name,
      expectation: rule
        ? {
            text: `a second create on a disk whose snapshot is still being created is refused with ${describeError(rule.error)}${rule.error.alternatives ? ` (or ${rule.error.alternatives.join(', ')})` : ''}; after it is done, a create is accepted`,
            source: rule.source,
            inferred: rule.inferred || rule.error.inferred,
          }
        : { text: 'no limit on snapshots in flight per disk is documented' },
    });
    const create = adapter?.canonical.createSnapshot;
    const reason = session.unavailable
      ?? (!rule ? `the ${target.vendor} spec documents no limit on snapshots in flight per disk` : undefined)
      ?? (!create ? 'the adapter binds no createSnapshot' : undefined)
      ?? session.readOnly;
    if (reason || !rule || !create || !client) skipBecause(context, reason ?? 'not applicable');
    const disk = await session.disk('snapshot.create.one-in-flight');
    if (!disk) skipBecause(context, 'the target file names no attached data disk (fixtures.sameInstanceDisks)');
    const action = spec.forCanonical('createSnapshot')!.action;
    // The second create is sent while the first is in flight on purpose: it must not wait for the disk.
    const createOne = async (name: string, inFlightExpected = false) => {
      const result = await client.call(action, create.params({ diskId: disk, name }), { inFlightExpected });
      observe(task, result);
      return result;
    };

    if (!target.emulator) {
      const lifecycle = spec.contract['snapshot-lifecycle'];
      const describeOne = adapter?.canonical.describeSnapshot;
      const describeAction = spec.forCanonical('describeSnapshots')?.action;
      const first = await createOne(session.name('in-flight-1'));
      await step(task, 'first create', { diskId: disk }, async () => expectAccepted(first, 'the first create on the disk'));
      const second = await createOne(session.name('in-flight-2'), true);
      if (second.ok) {
        const firstId = create.snapshotId(first);
        const seen = firstId && describeOne && describeAction ? describeOne.snapshot(await client.call(describeAction, describeOne.params(firstId, target.region))) : undefined;
        if (!seen || !lifecycle || seen.state !== lifecycle.creating) {
          skipBecause(context, `inconclusive: the second create was accepted, but the first snapshot was already ${seen?.state ?? 'not describable'} by then (the service finished it before the rule could test it)`);
        }
      }
      await step(task, 'second create while the first is being created', { diskId: disk }, async () => {
        await expectRefusedWith(task, second, [rule.error], 'a second create while the first snapshot of the disk is being created');
      });
      // The third create waits for the first by itself (disk leases), within the target's readiness timeout.
      await step(task, 'create after the first is done', { diskId: disk }, async () => {
        expectAccepted(await createOne(session.name('in-flight-3')), 'a create once the first snapshot of the disk is done');
      });
      record(task, { observed: `second create refused with ${second.error?.code} (HTTP ${second.httpStatus}); accepted once the first was done` });
      decidedBy(task, second);
      return;
    }

    await exclusively(target, async () => {
      let advanced = false;
      try {
        // Only this rule's first create takes long: the emulator serves it alone with the raised creation time.
        const first = await createAlone(target, action, CREATION_MS, () => createOne(session.name('in-flight-1')));
        await step(task, 'first create', { diskId: disk, creationMs: CREATION_MS }, async () => expectAccepted(first, 'the first create on a fresh disk'));
        const second = await step(task, 'second create while the first is being created', { diskId: disk, creationMs: CREATION_MS }, async () => {
          const result = await createOne(session.name('in-flight-2'), true);
          await expectRefusedWith(task, result, [rule.error], 'a second create while the first snapshot of the disk is being created');
          return result;
        });
        await admin(target, 'clock', { advanceMs: CREATION_MS + 1000 });
        advanced = true;
        await step(task, 'create after the first is done', { diskId: disk, clockAdvancedMs: CREATION_MS + 1000 }, async () => {
          expectAccepted(await createOne(session.name('in-flight-3')), 'a create once the first snapshot of the disk is done');
        });
        record(task, { observed: `second create refused with ${second.error?.code} (HTTP ${second.httpStatus}); accepted once the first was done` });
        decidedBy(task, second);
      } finally {
        // Whatever failed, no snapshot stays "creating" for the rules that come after this one.
        if (!advanced) await admin(target, 'clock', { advanceMs: CREATION_MS + 1000 });
      }
    });
  });
});
