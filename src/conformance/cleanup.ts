import { loadSpec } from '../spec/load-spec.ts';
import { HttpTransport } from '../transport/http-transport.ts';
import { adapterFor } from '../vendors/registry.ts';
import { possiblyCreated, type LedgerEntry } from './ledger.ts';
import { politeClient } from './session.ts';
import type { TargetInfo } from './target.ts';

/** What a cleanup did, for a one-line summary. */
export interface CleanupResult {
  deleted: string[];
  /** Ids that could not be deleted, with the vendor's answer. */
  failed: Array<{ id: string; reason: string }>;
  /** Creates whose outcome is unknown and whose id was never learnt: listed by name for a person to check. */
  unknown: string[];
}

// Tencent ResourceUnavailable.SnapshotCreating / ResourceBusy, Alibaba Operation.Conflict, Zenlayer
// OPERATION_DENIED_DISK_SNAPSHOT_STATUS: the refusals that mean "try again once creation has finished".
const BUSY = /Creating|Busy|Conflict|SNAPSHOT_STATUS/i;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Deletes what the ledger says the suite created on a target, and nothing else: only ids the service itself
 * returned to a create of this tool. A snapshot still being created is retried for up to `waitMs` (vendors
 * refuse to delete one), then reported.
 */
export async function cleanUp(target: TargetInfo, entries: LedgerEntry[], options: { waitMs?: number } = {}): Promise<CleanupResult> {
  const adapter = adapterFor(target.vendor);
  const result: CleanupResult = { deleted: [], failed: [], unknown: [] };
  const mine = possiblyCreated(entries.filter((e) => e.target === target.name));
  if (!adapter?.canonical.deleteSnapshot || mine.length === 0) return result;
  const spec = loadSpec(adapter.specFile);
  const transport = new HttpTransport();
  // The sweep is the user's explicit request to delete: allowed even where rules may not create.
  const client = politeClient({ ...target, allowMutations: true }, spec, adapter, adapter.createClient(target, spec, transport));
  // A group is deleted as a group (its members with it); anything else is a snapshot.
  const groupCreate = spec.forCanonical('createSnapshotGroup')?.action;
  const deletion = (created: { action: string; resourceId: string }) =>
    created.action === groupCreate && adapter.canonical.deleteSnapshotGroup
      ? { action: spec.forCanonical('deleteSnapshotGroup')!.action, params: adapter.canonical.deleteSnapshotGroup.params(created.resourceId, target.region) }
      : { action: spec.forCanonical('deleteSnapshots')!.action, params: adapter.canonical.deleteSnapshot!.params(created.resourceId, target.region) };
  const deadline = Date.now() + (options.waitMs ?? 120_000);
  try {
    for (const created of mine) {
      if (!created.resourceId) {
        result.unknown.push(created.name ?? `(unnamed, key ${created.key})`);
        continue;
      }
      for (let attempt = 0; ; attempt++) {
        const { action, params } = deletion({ action: created.action, resourceId: created.resourceId });
        const answer = await client.call(action, params);
        if (answer.ok) {
          result.deleted.push(created.resourceId);
          break;
        }
        // Only "still busy" is worth waiting for (a snapshot being created cannot be deleted); anything else is final.
        if (!BUSY.test(answer.error?.code ?? '') || Date.now() > deadline || attempt > 60) {
          result.failed.push({ id: created.resourceId, reason: answer.error?.code ?? `HTTP ${answer.httpStatus}` });
          break;
        }
        await sleep(2000);
      }
    }
  } finally {
    await transport.close();
  }
  return result;
}
