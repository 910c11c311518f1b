import { describe, test } from 'vitest';
import { carriesStringsOnly, invalidCases, minimalValidRequest, unknownParameterUndocumented, type InvalidCase } from '../src/conformance/invalid-cases.ts';
import { describeError, observe, record, skipBecause } from '../src/conformance/rule-meta.ts';
import { ruleSelected } from '../src/conformance/rule-catalogue.ts';
import { describeEachTarget, MUTATING, specOf } from '../src/conformance/session.ts';
import { spreadWire } from '../src/conformance/wires.ts';
import { citeSource, variantLabel, type VendorSpec } from '../src/spec/vendor-spec.ts';
import { adapterFor } from '../src/vendors/registry.ts';
import { expectRefusedWith } from '../properties/support/checks.ts';
import { withRunName } from '../src/conformance/client-layers/run-label-layer.ts';

/**
 * Why the refusal a case expects is itself not documented, or undefined when it is: the broken constraint is
 * one the spec marks inferred (`x-inferred`), or the case is an unknown parameter (one the schema does not
 * define or, on a wire of flattened names, a scalar where only names like `Tag.1.Key` exist) on a service
 * whose documents do not say unknown parameters are refused.
 */
function refusalUndocumented(spec: VendorSpec, c: InvalidCase, contentType: string): string | undefined {
  if (c.inferredConstraint) return `the \`${c.keyword}\` constraint of ${c.path} is inferred: ${c.inferredConstraint}`;
  const unknown = c.keyword === 'additionalProperties' || c.unknownOnWire ? unknownParameterUndocumented(spec.validationErrors) : undefined;
  if (!unknown) return undefined;
  return c.unknownOnWire ? `on the ${contentType} wire ${c.path} travels as a parameter name the service does not define; ${unknown}` : unknown;
}

// Generated from each spec: for every action, every request that breaks exactly one constraint keyword of
// one parameter must be refused with the error the documents name for it, with the documented HTTP status.
// The cases are spread over the target's wires (session.wires: each documented signature and answer format),
// one wire each by its index among all the target's cases, so that choosing wires never multiplies them.
describeEachTarget((target, session) => {
  const spec = specOf(target.vendor);
  const adapter = adapterFor(target.vendor);
  let total = 0;
  for (const action of spec.actions) {
    const mutating = MUTATING.has(action.canonical);
    const base = target.fixtures && adapter?.validRequest(action.action, target.fixtures);
    const valid = (base && withRunName(adapter!, spec, action.action, base, session.label))
      ?? minimalValidRequest(action.resolvedRequestSchema, action.validateRequest);
    const cases = valid
      ? invalidCases(action.resolvedRequestSchema, valid as never, action.validateRequest, { stringsOnly: carriesStringsOnly(action.contentType) })
      : [];
    const first = total;
    total += cases.length;
    if (cases.length === 0) continue;
    describe(action.action, () => {
      for (const [i, c] of cases.entries()) {
        if (!ruleSelected(`request.invalid-${c.keyword}`)) continue;
        // By the index among every case (selected or not): a --rules selection keeps each case's wire.
        const wire = spreadWire(session.wires, first + i);
        const on = session.onWire(`${action.action}.${c.path}`, wire);
        const expected = spec.errorForKeyword(action.action, c.path.split('.'), c.keyword);
        const refusalInferred = refusalUndocumented(spec, c, action.contentType);
        const title = `should refuse ${c.description} with ${expected ? describeError(expected) : 'an error'}${on.title}`;
        test(title, async (context) => {
          const { task } = context;
          const refusal = `refuses a request whose ${c.path} breaks \`${c.keyword}\` with ${expected ? describeError(expected) : 'an error'}`;
          const accepted = c.validUnder.map((v) => `accepts it (${c.keyword} ${JSON.stringify(v.value)}: ${citeSource(v.source)})`);
          record(task, {
            ruleId: `request.invalid-${c.keyword}`,
            caseId: `${action.action}.${c.path}`,
            vendor: target.vendor,
            target: target.name,
            expectation: {
              text: `${action.action} ${[refusal, ...accepted].join(', or ')}${refusalInferred ? ` (not documented: ${refusalInferred})` : ''}`,
              source: action.source,
              inferred: Boolean(expected?.inferred || refusalInferred),
            },
            counterexample: c.request,
            // The case id stays the case's own: each case runs on one wire, which the record names.
            ...on.record,
          });
          if (session.unavailable || !session.client) skipBecause(context, session.unavailable ?? 'no client');
          // A refused create is still a create request: a read-only target never receives one.
          if (mutating && session.readOnly) skipBecause(context, session.readOnly);
          const unsendable = session.driver?.cannotSend(action.action, c.request, c.path);
          if (unsendable) skipBecause(context, unsendable);
          // Should the service accept the invalid create after all, what it made must be findable and deletable.
          const unlabelled = mutating ? session.unlabelled(action.action, c.request) : undefined;
          if (unlabelled) skipBecause(context, unlabelled);
          const result = await session.client!.call(action.action, c.request, wire ? { wire } : {});
          observe(task, result);
          // Another page allows the value (x-variants): accepting it follows that page, refusing it the schema's.
          if (c.validUnder.length > 0) {
            if (result.ok) {
              record(task, { variantSeen: variantLabel(`${c.path} accepted: ${c.keyword} ${JSON.stringify(c.validUnder[0]!.value)}`, c.validUnder[0]!) });
              return;
            }
            if (c.stated) record(task, { variantSeen: variantLabel(`${c.path} refused: ${c.keyword} ${JSON.stringify(c.stated.value)}`, c.stated) });
          }
          // "CreateSnapshot without DiskId", "… with an unknown parameter X", "… with Name = 129 characters (maximum 128)".
          const what = `${action.action} ${/^with(out)? /.test(c.description) ? c.description : `with ${c.description}`}`;
          await expectRefusedWith(task, result, expected ? [expected] : [], what, refusalInferred ? { refusalInferred } : {});
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
