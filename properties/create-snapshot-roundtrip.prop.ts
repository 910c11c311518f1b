import fc from 'fast-check';
import { expect, test } from 'vitest';
import { stringFromSchema } from '../src/conformance/arbitraries.ts';
import { checkProperty, decidedBy, inferredCheck, observe, record, skipBecause } from '../src/conformance/rule-meta.ts';
import { describeEachTarget } from '../src/conformance/session.ts';
import { contractValues } from '../src/spec/vendor-spec.ts';
import { cleanUp, expectDefaultName, expectSameTags } from './support/checks.ts';

// For any valid name and tags, a created snapshot has an id of the documented shape, and describing it
// returns the same disk, name (or the documented default name) and tags.
describeEachTarget((target, session) => {
  test('should describe a created snapshot with the name and tags it was created with', async (context) => {
    const { task } = context;
    const { spec, adapter, client } = session;
    const contract = spec.contract;
    const ids = contract['id-patterns']?.snapshot;
    // The documents give example ids, not a pattern: the shape is checked, but a mismatch is not a deviation.
    const idsInferred = Boolean(contract['id-patterns']?.inferred || ids?.inferred);
    const defaultName = contract['default-snapshot-name'];
    const defaults = defaultName ? contractValues(defaultName) : [];
    record(task, {
      ruleId: 'snapshot.create.roundtrip',
      caseId: 'createSnapshot',
      vendor: target.vendor,
      target: target.name,
      expectation: {
        text: `a created snapshot gets an id matching ${ids?.pattern ?? '(no documented pattern)'}${idsInferred ? ' (inferred from the examples)' : ''} and is described with its name (default ${defaults.map((d) => `"${d.value}"`).join(' or ') || '""'}) and tags`,
        source: [contract['id-patterns']?.source, contract['default-snapshot-name']?.source].filter((s) => s !== undefined).flat(),
      },
    });
    const create = adapter?.canonical.createSnapshot;
    const describeOne = adapter?.canonical.describeSnapshot;
    const reason = session.unavailable ?? (!create || !describeOne ? 'the adapter binds no createSnapshot/describeSnapshot' : undefined);
    if (reason || !client || !create || !describeOne) skipBecause(context, reason ?? 'not applicable');
    if (session.readOnly) skipBecause(context, session.readOnly);
    const disk = await session.disk('snapshot.create.roundtrip');
    if (!disk) skipBecause(context, 'no disk fixture');
    const action = spec.forCanonical('createSnapshot')!;
    const nameSchema = (action.resolvedRequestSchema['properties'] as Record<string, Record<string, unknown>>)[create.nameParameter];
    const nameRequired = ((action.resolvedRequestSchema['required'] as string[] | undefined) ?? []).includes(create.nameParameter);
    const idPattern = contract['id-patterns'] ? new RegExp(contract['id-patterns'].snapshot.pattern, 'u') : undefined;
    const tag = fc.record({ key: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 20 }), value: fc.string({ unit: 'grapheme-ascii', maxLength: 20 }) })
      .filter((t) => t.key !== session.label.tag.key);
    // Named with the run's prefix and tagged with the run's tag (src/conformance/run-label.ts); the tag is
    // one of those that must come back.
    const name = stringFromSchema(nameSchema, { prefix: session.label.prefix });
    const generated = fc.record({
      name: nameRequired ? name : fc.option(name, { nil: undefined }),
      tags: create.tagsParameter
        ? fc.uniqueArray(tag, { maxLength: 3, selector: (t) => t.key }).map((tags) => [session.label.tag, ...tags])
        : fc.constant<Array<{ key: string; value: string }>>([]),
    });
    // Always tried first: no name (the documented default, where the name is optional) and a tag of each kind;
    // then a name of exactly the documented maximum length, which is valid.
    const tags = create.tagsParameter ? [session.label.tag, { key: 'team', value: 'storage' }] : [];
    const maxLength = nameSchema?.['maxLength'] as number | undefined;
    const examples: Array<[{ name: string | undefined; tags: Array<{ key: string; value: string }> }]> = [
      [{ name: nameRequired ? session.name('roundtrip') : undefined, tags }],
      ...(maxLength !== undefined ? [[{ name: session.label.prefix + 'm'.repeat(maxLength - session.label.prefix.length), tags }] as [{ name: string; tags: typeof tags }]] : []),
    ];

    const cleanups: string[] = [];
    await checkProperty(task, fc.asyncProperty(
      generated,
      async (input) => {
        const created = await client.call(action.action, create.params({ diskId: disk, ...input }));
        observe(task, created);
        expect(created.ok, `${action.action} refused: ${created.error?.code} ${created.error?.message}`).toBe(true);
        const id = create.snapshotId(created);
        // Each run's snapshot goes once it has been looked at: runs scale with --runs, the disk's quota does not.
        if (id) cleanups.push(id);
        expect(id, 'the created snapshot id').toBeDefined();
        if (idPattern) {
          const shape = () => expect(id, 'the snapshot id shape').toMatch(idPattern);
          if (idsInferred) await inferredCheck(task, `the snapshot id pattern ${ids!.pattern} is inferred: ${ids!.note ?? contract['id-patterns']!.note ?? 'the documents give examples, no pattern'}`, shape);
          else shape();
        }
        const described = describeOne.snapshot(await client.call(spec.forCanonical('describeSnapshots')!.action, describeOne.params(id!, target.region)));
        expect(described, `snapshot ${id} is not described`).toBeDefined();
        expect(described!.diskId).toBe(disk);
        // Without a name, the documented default (any page's) — where the documents give one.
        if (input.name !== undefined) expect(described!.name, 'the name').toBe(input.name);
        else if (defaultName) await expectDefaultName(task, described!.name, defaultName);
        // No documented default: the name the service chose is still set beside other vendors' (report --vendors).
        else decidedBy(task, undefined, { 'default name': JSON.stringify(described!.name ?? null) });
        expectSameTags(task, described!.tags, input.tags, id!);
      },
    ).afterEach(async () => {
      // On a real endpoint the next create on this disk waits for this one (one in flight per disk).
      await cleanUp(session, target, cleanups.splice(0), { emulatorToo: true });
    }), 20, examples);
  });
});
