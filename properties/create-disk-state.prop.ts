import { test } from 'vitest';
import { describeError, observe, record, skipBecause } from '../src/conformance/rule-meta.ts';
import { describeEachTarget } from '../src/conformance/session.ts';
import type { Fixtures } from '../src/conformance/target.ts';
import type { VendorError } from '../src/spec/spec-types.ts';
import { codesOf, describeDisk, expectRefused, step, timeoutFor } from './support/checks.ts';
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
              states ? `a disk whose ${states.field} is not ${states.values.join(' or ')} is refused with ${either([states.error])}` : undefined,
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
    const judged: Array<{ role: string; diskId: string; facts: Record<string, unknown>; errors: VendorError[] }> = [];
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
      if (states) {
        facts[states.field] = entry[states.field];
        if (typeof entry[states.field] === 'string' && !states.values.includes(entry[states.field] as string)) errors.push(states.error);
      }
      notes.push(`${role} ${diskId}: ${Object.entries(facts).map(([k, v]) => `${k}=${String(v)}`).join(', ')}${errors.length > 0 ? ' (forbidden)' : ''}`);
      if (errors.length > 0) judged.push({ role, diskId, facts, errors });
    }
    if (judged.length === 0) skipBecause(context, `no fixture disk is in a state the contract forbids (${notes.join('; ')})`);

    const action = spec.forCanonical('createSnapshot')!.action;
    await exclusively(target, async () => {
      for (const { role, diskId, facts, errors } of judged) {
        await step(task, `create on the ${role}`, { role, diskId, ...facts, expected: errors.flatMap(codesOf) }, async () => {
          const result = await client.call(action, create.params({ diskId, name: session.name('disk-state') }));
          observe(task, result);
          expectRefused(result, errors, `a create on the ${role} (${Object.entries(facts).map(([k, v]) => `${k}=${String(v)}`).join(', ')})`);
        });
      }
    });
    record(task, { observed: `refused as documented: ${judged.map((j) => j.role).join(', ')}; judged ${notes.join('; ')}` });
  }, timeoutFor(target));
});
