import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { stringFromSchema, tokenFromSchema } from '../src/conformance/arbitraries.ts';
import { checkProperty, describeError, observe, record, skipBecause } from '../src/conformance/rule-meta.ts';
import { describeEachTarget } from '../src/conformance/session.ts';
import { cleanUp, expectAccepted, expectRefusedWith, settle, timeoutFor } from './support/checks.ts';
import { exclusively } from './support/emulator.ts';

/** Characters kept free in a generated token for the suffix that makes it unique to one run of the property. */
const SUFFIX_LENGTH = 16;

// The documented idempotency token (Alibaba ClientToken): for any token and name, repeating a create with the
// same token and the same parameters answers with the same snapshot; the same token with other parameters
// is refused with the documented mismatch error.
describeEachTarget((target, session) => {
  test('should answer a repeated create token with the same snapshot, and refuse it with other parameters', async (context) => {
    const { task } = context;
    const { spec, adapter, client } = session;
    const rule = spec.contract.idempotency;
    record(task, {
      ruleId: 'snapshot.create.idempotency',
      caseId: rule ? `${rule.action}.${rule.parameter}` : 'createSnapshot',
      vendor: target.vendor,
      target: target.name,
      expectation: rule
        ? {
            text: `the same ${rule.parameter} with the same parameters answers with the same snapshot id; with other parameters it is refused with ${describeError(rule.mismatchError)}`,
            source: rule.source,
            inferred: rule.inferred || rule.mismatchError.inferred,
          }
        : { text: 'no idempotency token is documented' },
    });
    const create = adapter?.canonical.createSnapshot;
    const action = spec.forCanonical('createSnapshot');
    const reason = session.unavailable
      ?? (!rule ? `the ${target.vendor} spec documents no idempotency token` : undefined)
      ?? (!create || !action ? 'the adapter binds no createSnapshot' : undefined)
      ?? (rule!.action !== action!.action ? `the idempotency token belongs to ${rule!.action}, not to ${action!.action}` : undefined)
      ?? session.readOnly;
    if (reason || !rule || !create || !action || !client) skipBecause(context, reason ?? 'not applicable');
    const properties = (action.resolvedRequestSchema['properties'] ?? {}) as Record<string, Record<string, unknown>>;
    const nameRequired = ((action.resolvedRequestSchema['required'] as string[] | undefined) ?? []).includes(create.nameParameter);
    const name = stringFromSchema(properties[create.nameParameter], { prefix: session.label.prefix });
    const nonce = randomBytes(4).toString('hex');
    let runs = 0;
    const created: string[] = [];

    await exclusively(target, async () => {
      try {
        await checkProperty(task, fc.asyncProperty(
          fc.record({
            token: tokenFromSchema(properties[rule.parameter], { reserve: SUFFIX_LENGTH }),
            name: nameRequired ? name : fc.option(name, { nil: undefined }),
            otherName: name,
          }).filter((input) => input.name !== input.otherName),
          async (input) => {
            // Each run gets its own token: the generated one, made unique by a suffix (a shrunk run reuses none).
            const token = `${input.token}-${nonce}${(runs += 1).toString(36)}`.slice(0, input.token.length + SUFFIX_LENGTH);
            const disk = await session.disk('snapshot.create.idempotency');
            expect(disk, 'a disk fixture (sameInstanceDisks)').toBeDefined();
            const params = { ...create.params({ diskId: disk!, name: input.name }), [rule.parameter]: token };
            const first = await client.call(action.action, params);
            observe(task, first);
            expectAccepted(first, 'the first create with a new token');
            const id = create.snapshotId(first);
            if (id) created.push(id);
            const again = await client.call(action.action, params);
            observe(task, again);
            expectAccepted(again, 'the same create repeated with the same token');
            expect(create.snapshotId(again), `the same ${rule.parameter} with the same parameters answered with another snapshot`).toBe(id);
            const other = await client.call(action.action, { ...create.params({ diskId: disk!, name: input.otherName }), [rule.parameter]: token });
            observe(task, other);
            const otherId = other.ok ? create.snapshotId(other) : undefined;
            if (otherId) created.push(otherId);
            await expectRefusedWith(task, other, [rule.mismatchError], `the same ${rule.parameter} with another ${create.nameParameter}`);
            // A real endpoint refuses the next create on the disk while this one is in flight.
            if (id) await settle(session, target, id);
          },
        ), 15);
      } finally {
        await cleanUp(session, target, created);
      }
    });
  }, timeoutFor(target));
});
