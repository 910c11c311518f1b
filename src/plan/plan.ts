/**
 * A plan: what a run will create on each target that is not an embedded emulator, and how long it must take,
 * read from a rehearsal (the same run, each such target played by an embedded emulator seeded with its
 * fixture disks: `src/cli/plan.ts`). The rules decide what to create exactly as they would on the endpoint,
 * so the plan counts what the code does rather than a model of it that could drift. Pure functions.
 */
import { possiblyCreated, type LedgerEntry } from '../conformance/ledger.ts';

/** The default expected creation time of a real endpoint's snapshot, for the estimate: a minute. */
export const DEFAULT_EXPECTED_CREATION_SECONDS = 60;

/** What a run will do on one target. */
export interface TargetPlan {
  target: string;
  vendor: string;
  /** The target's budget (`maxSnapshots`). */
  budget: number;
  /** Creates the run will send (each a resource the budget counts if the service accepts it). */
  creates: number;
  /** Of those, the resources the rehearsal's service accepted: what the budget is checked against. */
  created: number;
  /** Creates by rule. */
  byRule: Record<string, number>;
  /** Creates by disk (a group create counts for each of its disks). */
  byDisk: Record<string, number>;
  /** The most snapshots of the run alive at once. */
  peakLive: number;
  /** Requests by action, retries left out. */
  calls: Record<string, number>;
  /** The expected creation time the estimate uses (target file `expectedCreationSeconds`). */
  creationMs: number;
  /** The shortest the run can take here: the longer of the busiest disk's creations one after another and the busiest action's requests at its rate limit. */
  lowerBoundMs: number;
  /** What sets the bound: `disk <id>` or `action <name> at <n>/s`. */
  limitedBy: string;
  /** Whether the budget covers what the run creates. */
  withinBudget: boolean;
}

/** The inputs of {@link planTarget}: the rehearsal's records for one target. */
export interface PlanInputs {
  target: string;
  vendor: string;
  budget: number;
  /** The rehearsal's ledger lines of this target. */
  ledger: LedgerEntry[];
  /** The actions of the rehearsal's exchanges of this target, one per exchange. */
  actions: string[];
  peakLive: number;
  creationMs: number;
  /** Requests per second by action, as the run will pace them (documented, capped by the target, shared by shards). */
  rateOf: (action: string) => number | undefined;
}

/** Reads one target's plan from its rehearsal. */
export function planTarget(inputs: PlanInputs): TargetPlan {
  const sending = inputs.ledger.filter((e) => e.state === 'sending');
  const byRule: Record<string, number> = {};
  const byDisk: Record<string, number> = {};
  for (const line of sending) {
    const rule = line.rule ?? '(no rule)';
    byRule[rule] = (byRule[rule] ?? 0) + 1;
    for (const disk of line.disks ?? []) byDisk[disk] = (byDisk[disk] ?? 0) + 1;
  }
  const calls: Record<string, number> = {};
  for (const action of inputs.actions) calls[action] = (calls[action] ?? 0) + 1;
  // Creations on one disk follow one another (one in flight per disk); disks proceed side by side.
  const [busiestDisk, diskCreates] = Object.entries(byDisk).sort((a, b) => b[1] - a[1])[0] ?? ['', 0];
  const diskMs = diskCreates * inputs.creationMs;
  let actionMs = 0;
  let limitingAction = '';
  for (const [action, count] of Object.entries(calls)) {
    const rate = inputs.rateOf(action);
    if (!rate) continue;
    const ms = (count / rate) * 1000;
    if (ms > actionMs) {
      actionMs = ms;
      limitingAction = `action ${action} at ${rate}/s`;
    }
  }
  const created = possiblyCreated(inputs.ledger).length;
  return {
    target: inputs.target,
    vendor: inputs.vendor,
    budget: inputs.budget,
    creates: sending.length,
    created,
    byRule,
    byDisk,
    peakLive: inputs.peakLive,
    calls,
    creationMs: inputs.creationMs,
    lowerBoundMs: Math.max(diskMs, actionMs),
    limitedBy: diskMs >= actionMs ? (busiestDisk ? `disk ${busiestDisk} (${diskCreates} creations)` : 'nothing') : limitingAction,
    withinBudget: created <= inputs.budget,
  };
}

/** The plan as lines for a person: one block per target. */
export function planText(plans: TargetPlan[]): string {
  const lines: string[] = [];
  for (const p of plans) {
    lines.push(`${p.target} (${p.vendor}): ${p.created} snapshot${p.created === 1 ? '' : 's'} created of ${p.creates} creates sent; budget ${p.budget === Number.MAX_SAFE_INTEGER ? 'unlimited' : p.budget} — ${p.withinBudget ? 'covered' : 'EXCEEDED'}`);
    lines.push(`  peak live snapshots ${p.peakLive}; at least ${seconds(p.lowerBoundMs)} at ${seconds(p.creationMs)} per snapshot, set by ${p.limitedBy}`);
    const rules = Object.entries(p.byRule).sort((a, b) => b[1] - a[1]);
    if (rules.length > 0) lines.push(`  by rule: ${rules.map(([r, n]) => `${r} ${n}`).join(', ')}`);
    const disks = Object.entries(p.byDisk).sort((a, b) => b[1] - a[1]);
    if (disks.length > 0) lines.push(`  by disk: ${disks.map(([d, n]) => `${d} ${n}`).join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}

function seconds(ms: number): string {
  return ms >= 120_000 ? `${(ms / 60_000).toFixed(1)} min` : `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}
