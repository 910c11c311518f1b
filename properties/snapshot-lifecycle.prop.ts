import fc from 'fast-check';
import { test } from 'vitest';
import { checkProperty, record, skipBecause } from '../src/conformance/rule-meta.ts';
import { describeEachTarget } from '../src/conformance/session.ts';
import { contractValues } from '../src/spec/vendor-spec.ts';
import { cleanUp, timeoutFor } from './support/checks.ts';
import { exclusively } from './support/emulator.ts';
import { DAY_LATENESS, lifecycleCommands, lifecycleStory, type LifecycleContext, type LifecycleModel, type LifecycleReal } from './support/lifecycle-model.ts';

// A model-based test of the snapshot lifecycle: random sequences of create, describe, delete and "later"
// (the emulator's clock moved hours ahead) on two disks, each step checked against a model of what the
// documents say: a created snapshot is described with its disk, name (or the documented default) and tags
// until it is deleted or its retention deadline passes, and never after; creates past the per-disk quota are
// refused. On an emulator the disks are fresh and the clock moves. On a real endpoint the steps that need no
// clock control run (create, describe, delete) on two of the target's disks, whose snapshots held before are
// counted through the API; creates wait for the disk's snapshot in flight (the in-flight layer), deletes for
// the snapshot to finish, and fewer, shorter sequences run, since every create costs a snapshot and minutes.
describeEachTarget((target, session) => {
  test('should keep every snapshot as the documents describe it through create, describe, delete and the passing of time', async (context) => {
    const { task } = context;
    const { spec, adapter, client } = session;
    const contract = spec.contract;
    record(task, {
      ruleId: 'snapshot.lifecycle.model',
      caseId: 'create/describe/delete/advance-clock',
      vendor: target.vendor,
      target: target.name,
      expectation: {
        text: `every step of a random create/describe/delete/advance-clock sequence agrees with the documents: snapshots described with their disk, name${contract['default-snapshot-name'] ? ` (default ${contractValues(contract['default-snapshot-name']).map((d) => `"${d.value}"`).join(' or ')})` : ''} and tags until deleted${contract['retention-auto-delete'] ? ' or past their retention deadline' : ''}, never after${contract['snapshot-quota-per-disk'] ? `; at most ${contract['snapshot-quota-per-disk'].value} per disk` : ''}`,
        source: contract['snapshot-lifecycle']?.source ?? spec.forCanonical('createSnapshot')?.source,
      },
    });
    const create = adapter?.canonical.createSnapshot;
    const describe = adapter?.canonical.describeSnapshot;
    const remove = adapter?.canonical.deleteSnapshot;
    const actions = { create: spec.forCanonical('createSnapshot')?.action, describe: spec.forCanonical('describeSnapshots')?.action, remove: spec.forCanonical('deleteSnapshots')?.action };
    const reason = session.unavailable
      ?? (!create || !describe || !remove || !actions.create || !actions.describe || !actions.remove ? 'the adapter binds no createSnapshot/describeSnapshot/deleteSnapshot' : undefined)
      ?? session.readOnly;
    if (reason || !create || !describe || !remove || !client || !actions.create || !actions.describe || !actions.remove) skipBecause(context, reason ?? 'not applicable');

    const request = spec.action(actions.create).resolvedRequestSchema;
    // Retention deadlines are met by moving the clock: only an emulator's. (On a real account `obligations
    // check` verifies them a day later: snapshot.retention.auto-delete.)
    const retention = target.emulator ? contract['retention-auto-delete'] : undefined;
    const retentionType = retention ? ((request['properties'] ?? {}) as Record<string, Record<string, unknown>>)[retention.parameter]?.['type'] : undefined;
    const lifecycle = contract['snapshot-lifecycle'];
    const ctx: LifecycleContext = {
      task, target, session, client,
      bindings: { create, describe, remove },
      actions: { create: actions.create, describe: actions.describe, remove: actions.remove },
      quota: contract['snapshot-quota-per-disk'],
      defaultName: contract['default-snapshot-name'],
      nameRequired: ((request['required'] as string[] | undefined) ?? []).includes(create.nameParameter),
      states: lifecycle ? [lifecycle.creating, lifecycle.completed] : undefined,
      lateness: retentionType === 'integer' || retentionType === 'number' ? DAY_LATENESS : 0,
    };

    const pool = target.emulator ? [] : [...new Set(target.fixtures?.sameInstanceDisks ?? [])].slice(0, 2);
    if (!target.emulator && pool.length === 0) skipBecause(context, 'no disk fixture (sameInstanceDisks)');
    const count = adapter?.canonical.countSnapshotsOfDisk;
    const countAction = spec.forCanonical('describeSnapshots')?.action;
    /** The disks of one sequence and what they held before it: fresh ones on an emulator, counted ones elsewhere. */
    const disksForRun = async (): Promise<LifecycleReal> => {
      if (target.emulator) {
        const disks = [await session.freshDisk(), await session.freshDisk()];
        if (disks.some((d) => d === undefined)) throw new Error('the emulator could not add fresh disks');
        return { disks: disks as string[] };
      }
      const heldBefore: Record<string, number> = {};
      for (const disk of pool) {
        const result = count && countAction ? await client.call(countAction, count.params(disk, target.region)) : undefined;
        const held = result?.ok ? count!.count(result) : undefined;
        // Uncounted, the model cannot place the quota: it leaves the quota out rather than guess.
        if (held === undefined) ctx.quota = undefined;
        else heldBefore[disk] = held;
      }
      return { disks: pool, heldBefore };
    };

    // The fixed story runs first (it shrinks, like the generated sequences, when it fails), then generated ones.
    // On an emulator the clock moves: no other rule that moves it or counts snapshots runs meanwhile.
    const story: [Iterable<fc.AsyncCommand<LifecycleModel, LifecycleReal>>] = [lifecycleStory(ctx, { retention: retention !== undefined })];
    const check = () => checkProperty(task, fc.asyncProperty(
      lifecycleCommands(ctx, { retention: retention !== undefined, maxCommands: target.emulator ? 12 : 8 }),
      async (commands) => {
        const real = await disksForRun();
        const model: LifecycleModel = { live: new Map(), gone: new Set(), known: [] };
        try {
          await fc.asyncModelRun(() => ({ model, real }), commands);
        } finally {
          // A real account keeps what a sequence left: it is deleted before the next (the ledger is the backstop).
          await cleanUp(session, target, [...model.live.keys()]);
        }
      },
    ), target.emulator ? 10 : 2, [story]);
    await (target.emulator ? exclusively(target, check) : check());
  }, timeoutFor(target));
});
