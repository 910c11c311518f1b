import type { RuleRecord } from '../src/conformance/rule-meta.ts';
import type { RuleSummary } from './rule-summaries.ts';

/**
 * The shape of `conformance.json` (schema version 2), described for machines by `conformance.schema.json`
 * beside this file. Every renderer (Markdown, HTML, JUnit) reads only this shape.
 */

/**
 * How one rule × target ended. `fail` is reserved for behaviour that contradicts what a vendor document
 * states; `undocumented` is an assertion that failed on an expectation the documents do not state (inferred,
 * or where they are silent: the entry's `undocumented` says why), which shows what the service did without
 * failing the run unless `--fail-on inferred`. `known` and `fixed` come from a baseline: `known` is a
 * deviation (or undocumented case) the baseline documents and accepts, `fixed` a deviation the baseline lists
 * that this run no longer saw.
 */
export type Outcome = 'pass' | 'fail' | 'skip' | 'error' | 'undocumented' | 'known' | 'fixed';

/** Every outcome, worst first: the order renderers list and colour them in. */
export const OUTCOMES: readonly Outcome[] = ['fail', 'error', 'undocumented', 'known', 'fixed', 'pass', 'skip'];

/** A shape for each outcome, beside its colour (for readers who cannot tell the colours apart) or alone in a terminal. */
export const OUTCOME_SYMBOL: Readonly<Record<Outcome, string>> = { pass: '✓', fail: '✗', error: '!', skip: '–', undocumented: '?', known: '≈', fixed: '↑' };

/** The version of the report's shape; bumped whenever a field changes meaning or a required field is added. */
export const SCHEMA_VERSION = 2;

/**
 * Why the baseline marked an entry `known` or `fixed` (src/report/baseline.ts). A `fail` or `undocumented` entry
 * carries one too when only an expired baseline entry matched it: it names the entry that no longer excuses it.
 */
export interface BaselineNote {
  /** The baseline's reason for accepting the deviation. */
  reason: string;
  /** Where the baseline entry lives: the file and the entry, e.g. `ci/baseline.yaml, deviations[2]`. */
  source?: string;
  /** The baseline entry's link (an issue, a ticket). */
  link?: string;
  /** The baseline entry's expiry date, as the file writes it. */
  expires?: string;
  /** True when the entry is past its expiry: it excuses nothing any more. */
  expired?: boolean;
}

/** One entry of the report: one rule × target × case. */
export interface ReportEntry extends RuleRecord {
  title: string;
  outcome: Outcome;
  /** The assertion or error message, for fail, undocumented and error. */
  message?: string;
  durationMs: number;
  /** The command that replays this entry's property run (fail, undocumented and error entries with a seed; kept when a baseline makes one `known`). */
  replay?: string;
  /** Set with the `known` and `fixed` outcomes. */
  baseline?: BaselineNote;
}

/**
 * The options that shaped a run, as `snapconform run` was given them (`src/cli/run-options.ts` records them): what
 * a replay of one of its findings passes again, and what two runs to compare may differ in. Files are named as
 * the user named them, relative to the directory the run started in, never as this machine resolved them. The
 * seed is the run's `seed`, the SDK's version the run's `driver`.
 */
export interface RunOptionsRecord {
  /** The target files (`--target`), in order; absent: snapconform's default, the embedded emulators. */
  targets?: string[];
  /** The factor on the property runs (`--runs`). */
  runs?: number;
  /** The rule patterns the run was limited to (`--rules`), as given. */
  rules?: string;
  /** The vendors whose targets ran (`--vendor`, or the driver's). */
  vendors?: string[];
  /** The deviations the embedded emulators played (`--emulator-deviation`). */
  emulatorDeviations?: string[];
  /** Every target allowed to create and delete (`--allow-mutations`). */
  allowMutations?: true;
  /** The SDK driver every operation went through (`--driver`). */
  driver?: string;
  /** Where the driver's SDK was resolved from (`--driver-path`), as given. */
  driverPath?: string;
}

/** A target of the run as its target file names it (credentials are never copied). */
export interface ReportTarget {
  name: string;
  vendor: string;
  /** `emulator`, or the endpoint's base URL. */
  endpoint: string;
  region: string;
  /** The target file that names the target, when the run read several (`--target` repeated). */
  file?: string;
  /** The deviations its embedded emulator made on purpose (`deviations:` in the target file). */
  deviations?: string[];
}

/** The spec a vendor's expectations were read from. */
export interface ReportSpec {
  vendor: string;
  /** The API version the spec describes (`x-protocol.version`), e.g. `2017-03-12`. */
  apiVersion: string;
  /** The document's own `info.version`. */
  documentVersion: string;
  /** The spec file, relative to the project root. */
  file: string;
  /** The documents a source reference's `doc` names: title and, where published, the URL. */
  sources: Record<string, { title: string; url?: string }>;
}

