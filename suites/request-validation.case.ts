import { describe, expect, test } from 'vitest';
import { carriesStringsOnly, invalidCases, minimalValidRequest } from '../src/conformance/invalid-cases.ts';
import { describeError, observe, record, skipBecause } from '../src/conformance/rule-meta.ts';
import { ruleSelected } from '../src/conformance/rule-catalogue.ts';
import { describeEachTarget, MUTATING, specOf } from '../src/conformance/session.ts';
import { adapterFor } from '../src/vendors/registry.ts';

// Generated from each spec: for every action, every request that breaks exactly one constraint keyword of
// one parameter must be refused with the error the documents name for it, with the documented HTTP status.
describeEachTarget((target, session) => {
  const spec = specOf(target.vendor);
  const adapter = adapterFor(target.vendor);
  let total = 0;
  for (const action of spec.actions) {
    const mutating = MUTATING.has(action.canonical);
    const valid = (target.fixtures && adapter?.validRequest(action.action, target.fixtures))
      ?? minimalValidRequest(action.resolvedRequestSchema, action.validateRequest);
    const cases = valid
      ? invalidCases(action.resolvedRequestSchema, valid as never, action.validateRequest, { stringsOnly: carriesStringsOnly(action.contentType) })
      : [];
    total += cases.length;
    if (cases.length === 0) continue;
    describe(action.action, () => {
      for (const c of cases) {
        if (!ruleSelected(`request.invalid-${c.keyword}`)) continue;
        const expected = spec.errorForKeyword(action.action, c.path.split('.'), c.keyword);
        const title = `should refuse ${c.description} with ${expected ? describeError(expected) : 'an error'}`;
        test(title, async (context) => {
          const { task } = context;
          record(task, {
            ruleId: `request.invalid-${c.keyword}`,
            caseId: `${action.action}.${c.path}`,
            vendor: target.vendor,
            target: target.name,
            expectation: {
              text: `${action.action} refuses a request whose ${c.path} breaks \`${c.keyword}\` with ${expected ? describeError(expected) : 'an error'}`,
              source: action.source,
              inferred: expected?.inferred,
            },
            counterexample: c.request,
          });
          if (session.unavailable || !session.client) skipBecause(context, session.unavailable ?? 'no client');
          // A refused create is still a create request: a read-only target never receives one.
          if (mutating && session.readOnly) skipBecause(context, session.readOnly);
          const unsendable = session.driver?.cannotSend(action.action, c.request, c.path);
          if (unsendable) skipBecause(context, unsendable);
          // Should the service accept the invalid create after all, what it made must be findable and deletable.
          const unlabelled = mutating ? session.unlabelled(action.action, c.request) : undefined;
          if (unlabelled) skipBecause(context, unlabelled);
          const result = await session.client!.call(action.action, c.request);
          observe(task, result);
          expect(result.ok, `${action.action} accepted a request that breaks ${c.keyword} on ${c.path}`).toBe(false);
          if (expected) {
            expect([expected.code, ...(expected.alternatives ?? [])], `error code for ${c.keyword} on ${c.path}`).toContain(result.error?.code);
            expect(result.httpStatus, `HTTP status of ${expected.code}`).toBe(expected.status);
          }
        });
      }
    });
  }
  if (total === 0) {
    test('should refuse requests that break a documented constraint', (context) => {
      record(context.task, { ruleId: 'request.invalid-required', caseId: '*', vendor: target.vendor, target: target.name, expectation: { text: 'requests that break a constraint are refused' } });
      skipBecause(context, 'no valid request to start from: the target lists no fixtures');
    });
  }
});
