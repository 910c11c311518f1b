import { test } from 'vitest';
import { describeError, observe, record, skipBecause } from '../src/conformance/rule-meta.ts';
import { describeEachTarget } from '../src/conformance/session.ts';
import { cleanUp, expectRefusedWith, timeoutFor } from './support/checks.ts';

/**
 * A resource group id no account has: the shape of the documents' example (`rg-bp67acfmxazb4p****`), with a
 * body no generated id takes, so a real account cannot hold it.
 */
const NO_SUCH_GROUP = 'rg-snapconform0nosuchgroup';

// A create that names a resource group the account does not have is refused with the documented code (Alibaba
// CreateSnapshot: ResourceGroupId, "Error 404 InvalidResourceGroup.NotFound"). Should the service accept it, the
// snapshot it made carries the run's label and is deleted like any other.
describeEachTarget((target, session) => {
  test('should refuse a create that names a resource group the account does not have', async (context) => {
    const { task } = context;
    const { spec, adapter, client } = session;
    const rule = spec.contract['resource-group-must-exist'];
    const action = spec.forCanonical('createSnapshot');
    record(task, {
      ruleId: 'snapshot.create.resource-group',
      caseId: rule && action ? `${action.action}.${rule.parameter}` : 'createSnapshot',
      vendor: target.vendor,
      target: target.name,
      expectation: rule
        ? { text: `a create naming resource group ${NO_SUCH_GROUP}, which no account has, is refused with ${describeError(rule.error)}`, source: rule.source, inferred: rule.error.inferred }
        : { text: 'no resource groups are documented' },
    });
    const create = adapter?.canonical.createSnapshot;
    const reason = session.unavailable
      ?? (!rule ? `the ${target.vendor} spec documents no resource groups` : undefined)
      ?? (!create || !action ? 'the adapter binds no createSnapshot' : undefined)
      ?? session.readOnly;
    if (reason || !rule || !create || !action || !client) skipBecause(context, reason ?? 'not applicable');
    const disk = await session.disk('snapshot.create.resource-group');
    if (!disk) skipBecause(context, 'no disk fixture (sameInstanceDisks)');
    const params = { ...create.params({ diskId: disk, name: session.name('resource-group') }), [rule.parameter]: NO_SUCH_GROUP };
    const unlabelled = session.unlabelled(action.action, params);
    if (unlabelled) skipBecause(context, unlabelled);
    const result = await client.call(action.action, params);
    observe(task, result);
    const id = result.ok ? create.snapshotId(result) : undefined;
    try {
      await expectRefusedWith(task, result, [rule.error], `a create naming resource group ${NO_SUCH_GROUP}`);
    } finally {
      if (id) await cleanUp(session, target, [id], { emulatorToo: true });
    }
    record(task, { observed: `refused with ${result.error?.code} (HTTP ${result.httpStatus})` });
  }, timeoutFor(target));
});