/** How much of one kind of documented item the run exercised. */
export interface CoverageDimension {
  documented: number;
  exercised: number;
  /** The documented items no rule of the run exercised and a run could have (not `unprovokable`), sorted. */
  notExercised: string[];
  /**
   * Error codes only: the documented codes the run did not see that no request or fixture can bring about,
   * each with why (the spec's `x-unprovokable-errors`), sorted by code.
   */
  unprovokable?: Array<{ code: string; why: string }>;
}

/** A vendor's spec coverage: see `reporters/coverage.ts` for what counts as documented and as exercised. */
export interface VendorCoverage {
  vendor: string;
  errorCodes: CoverageDimension;
  parameters: CoverageDimension;
  constraints: CoverageDimension;
}

/** Test time summed per target and per area. Files run in parallel, so the sums exceed the wall-clock time. */
export interface Timings {
  byTarget: Record<string, number>;
  byArea: Record<string, number>;
  /** The ten slowest entries. */
  slowest: Array<{ ruleId: string; caseId: string; target: string; durationMs: number }>;
}

/** The whole report, as `conformance.json` holds it. */
export interface ConformanceReport {
  schemaVersion: typeof SCHEMA_VERSION;
  tool: { name: 'snapconform'; version: string };
  run: {
    id: string;
    startedAt: string;
    finishedAt: string;
    durationMs: number;
    /** vitest's reason: `passed`, `failed` or `interrupted`. */
    reason: string;
    /** True when the run did not finish (interrupted): the entries are only those that ran. */
    partial: boolean;
    /**
     * The run's seed: `--seed`, or the one snapconform drew when none was given (older reports record only a given
     * one); each property entry records the seed it ran with.
     */
    seed?: number;
    /** The options that shaped the run, as given: what `snapconform replay` passes again. Absent in older reports. */
    options?: RunOptionsRecord;
    /** The target file the run read; with several (`--target` repeated), the first, and each target names its own. */
    targetFile?: string;
    /** The slice of the rule files this run ran (`--shard i/n`); `snapconform report --merge` joins the slices. */
    shard?: { index: number; count: number };
    /** The SDK the run sent every operation through (`--driver`), and the version it resolved. */
    driver?: { id: string; package: string; version?: string; path: string };
  };
  targets: ReportTarget[];
  specs: ReportSpec[];
  /** Entries per outcome. Reports written before `undocumented` existed lack that count: `read-report.ts` reads it as 0. */
  summary: Record<Outcome, number> & { total: number };
  timings: Timings;
  coverage: VendorCoverage[];
  results: ReportEntry[];
  /** The catalogue's one-line summary of each rule the results name (`reporters/rule-summaries.ts`); absent in reports written before it was added. */
  rules?: Record<string, RuleSummary>;
  /**
   * What the end-of-run cleanup did on each real target (src/conformance/cleanup.ts); absent when the run had
   * no real target. Anything left behind or unconfirmed makes the CLI exit 3.
   */
  cleanup?: TargetCleanup[];
  /** The plan a mutating run on URL targets was checked against (`snapconform plan`), beside what it did. */
  plan?: PlanComparison[];
}

/** One target's plan beside what the run did there (creates as the ledger counts them). */
export interface PlanComparison {
  target: string;
  budget: number;
  peakLive: number;
  /** The shortest the run could take there, and what sets it (src/plan/plan.ts). */
  lowerBoundMs: number;
  limitedBy: string;
  /** Creates sent, and resources possibly created (what the budget counts). */
  planned: { creates: number; created: number };
  actual: { creates: number; created: number };
  /** Creates sent by rule. */
  byRule: Record<string, { planned: number; actual: number }>;
}

/** A resource the cleanup did not delete, and why. */
export interface CleanupNote {
  /** The resource's id; for a create whose id was never learnt, its name. */
  id: string;
  reason: string;
}

/** What the end-of-run cleanup did on one real target. */
export interface TargetCleanup {
  target: string;
  /** Deleted by the cleanup, confirmed by a describe. */
  deleted: string[];
  /** Already gone (deleted by the rule that made it), or refused by the service as not found. */
  gone: string[];
  /** Still there: the delete failed, or the resource was left alone for lack of the run's label. */
  leftBehind: CleanupNote[];
  /** Not deleted because the cleanup could not tell whether it is the run's (a describe failed, an unknown outcome). */
  unconfirmed: CleanupNote[];
  /** Not deleted because an open retention obligation needs it: `snapconform obligations check` deletes it later. Absent when none. */
  kept?: CleanupNote[];
}

/** The area of a rule: the first segment of its id (`request`, `envelope`, `auth`, `snapshot`, …). */
export function areaOf(ruleId: string): string {
  return ruleId.split('.')[0] ?? ruleId;
}
