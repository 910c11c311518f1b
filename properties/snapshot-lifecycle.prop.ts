import fc from 'fast-check';
import { test } from 'vitest';
import { checkProperty, record, skipBecause } from '../src/conformance/rule-meta.ts';
import { describeEachTarget } from '../src/conformance/session.ts';
import { contractValues } from '../src/spec/vendor-spec.ts';
import { exclusively } from './support/emulator.ts';
import { DAY_LATENESS, lifecycleCommands, lifecycleStory, type LifecycleContext, type LifecycleModel, type LifecycleReal } from './support/lifecycle-model.ts';

// A model-based test of the snapshot lifecycle: random sequences of create, describe, delete and "later"
// (the emulator's clock moved hours ahead) on two fresh disks, each step checked against a model of what the
// documents say: a created snapshot is described with its disk, name (or the documented default) and tags
// until it is deleted or its retention deadline passes, and never after; creates past the per-disk quota are
// refused. Emulators only: the model moves the clock, and on a real account a create takes minutes.
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
      ?? session.readOnly
      ?? (!target.emulator ? 'needs an emulator: the model moves the clock past retention deadlines (admin API), and a real create takes minutes' : undefined);
    if (reason || !create || !describe || !remove || !client || !actions.create || !actions.describe || !actions.remove) skipBecause(context, reason ?? 'not applicable');

    const request = spec.action(actions.create).resolvedRequestSchema;
    const retention = contract['retention-auto-delete'];
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

    // The clock moves: no other rule that moves it or counts snapshots runs meanwhile. The fixed story runs
    // first, then generated sequences.
    const story: [Iterable<fc.AsyncCommand<LifecycleModel, LifecycleReal>>] = [lifecycleStory(ctx, { retention: retention !== undefined })];
    await exclusively(target, () => checkProperty(task, fc.asyncProperty(
      lifecycleCommands(ctx, { retention: retention !== undefined, maxCommands: 12 }),
      async (commands) => {
        const disks = [await session.freshDisk(), await session.freshDisk()];
        if (disks.some((d) => d === undefined)) throw new Error('the emulator could not add fresh disks');
        await fc.asyncModelRun(
          () => ({ model: { live: new Map(), gone: new Set(), known: [] } as LifecycleModel, real: { disks: disks as string[] } as LifecycleReal }),
          commands,
        );
      },
    ), 10, [story]));
  });
});
