import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { checkProperty, decidedBy, describeError, inferredCheck, observe, record, skipBecause } from '../src/conformance/rule-meta.ts';
import type { CallResult } from '../src/transport/call-result.ts';
import { describeEachTarget } from '../src/conformance/session.ts';
import type { VendorError } from '../src/spec/spec-types.ts';
import type { NeutralSnapshot } from '../src/vendors/vendor-adapter.ts';
import { cleanUp, expectAccepted, expectRefusedWith, settle, timeoutFor } from './support/checks.ts';
import { exclusively } from './support/emulator.ts';

/** A disk a run may put in a group: its fixture role and the instance it hangs on (undefined: unattached). */
interface Member {
  role: string;
  instance: 'fixture instance' | 'other instance' | undefined;
}

// Snapshot groups take disks of one instance: for any non-empty choice among the disks on the fixture
// instance, the disk on another instance and the unattached disk, the group is created exactly when every
// chosen disk is attached and all to the same instance. A created group lists one member snapshot per disk,
// named by the documented template (`{group}`, `{index}` from `indexBase`); any other choice is refused with
// the documented error.
describeEachTarget((target, session) => {
  test('should create a snapshot group exactly when all its disks are attached to one instance, with members named as documented', async (context) => {
    const { task } = context;
    const { spec, adapter, client } = session;
    const rule = spec.contract['same-instance'];
    const naming = spec.contract['group-member-naming'];
    record(task, {
      ruleId: 'snapshot.group.same-instance',
      caseId: rule ? `${rule.action}.${rule.parameter}` : 'createSnapshotGroup',
      vendor: target.vendor,
      target: target.name,
      expectation: rule
        ? {
            text: `a group is created iff its ${rule.parameter} are all attached to one instance, else refused with ${describeError(rule.error)}${rule.error.alternatives ? ` (or ${rule.error.alternatives.join(', ')})` : ''}; a created group has one snapshot per disk${naming ? `, named ${naming.template} with {index} from ${naming.indexBase}` : ''}`,
            source: [rule.source, naming?.source].filter((s) => s !== undefined).flat(),
            inferred: rule.inferred || rule.error.inferred || naming?.inferred,
          }
        : { text: 'no same-instance rule for snapshot groups is documented' },
    });
    const { createSnapshotGroup: group, describeSnapshotGroup: describeGroup, describeSnapshot: describeOne } = adapter?.canonical ?? {};
    const reason = session.unavailable
      ?? (!rule ? `the ${target.vendor} spec documents no same-instance rule for snapshot groups` : undefined)
      ?? (!group || !describeGroup || !describeOne ? 'the adapter binds no createSnapshotGroup/describeSnapshotGroup/describeSnapshot' : undefined)
      ?? session.readOnly;
    if (reason || !rule || !group || !describeGroup || !describeOne || !client) skipBecause(context, reason ?? 'not applicable');
    const fixtures = target.fixtures;
    if (!fixtures || fixtures.sameInstanceDisks.length === 0) skipBecause(context, 'no disk fixtures on one instance (sameInstanceDisks)');
    const members: Member[] = [
      ...fixtures.sameInstanceDisks.map((_, i): Member => ({ role: `sameInstanceDisks[${i}]`, instance: 'fixture instance' })),
      ...(fixtures.otherInstanceDisk ? [{ role: 'otherInstanceDisk', instance: 'other instance' } as Member] : []),
      ...(fixtures.unattachedDisk ? [{ role: 'unattachedDisk', instance: undefined } as Member] : []),
    ];
    if (members.every((m) => m.instance === 'fixture instance')) skipBecause(context, 'no disk fixture off the instance (otherInstanceDisk, unattachedDisk)');
    const groupAction = spec.forCanonical('createSnapshotGroup')!;
    const describeGroupAction = spec.forCanonical('describeSnapshotGroups')!.action;
    const describeAction = spec.forCanonical('describeSnapshots')!.action;
    const listSchema = ((groupAction.resolvedRequestSchema['properties'] ?? {}) as Record<string, Record<string, unknown>>)[rule.parameter];
    const minItems = Math.max(1, (listSchema?.['minItems'] as number | undefined) ?? 1);
    const maxItems = (listSchema?.['maxItems'] as number | undefined) ?? members.length;
    // An unattached disk may also be refused for its state, where the documents forbid that state.
    const stateError = spec.contract['allowed-disk-states']?.error;
    // Half the runs choose among the fixture instance's disks only (a group that must be created), half take
    // at least one disk off it (a group that must be refused), so both halves are tried in every run.
    const order = (roles: string[]) => members.map((m) => m.role).filter((r) => roles.includes(r));
    const onInstance = members.filter((m) => m.instance === 'fixture instance').map((m) => m.role);
    const offInstance = members.filter((m) => m.instance !== 'fixture instance').map((m) => m.role);
    const size = { minLength: minItems, maxLength: Math.min(maxItems, members.length) };
    const choices = fc.record({
      disks: fc.oneof(
        fc.subarray(onInstance, { ...size, maxLength: Math.min(size.maxLength, onInstance.length) }),
        fc.tuple(fc.constantFrom(...offInstance), fc.subarray(members.map((m) => m.role), { maxLength: size.maxLength - 1 }))
          .map(([off, rest]) => order([off, ...rest]))
          .filter((roles) => roles.length >= size.minLength),
      ),
    });
    const nonce = randomBytes(3).toString('hex');
    let runs = 0;
    const created: string[] = [];
    // What a group across instances got: the comparison of targets shows it, not whichever run came last.
    let refusal: CallResult | undefined;

    await exclusively(target, async () => {
      try {
        await checkProperty(task, fc.asyncProperty(
          choices,
          async ({ disks: roles }) => {
            const chosen = roles.map((role) => members.find((m) => m.role === role)!);
            // On an emulator the disks of the fixture instance are fresh ones there, so counts start from zero.
            const diskIds: string[] = [];
            for (const m of chosen) {
              const fresh = m.instance === 'fixture instance' ? await session.freshDisk() : undefined;
              const fixture = m.role.startsWith('sameInstanceDisks[') ? fixtures.sameInstanceDisks[Number(m.role.slice(18, -1))] : fixtures[m.role as 'otherInstanceDisk' | 'unattachedDisk'];
              diskIds.push(fresh ?? fixture!);
            }
            const name = session.name(`group-${nonce}-${(runs += 1).toString(36)}`);
            const instances = new Set(chosen.map((m) => m.instance));
            const oneInstance = instances.size === 1 && !instances.has(undefined);
            const result = await client.call(groupAction.action, group.params({ diskIds, name }));
            observe(task, result);
            if (!oneInstance) {
              const allowed: VendorError[] = [rule.error, ...(stateError && chosen.some((m) => m.instance === undefined) ? [stateError] : [])];
              await expectRefusedWith(task, result, allowed, `a group of ${roles.join(', ')} (not all attached to one instance)`);
              refusal = result;
              return;
            }
            expectAccepted(result, `a group of ${roles.join(', ')} (all attached to one instance)`);
            const groupId = group.groupId(result);
            expect(groupId, 'the created group id').toBeDefined();
            const described = describeGroup.group(await client.call(describeGroupAction, describeGroup.params(groupId!, target.region)));
            expect(described, `group ${groupId} is not described`).toBeDefined();
            created.push(...described!.snapshotIds);
            expect(described!.snapshotIds, `the member snapshots of a group of ${diskIds.length} disks`).toHaveLength(diskIds.length);
            const snapshots: NeutralSnapshot[] = [];
            for (const id of described!.snapshotIds) {
              const snapshot = describeOne.snapshot(await client.call(describeAction, describeOne.params(id, target.region)));
              expect(snapshot, `member snapshot ${id} is not described`).toBeDefined();
              snapshots.push(snapshot!);
            }
            expect(snapshots.map((s) => s.diskId).sort(), 'one member snapshot per disk').toEqual([...diskIds].sort());
            if (naming) {
              const expected = diskIds.map((_, i) => naming.template.replace('{group}', name).replace('{index}', String(i + naming.indexBase)));
              const names = () => expect(snapshots.map((s) => s.name).sort(), `member names (${naming.template}, {index} from ${naming.indexBase})`).toEqual(expected.sort());
              if (naming.inferred) await inferredCheck(task, `the member naming is inferred: ${naming.note ?? 'no note'}`, names);
              else names();
            }
            // A real endpoint refuses the next snapshot of these disks while these are in flight.
            for (const id of described!.snapshotIds) await settle(session, target, id);
          },
        ), 15);
        decidedBy(task, refusal);
      } finally {
        await cleanUp(session, target, created);
      }
    });
  }, timeoutFor(target));
});
