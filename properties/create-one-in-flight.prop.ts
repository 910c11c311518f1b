import { test } from 'vitest';
import { describeError, observe, record, skipBecause } from '../src/conformance/rule-meta.ts';
import { describeEachTarget } from '../src/conformance/session.ts';
import { expectAccepted, expectRefused, step } from './support/checks.ts';
import { admin, createAlone, exclusively } from './support/emulator.ts';

/** How long the emulator takes to create a snapshot while this rule watches (emulator time). */
const CREATION_MS = 10_000;

// One snapshot in flight per disk: while a snapshot of a disk is being created, a second create on that disk
// is refused with the documented error; once the first is done, a create is accepted. On an emulator the rule
// makes creation take CREATION_MS and then moves the clock past it; a real endpoint gives no way to hold a
// creation open, so there the rule skips.
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
      ?? session.readOnly
      ?? (!target.emulator ? 'needs an emulator: a real endpoint offers no way to hold a creation open (admin API config creationMs)' : undefined);
    if (reason || !rule || !create || !client) skipBecause(context, reason ?? 'not applicable');
    const disk = await session.freshDisk();
    if (!disk) skipBecause(context, 'the emulator could not add a fresh disk');
    const action = spec.forCanonical('createSnapshot')!.action;
    const createOne = async (name: string) => {
      const result = await client.call(action, create.params({ diskId: disk, name }));
      observe(task, result);
      return result;
    };

    await exclusively(target, async () => {
      let advanced = false;
      try {
        // Only this rule's first create takes long: the emulator serves it alone with the raised creation time.
        const first = await createAlone(target, action, CREATION_MS, () => createOne(session.name('in-flight-1')));
        await step(task, 'first create', { diskId: disk, creationMs: CREATION_MS }, async () => expectAccepted(first, 'the first create on a fresh disk'));
        const second = await step(task, 'second create while the first is being created', { diskId: disk, creationMs: CREATION_MS }, async () => {
          const result = await createOne(session.name('in-flight-2'));
          expectRefused(result, [rule.error], 'a second create while the first snapshot of the disk is being created');
          return result;
        });
        await admin(target, 'clock', { advanceMs: CREATION_MS + 1000 });
        advanced = true;
        await step(task, 'create after the first is done', { diskId: disk, clockAdvancedMs: CREATION_MS + 1000 }, async () => {
          expectAccepted(await createOne(session.name('in-flight-3')), 'a create once the first snapshot of the disk is done');
        });
        record(task, { observed: `second create refused with ${second.error?.code} (HTTP ${second.httpStatus}); accepted once the first was done` });
      } finally {
        // Whatever failed, no snapshot stays "creating" for the rules that come after this one.
        if (!advanced) await admin(target, 'clock', { advanceMs: CREATION_MS + 1000 });
      }
    });
  });
});
