import { byRuleTargetCase, isPartial, summaryOf, timingsOf } from '../../reporters/build-report.ts';
import { ruleSummaries } from '../../reporters/rule-summaries.ts';
import type { ConformanceReport, CoverageDimension, ReportEntry, ReportSpec, ReportTarget, VendorCoverage } from '../../reporters/report-types.ts';

/** Reports that cannot be merged into one: one line naming the report and the conflict. */
export class MergeError extends Error {
  override readonly name = 'MergeError';
}

/** A report to merge, with where it came from (for messages). */
export interface MergeInput {
  source: string;
  report: ConformanceReport;
}

const keyOf = (e: Pick<ReportEntry, 'ruleId' | 'target' | 'caseId'>) => `${e.ruleId} on ${e.target} (${e.caseId})`;

/** The one value every report has for a field, or undefined when they differ or lack it. */
function common<T>(values: ReadonlyArray<T | undefined>): T | undefined {
  const [first] = values;
  return values.every((v) => v !== undefined && JSON.stringify(v) === JSON.stringify(first)) ? first : undefined;
}

/** Joins lists of named things; the same name must describe the same thing in every report. */
function union<T>(inputs: ReadonlyArray<MergeInput>, list: (r: ConformanceReport) => T[], name: (t: T) => string, what: string): T[] {
  const seen = new Map<string, { item: T; source: string }>();
  for (const { source, report } of inputs) {
    for (const item of list(report)) {
      const before = seen.get(name(item));
      if (!before) seen.set(name(item), { item, source });
      else if (JSON.stringify(before.item) !== JSON.stringify(item)) {
        throw new MergeError(`${source}: ${what} ${name(item)} is ${JSON.stringify(item)}, but ${JSON.stringify(before.item)} in ${before.source}; merge reports of one run`);
      }
    }
  }
  return [...seen.values()].map((v) => v.item);
}

/** A documented item is exercised when any report exercised it: not exercised is what none did. */
function mergeDimension(dimensions: ReadonlyArray<CoverageDimension>): CoverageDimension {
  const documented = Math.max(...dimensions.map((d) => d.documented));
  const notExercised = dimensions.slice(1).reduce((left, d) => left.filter((item) => d.notExercised.includes(item)), dimensions[0]!.notExercised).slice().sort();
  if (!dimensions.some((d) => d.unprovokable)) return { documented, exercised: documented - notExercised.length, notExercised };
  // An unprovokable code some shard saw after all (an endpoint's InternalError) is exercised.
  const unprovokable = dimensions.slice(1).reduce((left, d) => left.filter((u) => d.unprovokable?.some((v) => v.code === u.code)), dimensions[0]!.unprovokable ?? []);
  return { documented, exercised: documented - notExercised.length - unprovokable.length, notExercised, unprovokable };
}

function mergeCoverage(inputs: ReadonlyArray<MergeInput>): VendorCoverage[] {
  const vendors = [...new Set(inputs.flatMap((i) => i.report.coverage.map((c) => c.vendor)))];
  return vendors.map((vendor) => {
    const of = inputs.flatMap((i) => i.report.coverage.filter((c) => c.vendor === vendor));
    return { vendor, errorCodes: mergeDimension(of.map((c) => c.errorCodes)), parameters: mergeDimension(of.map((c) => c.parameters)), constraints: mergeDimension(of.map((c) => c.constraints)) };
  });
}

/**
 * Why the merged run is incomplete: shards that are missing, or reports of runs that ended early. Shards
 * must be of one split (one count, each index once); a report without a shard is a whole run of its own
 * targets, e.g. one vendor's job.
 * @throws {@link MergeError}
 */
