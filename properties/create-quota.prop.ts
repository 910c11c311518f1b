import { expect, test } from 'vitest';
import { describeError, inferredCheck, observe, record, skipBecause } from '../src/conformance/rule-meta.ts';
import { describeEachTarget } from '../src/conformance/session.ts';
import { citeSource, contractValues, variantLabel } from '../src/spec/vendor-spec.ts';
import type { CallResult } from '../src/transport/call-result.ts';
import { cleanUp, expectAccepted, expectRefusedWith, settle, step, timeoutFor } from './support/checks.ts';
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
    // Where the number itself is inferred (Zenlayer's is a placeholder), only the refusal's code is documented.
    const countCheck = (body: () => void) => (rule.inferred ? inferredCheck(task, `the quota's number is not documented: ${rule.note ?? citeSource(rule.source)}`, body) : body());
    const needed = limits[0]!.value + 1;
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
        // Each documented quota in turn, the lowest first: a refusal one past any of them follows the
        // documents; an acceptance there goes on to the next, and past the highest it is a deviation.
        let held = 0;
        let over: CallResult | undefined;
        let quota = limits[0]!.value;
        for (const [i, limit] of limits.entries()) {
          quota = limit.value;
          const after = i > 0 ? ` (create ${held} was accepted, as ${variantLabel(`a quota of ${quota}`, limit)} allows)` : '';
          for (let n = held + 1; n <= quota; n += 1) {
            await step(task, `create ${n} of the quota of ${quota}`, { diskId: disk, created: n - 1 }, async () => {
              const { result, id } = await createOne(n);
              await countCheck(() => expectAccepted(result, `create ${n} of ${quota} on a disk that held no snapshots before the rule${after}`));
              await settle(session, target, id!);
            });
          }
          const next = limits[i + 1];
          const result = await step(task, `create ${quota + 1}, one past the quota of ${quota}`, { diskId: disk, created: quota }, async () => {
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
          held = quota + 1;
          // Accepted one past this quota, as the next page allows: that page's refusal is what is left to see.
          if (next && !target.emulator && (target.maxSnapshots ?? 0) < next.value + 1) {
            skipBecause(context, `inconclusive: create ${quota + 1} was accepted, as ${variantLabel(`a quota of ${next.value}`, next)} allows; the target's budget (maxSnapshots: ${target.maxSnapshots ?? 0}) does not reach the ${next.value + 1} snapshots that would show its refusal`);
          }
        }
        const first = created[0]!;
        await step(task, 'delete one snapshot of the full disk', { diskId: disk, snapshotId: first }, async () => {
          const deleted = await client.call(deleteAction, remove.params(first, target.region));
          observe(task, deleted);
          expectAccepted(deleted, `deleting snapshot ${first}`);
          created.shift();
        });
        await step(task, `create again after a delete (${quota - 1} held)`, { diskId: disk, created: quota - 1 }, async () => {
          const { result } = await createOne(quota + 2);
          expectAccepted(result, `a create on a disk holding ${quota - 1} snapshots`);
        });
        record(task, { observed: `${quota} creates accepted, create ${quota + 1} refused with ${over?.error?.code} (HTTP ${over?.httpStatus}), accepted again after a delete` });
      } finally {
        await cleanUp(session, target, created);
      }
    });
  }, timeoutFor(target));
});
