import { loadSpec } from '../spec/load-spec.ts';
import { HttpTransport } from '../transport/http-transport.ts';
import { adapterFor } from '../vendors/registry.ts';
import type { VendorSpec } from '../spec/vendor-spec.ts';
import type { VendorAdapter, VendorClient } from '../vendors/vendor-adapter.ts';
import { possiblyCreated, type LedgerEntry } from './ledger.ts';
import { carriesLabel, runLabel } from './run-label.ts';
import { politeClient } from './session.ts';
import type { TargetInfo } from './target.ts';

/** What a cleanup did, for a one-line summary. */
export interface CleanupResult {
  deleted: string[];
  /** Ids that could not be deleted, with the vendor's answer. */
  failed: Array<{ id: string; reason: string }>;
  /** Creates whose outcome is unknown and whose id was never learnt: listed by name for a person to check. */
  unknown: string[];
  /** Ids in the ledger that the service no longer describes (deleted since): nothing to do. */
  gone: string[];
  /**
   * Ids in the ledger whose resource carries neither the run's name prefix nor its tag: left alone, because
   * the ledger alone is not proof enough to delete something (an edited or mixed-up ledger file).
   */
  notOurs: string[];
}

// Tencent ResourceUnavailable.SnapshotCreating / ResourceBusy, Alibaba Operation.Conflict, Zenlayer
// OPERATION_DENIED_DISK_SNAPSHOT_STATUS: the refusals that mean "try again once creation has finished".
const BUSY = /Creating|Busy|Conflict|SNAPSHOT_STATUS/i;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What marks a resource as a run's: its name and tags. */
type Labelled = { name?: string; tags?: Array<{ key: string; value: string }> };

/**
 * How the service describes a created resource now: its name and tags, `gone` when it no longer has it, or
 * `unknown` when it cannot be described (no describe action bound, or the describe failed).
 */
async function describeCreated(client: VendorClient, spec: VendorSpec, adapter: VendorAdapter, region: string, action: string, id: string): Promise<Labelled | 'gone' | 'unknown'> {
  const { describeSnapshot, describeSnapshotGroup } = adapter.canonical;
  const isGroup = action === spec.forCanonical('createSnapshotGroup')?.action;
  const describeAction = spec.forCanonical(isGroup ? 'describeSnapshotGroups' : 'describeSnapshots')?.action;
  const bound = isGroup ? describeSnapshotGroup : describeSnapshot;
  if (!describeAction || !bound) return 'unknown';
  const answer = await client.call(describeAction, bound.params(id, region));
  if (!answer.ok) return 'unknown';
  return (isGroup ? describeSnapshotGroup!.group(answer) : describeSnapshot!.snapshot(answer)) ?? 'gone';
}

/**
 * Deletes what the ledger says the suite created on a target, and nothing else: only ids the service itself
 * returned to a create of this tool, and of those only resources that carry the creating run's name prefix
 * or tag (`src/conformance/run-label.ts`) when the service can describe them. A snapshot still being created is retried for up to `waitMs` (vendors
 * refuse to delete one), then reported.
 */
export async function cleanUp(target: TargetInfo, entries: LedgerEntry[], options: { waitMs?: number } = {}): Promise<CleanupResult> {
  const adapter = adapterFor(target.vendor);
  const result: CleanupResult = { deleted: [], failed: [], unknown: [], gone: [], notOurs: [] };
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
      // Ledger, then the run's mark on the resource itself: both must say it is ours.
      const seen = await describeCreated(client, spec, adapter, target.region, created.action, created.resourceId);
      if (seen === 'gone') {
        result.gone.push(created.resourceId);
        continue;
      }
      if (seen !== 'unknown' && !carriesLabel(seen, runLabel(created.runId))) {
        result.notOurs.push(created.resourceId);
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