function incompleteness(inputs: ReadonlyArray<MergeInput>): string[] {
  const sharded = inputs.filter((i) => i.report.run.shard !== undefined);
  const problems = inputs.filter((i) => i.report.run.partial).map((i) => `${i.source} ended early (${i.report.run.reason})`);
  if (sharded.length === 0) return problems;
  const whole = inputs.find((i) => i.report.run.shard === undefined);
  if (whole) throw new MergeError(`${whole.source}: not a shard, but ${sharded[0]!.source} is; merge the shards of one run`);
  const count = sharded[0]!.report.run.shard!.count;
  const seen = new Map<number, string>();
  for (const { source, report } of sharded) {
    const shard = report.run.shard!;
    if (shard.count !== count) throw new MergeError(`${source}: shard ${shard.index}/${shard.count}, but ${sharded[0]!.source} is one of ${count}; merge the shards of one split`);
    const twice = seen.get(shard.index);
    if (twice) throw new MergeError(`${source}: shard ${shard.index}/${count} is also ${twice}`);
    seen.set(shard.index, source);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !seen.has(i));
  return [...problems, ...missing.map((i) => `shard ${i}/${count} missing`)];
}

/**
 * Merges reports — the shards of one run (`--shard i/n`), or runs of different targets — into one report:
 * results joined (an entry of one rule × target × case may come from one report only), targets, specs and
 * coverage joined, summary and timings recomputed. The merged run spans the inputs' times; it is partial
 * when an input was, or when a shard is missing. Baselines are not touched: apply one afterwards.
 * @throws {@link MergeError}
 */
export function mergeReports(inputs: ReadonlyArray<MergeInput>, id: string): ConformanceReport {
  if (inputs.length === 0) throw new MergeError('no report to merge');
  const version = inputs[0]!.report.tool.version;
  const other = inputs.find((i) => i.report.tool.version !== version);
  if (other) throw new MergeError(`${other.source}: made by snapconform ${other.report.tool.version}, ${inputs[0]!.source} by ${version}; merge reports of one version`);
  const origin = new Map<string, string>();
  const results: ReportEntry[] = [];
  for (const { source, report } of inputs) {
    const keys = new Set<string>();
    for (const entry of report.results) {
      const key = keyOf(entry);
      const before = origin.get(key);
      if (before !== undefined && before !== source) throw new MergeError(`${source}: ${key} is in ${before} too; these are not shards of one run`);
      keys.add(key);
      results.push(entry);
    }
    for (const key of keys) origin.set(key, source);
  }
  results.sort(byRuleTargetCase);
  const missing = incompleteness(inputs);
  const runs = inputs.map((i) => i.report.run);
  const startedAt = runs.map((r) => r.startedAt).sort()[0]!;
  const finishedAt = runs.map((r) => r.finishedAt).sort().at(-1)!;
  const interrupted = runs.some((r) => r.reason === 'interrupted');
  const reason = missing.length > 0 ? (interrupted ? 'interrupted' : `incomplete: ${missing.join('; ')}`) : runs.some((r) => r.reason === 'failed') ? 'failed' : 'passed';
  const seed = common(runs.map((r) => r.seed));
  const targetFile = common(runs.map((r) => r.targetFile));
  // The shards of one run were given the same options: replays of the merged report's findings run with them.
  const options = common(runs.map((r) => r.options));
  return {
    schemaVersion: inputs[0]!.report.schemaVersion,
    tool: { name: 'snapconform', version },
    run: {
      id,
      startedAt,
      finishedAt,
      durationMs: Math.max(0, Date.parse(finishedAt) - Date.parse(startedAt)),
      reason,
      partial: isPartial(reason),
      ...(seed !== undefined ? { seed } : {}),
      ...(targetFile !== undefined ? { targetFile } : {}),
      ...(options !== undefined ? { options } : {}),
    },
    targets: union<ReportTarget>(inputs, (r) => r.targets, (t) => t.name, 'target'),
    specs: union<ReportSpec>(inputs, (r) => r.specs, (s) => s.vendor, 'the spec of'),
    summary: summaryOf(results),
    timings: timingsOf(results),
    coverage: mergeCoverage(inputs),
    results,
    rules: ruleSummaries(results),
    // Each input cleaned up after its own run: every target's cleanup is kept.
    ...(inputs.some((i) => i.report.cleanup) ? { cleanup: inputs.flatMap((i) => i.report.cleanup ?? []) } : {}),
  };
}
