import { expect, test } from 'vitest';
import { decidedBy, describeError, inferredCheck, observe, record, skipBecause } from '../src/conformance/rule-meta.ts';
import { describeEachTarget } from '../src/conformance/session.ts';
import { citeSource, contractValues, variantLabel } from '../src/spec/vendor-spec.ts';
import type { CallResult } from '../src/transport/call-result.ts';
import { cleanUp, expectAccepted, expectDeleted, expectRefusedWith, settle, step, timeoutFor } from './support/checks.ts';
import { exclusively } from './support/emulator.ts';

// The documented per-disk snapshot quota: on a disk without snapshots, `value` creates succeed and the next
// is refused with the documented error; once one snapshot is deleted, a create succeeds again. Where pages
// give several quotas (`variants`), a refusal one past any of them is documented: the rule tries the lowest
// first, goes on only when the service accepts past it, and records which it met. Deterministic: the
// counterexample is the step that showed the deviation.
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
            text: `a disk holds at most ${contractValues(rule).map((v) => `${v.value}${v.primary ? '' : ` (${citeSource(v.source)})`}`).join(' or ')} snapshots: the create one past it is refused with ${describeError(rule.error)}${rule.error.alternatives ? ` (or ${rule.error.alternatives.join(', ')})` : ''}; after a delete, a create is accepted`,
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
    // The documented quotas, lowest first (Alibaba: 64 on the seed page, 256 on the 2020+ pages).
    const limits = contractValues(rule).sort((a, b) => a.value - b.value);
    const count = adapter?.canonical.countSnapshotsOfDisk;
    const describeAction = spec.forCanonical('describeSnapshots')?.action;
    /** The snapshots a disk holds, as the service counts them: 0 for an emulator's fresh disk. */
    const heldBy = async (diskId: string): Promise<number | undefined> => {
      if (target.emulator) return 0;
      if (!count || !describeAction) return undefined;
      const result = await client.call(describeAction, count.params(diskId, target.region));
      return result.ok ? count.count(result) : undefined;
    };
    // Where the number itself is inferred (Zenlayer's is a placeholder), only the refusal's code is documented.
    const countCheck = (body: () => void) => (rule.inferred ? inferredCheck(task, `the quota's number is not documented: ${rule.note ?? citeSource(rule.source)}`, body) : body());
    // On an emulator the rule takes a fresh disk; elsewhere the disk the target offers for it, which may already
    // hold snapshots: the rule counts them through the API and creates only what the quota leaves room for.
    const disk = target.emulator ? await session.disk('snapshot.create.quota') : target.fixtures?.quotaDisk;
    if (!disk) skipBecause(context, target.emulator ? 'no disk fixture (sameInstanceDisks)' : 'needs a disk it may fill to the per-disk quota: name one in the target file as fixtures.quotaDisk');
    const held = await heldBy(disk);
    if (held === undefined) skipBecause(context, `could not count the snapshots disk ${disk} holds (${spec.forCanonical('describeSnapshots')?.action ?? 'no describe action'} gave no total)`);
    // The documented quotas this disk can still show, lowest first: one it already holds more than is not in effect.
    const reachable = limits.filter((l) => l.value >= held);
    if (reachable.length === 0) {
      skipBecause(context, `inconclusive: disk ${disk} already holds ${held} snapshots, more than any documented quota (${limits.map((l) => l.value).join(', ')}); name a quotaDisk that holds fewer`);
    }
    // Up to the quota, one past it, one after a delete.
    const needed = reachable[0]!.value - held + 2;
    // A real account pays for every snapshot: only a budget that covers the whole count lets it run.
    if (!target.emulator && (target.maxSnapshots ?? 0) < needed) {
      skipBecause(context, `needs ${needed} snapshots of disk ${disk} (quota ${reachable[0]!.value}, ${held} held); the target's budget (maxSnapshots: ${target.maxSnapshots ?? 0}) allows fewer`);
    }
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
        // Each documented quota in turn, the lowest first: a refusal one past any of them follows the
        // documents; an acceptance there goes on to the next, and past the highest it is a deviation.
        // `onDisk` counts every snapshot of the disk: those it held before the rule and the rule's own.
        let onDisk = held;
        let over: CallResult | undefined;
        let quota = reachable[0]!.value;
        const before = held === 0 ? 'a disk that held no snapshots before the rule' : `a disk that held ${held} snapshots before the rule`;
        for (const [i, limit] of reachable.entries()) {
          quota = limit.value;
          const after = onDisk > held && i > 0 ? ` (create ${onDisk} was accepted, as ${variantLabel(`a quota of ${quota}`, limit)} allows)` : '';
          for (let n = onDisk + 1; n <= quota; n += 1) {
            await step(task, `snapshot ${n} of the quota of ${quota}`, { diskId: disk, held, onDisk: n - 1 }, async () => {
              const { result, id } = await createOne(n);
              await countCheck(() => expectAccepted(result, `snapshot ${n} of ${quota} on ${before}${after}`));
              await settle(session, target, id!);
            });
          }
          const next = reachable[i + 1];
          const result = await step(task, `snapshot ${quota + 1}, one past the quota of ${quota}`, { diskId: disk, held, onDisk: quota }, async () => {
            const { result } = await createOne(quota + 1);
            if (result.ok && next) return result;
            await countCheck(() => expect(result.ok, `create ${quota + 1} on a disk holding ${quota} snapshots was accepted; no page allows more than ${quota}`).toBe(false));
            await expectRefusedWith(task, result, [rule.error], `create ${quota + 1} on a disk holding ${quota} snapshots (the quota)`);
            return result;
          });
          if (!result.ok) {
            over = result;
            if (limits.length > 1) record(task, { variantSeen: variantLabel(`quota ${quota}: create ${quota + 1} refused`, limit) });
            break;
          }
          onDisk = quota + 1;
          // Accepted one past this quota, as the next page allows: that page's refusal is what is left to see.
          if (next && !target.emulator && (target.maxSnapshots ?? 0) < next.value + 1) {
            skipBecause(context, `inconclusive: create ${quota + 1} was accepted, as ${variantLabel(`a quota of ${next.value}`, next)} allows; the target's budget (maxSnapshots: ${target.maxSnapshots ?? 0}) does not reach the ${next.value + 1} snapshots that would show its refusal`);
          }
        }
        const refusal = `snapshot ${quota + 1} refused with ${over?.error?.code} (HTTP ${over?.httpStatus})`;
        // Only a snapshot of this run's may be deleted: a disk that was full before the rule gets no second half.
        const first = created[0];
        if (!first) {
          record(task, { observed: `disk held ${held} snapshots; ${refusal}; accepting again after a delete not tested (the run created none on it to delete)` });
          decidedBy(task, over, { quota: String(quota) });
          return;
        }
        await step(task, 'delete one snapshot of the full disk', { diskId: disk, snapshotId: first }, async () => {
          const deleted = await client.call(deleteAction, remove.params(first, target.region));
          observe(task, deleted);
          expectAccepted(deleted, `deleting snapshot ${first}`);
          created.shift();
          await expectDeleted(task, session, target, first);
        });
        await step(task, `snapshot ${quota} again after a delete (${quota - 1} on the disk)`, { diskId: disk, held, onDisk: quota - 1 }, async () => {
          const { result } = await createOne(quota + 2);
          expectAccepted(result, `a create on a disk holding ${quota - 1} snapshots`);
        });
        record(task, { observed: `${held > 0 ? `disk held ${held}; ` : ''}snapshots up to ${quota} accepted, ${refusal}, accepted again after a delete` });
        // The refusal one past the quota is what tells vendors apart, not the create after the delete.
        decidedBy(task, over, { quota: String(quota) });
      } finally {
        await cleanUp(session, target, created);
      }
    });
  }, timeoutFor(target));
});
