import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readExchangeRecords } from '../../reporters/exchanges.ts';
import { rehearsalStatsFile } from '../conformance/global-setup.ts';
import { readAllLedgers } from '../conformance/ledger.ts';
import { RUN_ENV } from '../conformance/run-env.ts';
import { rateFor } from '../conformance/client-layers/transport-policy.ts';
import type { TargetEntry } from '../conformance/target-file.ts';
import { loadSpec } from '../spec/load-spec.ts';
import { DEFAULT_EXPECTED_CREATION_SECONDS, planTarget, planText, type TargetPlan } from '../plan/plan.ts';
import { SPEC_FILES } from '../vendors/registry.ts';
import { EXIT, ROOT, warn } from './cli-context.ts';
import { parseRunOptions, type RunOptions } from './run-options.ts';
import { prepareTargets } from './run-targets.ts';
import { executeRun } from './run.ts';

export const PLAN_HELP = `Usage: snapconform plan --target <file> [run options]

Before a run that creates on real accounts: what each selected rule will create on every target that is
not an embedded emulator (creates per rule and per disk, peak live snapshots), the shortest time the run
can take there at the documented rate limits and the target's expectedCreationSeconds (default
${DEFAULT_EXPECTED_CREATION_SECONDS}), and whether maxSnapshots covers it. Nothing is sent to the endpoints: the
same run is rehearsed against embedded emulators seeded with the targets' fixture disks, so the rules
decide exactly as they will (a quotaDisk is counted as holding no snapshots: the run creates fewer if it
holds some). Takes run's options (--rules, --vendor, --seed, --runs, --shard, --allow-mutations,
--rate-share); see snapconform run --help.

snapconform run makes the same plan before a mutating run on a URL target and refuses to start one the
budget does not cover (exit 3); --no-plan skips it.

Exit codes: 0 every budget covers its plan, 2 bad input, 3 a plan exceeds its budget.
`;

/** The targets a plan is about: those whose endpoint is not an embedded emulator, of the run's vendors. */
export function plannedTargets(entries: readonly TargetEntry[], options: Pick<RunOptions, 'vendors' | 'allowMutations'>): TargetEntry[] {
  return entries.filter((e) => e.endpoint !== 'emulator' && (options.vendors.length === 0 || options.vendors.includes(e.vendor)) && (options.allowMutations || e.allowMutations));
}

/**
 * Rehearses a run: the same options, every URL target played by an embedded emulator seeded with its fixture
 * disks (src/conformance/global-setup.ts), into a temporary report folder; returns each planned target's plan.
 */
export async function rehearse(options: RunOptions): Promise<TargetPlan[]> {
  const dir = mkdtempSync(join(tmpdir(), 'snapconform-plan-'));
  const saved = { rehearsal: process.env[RUN_ENV.rehearsal], cwd: process.cwd() };
  process.env[RUN_ENV.rehearsal] = '1';
  try {
    const targets = prepareTargets(options.targets);
    targets.dispose();
    const planned = plannedTargets(targets.entries, options);
    if (planned.length === 0) return [];
    await executeRun({ ...options, reportDir: dir, deviations: [], failOn: 'new', plan: false, ...{ baseline: undefined } }, { quiet: true });
    const ledger = readAllLedgers(dir);
    const exchanges = readExchangeRecords(join(dir, 'latest', 'exchanges.ndjson'));
    const statsFile = rehearsalStatsFile(dir);
    const stats = existsSync(statsFile) ? JSON.parse(readFileSync(statsFile, 'utf8')) as Record<string, { peakSnapshots: number }> : {};
    return planned.map((entry) => {
      const spec = loadSpec(join(ROOT, SPEC_FILES[entry.vendor]));
      return planTarget({
        target: entry.name,
        vendor: entry.vendor,
        budget: entry.maxSnapshots,
        ledger: ledger.filter((e) => e.target === entry.name),
        actions: exchanges.filter((e) => e.target === entry.name).map((e) => e.action),
        peakLive: stats[entry.name]?.peakSnapshots ?? 0,
        creationMs: (entry.expectedCreationSeconds ?? DEFAULT_EXPECTED_CREATION_SECONDS) * 1000,
        rateOf: (action) => rateFor({ rateLimit: entry.rateLimit, emulator: false }, spec, action, options.rateShare),
      });
    });
  } finally {
    if (saved.rehearsal === undefined) delete process.env[RUN_ENV.rehearsal];
    else process.env[RUN_ENV.rehearsal] = saved.rehearsal;
    process.chdir(saved.cwd);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The one line a plan past its budget gets (the run refuses to start: exit 3). */
export function overBudget(plans: readonly TargetPlan[]): string[] {
  return plans.filter((p) => !p.withinBudget).map((p) => {
    const top = Object.entries(p.byRule).sort((a, b) => b[1] - a[1]).slice(0, 3).map(([r, n]) => `${r} ${n}`).join(', ');
    return `${p.target}: the run would create ${p.created} snapshots (${top}), its budget is maxSnapshots: ${p.budget}; raise it, or leave rules out with --rules (snapconform plan shows the whole plan)`;
  });
}

/** `snapconform plan`. */
export async function planCommand(args: string[]): Promise<number> {
  const options = parseRunOptions(args);
  if (!options) {
    process.stdout.write(PLAN_HELP);
    return EXIT.conforms;
  }
  const plans = await rehearse(options);
  if (plans.length === 0) {
    process.stdout.write('snapconform plan: no target the run may create on but the embedded emulators (a URL target needs allowMutations: true or --allow-mutations); nothing to plan\n');
    return EXIT.conforms;
  }
  process.stdout.write(planText(plans));
  const over = overBudget(plans);
  for (const line of over) warn(`plan exceeds the budget: ${line}`);
  return over.length > 0 ? EXIT.safetyAbort : EXIT.conforms;
}
