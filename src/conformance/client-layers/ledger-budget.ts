import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { VendorSpec } from '../../spec/vendor-spec.ts';
import type { CallResult } from '../../transport/call-result.ts';
import type { VendorAdapter } from '../../vendors/vendor-adapter.ts';
import { possiblyCreated, type Ledger, type LedgerEntry } from '../ledger.ts';
import type { TargetInfo } from '../target.ts';
import { ruleOfFile } from '../rule-catalogue.ts';
import { disksOf } from './in-flight.ts';
import type { Layer } from './layer.ts';

/** The test file running now, when a vitest test is running (the ledger says which rule created what). */
function testFile(): string | undefined {
  try {
    return expect.getState().testPath;
  } catch {
    return undefined;
  }
}

/** A create would go past the target's `maxSnapshots`; nothing was sent. */
export class BudgetExceededError extends Error {
  override readonly name = 'BudgetExceededError';
}

/** The id a successful create answered with (snapshot or group), for the ledger. */
export function createdId(adapter: VendorAdapter, result: CallResult): string | undefined {
  return adapter.canonical.createSnapshot?.snapshotId(result) ?? adapter.canonical.createSnapshotGroup?.groupId(result);
}

/**
 * Writes every create to the ledger before it is sent (a write failure stops it: `LedgerWriteError`) and its
 * outcome after, and refuses a create past the target's budget (`maxSnapshots`). Without a ledger (an
 * embedded emulator, whose world ends with the run) the layer passes calls through.
 */
export function ledgerBudget(info: TargetInfo, spec: VendorSpec, adapter: VendorAdapter, ledger: Ledger | undefined): Layer {
  return (next) => async (action, params, options) => {
    const canonical = spec.action(action).canonical;
    if (!ledger || (canonical !== 'createSnapshot' && canonical !== 'createSnapshotGroup')) return next(action, params, options);
    const runId = info.runId ?? 'unknown-run';
    const budget = info.maxSnapshots ?? Number.MAX_SAFE_INTEGER;
    const made = budget < Number.MAX_SAFE_INTEGER ? possiblyCreated(ledger.entries().filter((e) => e.target === info.name && e.runId === runId)).length : 0;
    // A plan's rehearsal counts what the run would create past the budget instead of stopping there.
    if (made >= budget && !info.rehearsal) throw new BudgetExceededError(`${info.name}: the run has created ${made} resources, its budget (maxSnapshots: ${info.maxSnapshots})`);
    const key = randomUUID();
    const nameParameter = canonical === 'createSnapshot' ? adapter.canonical.createSnapshot?.nameParameter : adapter.canonical.createSnapshotGroup?.nameParameter;
    const name = nameParameter ? params[nameParameter] : undefined;
    const line = (state: LedgerEntry['state'], extra: Partial<LedgerEntry> = {}): LedgerEntry => ({ runId, target: info.name, vendor: info.vendor, action, at: new Date().toISOString(), state, key, ...extra });
    const disks = disksOf(adapter, spec, action, params);
    const rule = testFile();
    ledger.append(line('sending', { ...(typeof name === 'string' ? { name } : {}), ...(disks.length > 0 ? { disks } : {}), ...(rule ? { rule: ruleOfFile(rule) } : {}) }));
    let result: CallResult;
    try {
      result = await next(action, params, options);
    } catch (error) {
      ledger.append(line('unknown'));
      throw error;
    }
    const id = createdId(adapter, result);
    ledger.append(line(result.ok ? 'created' : 'refused', id ? { resourceId: id } : {}));
    return result;
  };
}
