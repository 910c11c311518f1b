import { expect, test } from 'vitest';
import { describeError, inferredCheck, observe, record, skipBecause } from '../src/conformance/rule-meta.ts';
import { describeEachTarget } from '../src/conformance/session.ts';
import type { Fixtures } from '../src/conformance/target.ts';
import type { DiskStateVariant, VendorError } from '../src/spec/spec-types.ts';
import { citeSource, variantLabel } from '../src/spec/vendor-spec.ts';
import { cleanUp, codesOf, describeDisk, expectRefusedWith, step, timeoutFor } from './support/checks.ts';
import { exclusively } from './support/emulator.ts';

/** Every fixture disk with the role it plays (`sameInstanceDisks[0]`, `unattachedDisk`, …). */
function roles(fixtures: Fixtures | undefined): Array<{ role: string; diskId: string }> {
  if (!fixtures) return [];
  const list = fixtures.sameInstanceDisks.map((diskId, i) => ({ role: `sameInstanceDisks[${i}]`, diskId }));
  for (const role of ['otherInstanceDisk', 'unattachedDisk', 'systemDisk', 'noSnapshotAbilityDisk'] as const) {
    const diskId = fixtures[role];
    if (diskId) list.push({ role, diskId });
  }
  return list.filter((r, i) => list.findIndex((o) => o.diskId === r.diskId) === i);
}

const either = (errors: VendorError[]) => errors.map((e) => `${describeError(e)}${e.alternatives ? ` (or ${e.alternatives.join(', ')})` : ''}`).join(' or ');

// A disk whose state the contract forbids is not snapshotted: for every fixture role, the disk as the
// vendor's DescribeDisks reports it is judged by the contract — snapshot ability false (`snapshot-ability`),
// a state outside `allowed-disk-states` — and a create on a forbidden disk must be refused with that rule's
// documented error. Roles the contract says nothing against are left alone.
describeEachTarget((target, session) => {
  test('should refuse to snapshot a fixture disk whose state or snapshot ability the documents forbid', async (context) => {
    const { task } = context;
    const { spec, adapter, client } = session;
    const ability = spec.contract['snapshot-ability'];
    const states = spec.contract['allowed-disk-states'];
    const sources = [ability?.source, states?.source].filter((s) => s !== undefined).flat();
    record(task, {
      ruleId: 'snapshot.create.disk-state',
      caseId: 'createSnapshot',
      vendor: target.vendor,
      target: target.name,
      expectation: ability || states
        ? {
            text: [
              ability ? `a disk whose ${ability.field} is false is refused with ${either([ability.error])}` : undefined,
              states ? `a disk whose ${states.field} is not ${states.values.join(' or ')} is refused with ${either([states.error])}${(states.variants ?? []).map((v) => ` (${citeSource(v.source)}: ${v.value.join(' or ')} allowed${v.attachedOnceFields ? ' for a disk attached once' : ''})`).join('')}` : undefined,
            ].filter(Boolean).join('; '),
            source: sources.length > 0 ? sources : undefined,
            inferred: Boolean(ability?.inferred || ability?.error.inferred || states?.inferred || states?.error.inferred),
          }
        : { text: 'no disk state or snapshot ability rule is documented' },
    });
    const create = adapter?.canonical.createSnapshot;
    const reason = session.unavailable
      ?? (!ability && !states ? `the ${target.vendor} spec documents neither allowed disk states nor a snapshot ability field` : undefined)
      ?? (!create ? 'the adapter binds no createSnapshot' : undefined)
      ?? (!spec.forCanonical('describeDisks') ? 'the spec has no DescribeDisks to read the disks\' states from' : undefined)
      ?? session.readOnly;
    if (reason || !create || !client) skipBecause(context, reason ?? 'not applicable');
    const all = roles(target.fixtures);
    if (all.length === 0) skipBecause(context, 'the target lists no fixture disks');

    // Judge every role by what DescribeDisks says about its disk.
    const judged: Array<{ role: string; diskId: string; facts: Record<string, unknown>; errors: VendorError[]; variant?: DiskStateVariant }> = [];
    const notes: string[] = [];
    for (const { role, diskId } of all) {
      const { entry } = await describeDisk(session, target, diskId);
      if (!entry) {
        notes.push(`${role} ${diskId}: not described`);
        continue;
      }
      const facts: Record<string, unknown> = {};
      const errors: VendorError[] = [];
      if (ability) {
        facts[ability.field] = entry[ability.field];
        if (entry[ability.field] === false || entry[ability.field] === 'false') errors.push(ability.error);
      }
      // A state another page allows (Alibaba's current doc: an Available disk once attached) makes the create
      // one both pages document, each its way, unless the disk is forbidden for its snapshot ability too.
      let variant: DiskStateVariant | undefined;
      if (states) {
        const state = entry[states.field];
        facts[states.field] = state;
        if (typeof state === 'string' && !states.values.includes(state)) {
          errors.push(states.error);
          variant = errors.length === 1 ? states.variants?.find((v) => v.value.includes(state)) : undefined;
          for (const field of variant?.attachedOnceFields ?? []) facts[field] = entry[field];
        }
      }
      notes.push(`${role} ${diskId}: ${Object.entries(facts).map(([k, v]) => `${k}=${String(v)}`).join(', ')}${errors.length > 0 ? (variant ? ' (forbidden by one page, allowed by another)' : ' (forbidden)') : ''}`);
      if (errors.length > 0) judged.push({ role, diskId, facts, errors, ...(variant ? { variant } : {}) });
    }
    if (judged.length === 0) skipBecause(context, `no fixture disk is in a state the contract forbids (${notes.join('; ')})`);

    const action = spec.forCanonical('createSnapshot')!.action;
    const seen: string[] = [];
    await exclusively(target, async () => {
      for (const { role, diskId, facts, errors, variant } of judged) {
        const described = Object.entries(facts).map(([k, v]) => `${k}=${String(v)}`).join(', ');
        await step(task, `create on the ${role}`, { role, diskId, ...facts, expected: errors.flatMap(codesOf) }, async () => {
          const result = await client.call(action, create.params({ diskId, name: session.name('disk-state') }));
          observe(task, result);
          if (variant && states && result.ok) {
            seen.push(variantLabel(`${role} accepted (${states.field} ${variant.value.join(' or ')})`, variant));
            record(task, { variantSeen: seen.join('; ') });
            const id = create.snapshotId(result);
            if (id) await cleanUp(session, target, [id]);
            // The page allows the state only for a disk attached once, which no documented field tells.
            const attached = variant.attachedOnceFields;
            if (attached) {
              await inferredCheck(task, `${variant.note ?? 'the page allows this state only for a disk attached once'} (${citeSource(variant.source)})`, () => {
                expect(attached.some((f) => facts[f] !== undefined && facts[f] !== null && facts[f] !== ''), `the ${role} was accepted in ${states.field} ${String(facts[states.field])}, and DescribeDisks shows no sign it was ever attached (${attached.join(', ')} empty)`).toBe(true);
              });
            }
            return;
          }
          await expectRefusedWith(task, result, errors, `a create on the ${role} (${described})`);
          if (variant && states) {
            seen.push(variantLabel(`${role} refused (${states.field} ${states.values.join(' or ')})`, states));
            record(task, { variantSeen: seen.join('; ') });
          }
        });
      }
    });
    record(task, { observed: `as documented: ${judged.map((j) => j.role).join(', ')}; judged ${notes.join('; ')}` });
  }, timeoutFor(target));
});
