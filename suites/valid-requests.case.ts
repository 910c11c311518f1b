import { expect, test } from 'vitest';
import { expectNone } from '../properties/support/checks.ts';
import { inferredCheck, observe, record, skipBecause } from '../src/conformance/rule-meta.ts';
import { describeEachTarget, MUTATING, specOf } from '../src/conformance/session.ts';
import { adapterFor } from '../src/vendors/registry.ts';
import { withRunName } from '../src/conformance/client-layers/run-label-layer.ts';

// A request the documents call valid is accepted, and the answer matches the documented success schema
// inside a well-formed envelope (request id present and well-formed, the answer format asked for, documented
// status), on each of the target's wires (each documented signature and answer format: session.wires).
const OPERATIONS = ['createSnapshot', 'createSnapshotGroup', 'describeSnapshots', 'describeSnapshotGroups', 'describeDisks'];

describeEachTarget((target, session) => {
  const spec = specOf(target.vendor);
  const adapter = adapterFor(target.vendor);
  const cases = spec.actions.filter((a) => OPERATIONS.includes(a.canonical)).flatMap((action) => session.wires.map((wire) => ({ action, wire })));
  for (const { action, wire } of cases) {
    const on = session.onWire(action.action, wire);
    test(`should accept a valid ${action.action} and answer with the documented schema${on.title}`, async (context) => {
      const { task } = context;
      record(task, {
        ruleId: 'request.valid-accepted',
        caseId: on.caseId,
        vendor: target.vendor,
        target: target.name,
        expectation: { text: `${action.action} accepts a valid request; the answer matches the success schema and the envelope rules`, source: action.source },
        ...on.record,
      });
      const valid = target.fixtures && adapter?.validRequest(action.action, target.fixtures);
      if (session.unavailable || !session.client || !valid) skipBecause(context, session.unavailable ?? 'no fixture for a valid request');
      const params = withRunName(adapter!, spec, action.action, valid!, session.label);
      const unlabelled = MUTATING.has(action.canonical) ? session.unlabelled(action.action, params!) : undefined;
      if (unlabelled) skipBecause(context, unlabelled);
      if (MUTATING.has(action.canonical) && session.readOnly) skipBecause(context, session.readOnly);
      const unsendable = session.driver?.cannotSend(action.action, params!);
      if (unsendable) skipBecause(context, unsendable);
      record(task, { counterexample: params });
      const result = await session.client!.call(action.action, params!, wire ? { wire } : {});
      observe(task, result);
      // The request-id shape is inferred where the documents give only examples (x-envelope.requestIdInferred).
      const shapeInferred = spec.envelope.requestIdInferred === true;
      expectNone(task, result.findings.filter((f) => !(shapeInferred && f.kind === 'malformed-request-id')).map((f) => `${f.kind}: ${f.detail}`), 'the answer\'s envelope', result);
      expect(result.ok, `refused with ${result.error?.code}: ${result.error?.message}`).toBe(true);
      if (shapeInferred) {
        await inferredCheck(task, `the request-id pattern ${spec.envelope.requestIdPattern} is inferred from the documents' examples (x-envelope.requestIdInferred)`, () => {
          expectNone(task, result.findings.map((f) => `${f.kind}: ${f.detail}`), 'the answer\'s envelope', result);
        });
      }
      const success = action.responses.get(200);
      if (success && !success.validate(result.body)) {
        // Errors of the error branch (a Tencent answer is oneOf success or error) say nothing about a success.
        const errors = (success.validate.errors ?? []).filter((e) => e.keyword !== 'oneOf' && !/\/schemas\/ErrorResponse\//.test(e.schemaPath));
        const message = `the answer does not match the documented schema: ${errors.map((e) => `${e.instancePath} ${e.message}`).join('; ')}`;
        // A mismatch only with what the spec marks inferred (x-inferred: a guessed type or pattern) is undocumented.
        const notes = errors.map((e) => spec.inferredAlong(e.schemaPath, success.schema));
        if (errors.length > 0 && notes.every((n) => n !== undefined)) {
          await inferredCheck(task, `only inferred parts of the schema do not match: ${[...new Set(notes)].join('; ')}`, () => expect.fail(message));
        }
        expect.fail(message);
      }
    });
  }
});
