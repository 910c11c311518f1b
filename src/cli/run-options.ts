import { isAbsolute, relative, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { RULES, selectRules, type RuleId } from '../conformance/rule-catalogue.ts';
import { DEVIATIONS, Deviations } from '../emulator/deviations/catalogue.ts';
import { FAIL_ON, FAIL_ON_TEXT, type FailOn } from '../report/gate.ts';
import type { VendorId } from '../spec/spec-types.ts';
import type { RunOptionsRecord } from '../../reporters/report-types.ts';
import { DriverNotFoundError, locateSdk } from '../drivers/driver.ts';
import { DRIVERS, driverFor } from '../drivers/registry.ts';
import { SPEC_FILES } from '../vendors/registry.ts';
import { DEFAULT_TARGET_FILE, fail } from './cli-context.ts';
import { EXIT_CODES_HELP } from './help.ts';

/**
 * `snapconform run`'s options: the one place they are declared, described (`run --help`) and checked. An
 * option is added here — to {@link RUN_OPTIONS}, {@link RUN_HELP} and {@link RunOptions} — and used in
 * `run.ts`.
 */

/** A run as the command line asks for it, checked for form (files are read by `run.ts`). */
export interface RunOptions {
  /** Target files, absolute, in the order given; their targets are joined. */
  targets: string[];
  /** Where `<run-id>/`, `latest/` and `ledger/` go, absolute. */
  reportDir: string;
  /** fast-check's seed, as written (an integer). */
  seed?: string;
  /** Factor on the property runs, as written (a positive number). */
  runs?: string;
  /** Emulator deviations to switch on (the project's own tests). */
  deviations: string[];
  allowMutations: boolean;
  /** Only these rules; undefined: all. */
  rules?: RuleId[];
  /** Only the targets of these vendors; empty: all. */
  vendors: VendorId[];
  /** Only this slice of the rule files. */
  shard?: { index: number; count: number };
  /** The baseline file, absolute. */
  baseline?: string;
  failOn: FailOn;
  /** The SDK driver to send through (src/drivers/registry.ts). */
  driver?: string;
  /** Where the driver's SDK is resolved from, absolute. */
  driverPath?: string;
  /** How many runs share each target's rate limits: each paces at 1/n. @defaultValue the shard count, else 1 */
  rateShare: number;
  /** Whether a mutating run on a URL target rehearses first and refuses a plan past the budget. @defaultValue true */
  plan: boolean;
  /** Whether vitest's own output (file by file, failures with code frames) is printed beside snapconform's. */
  verbose: boolean;
  /**
   * What the report records as the user wrote it (see {@link recordOf}): the target files and the driver's path
   * as named (absolute ones inside the working directory made relative to it), the rule patterns unexpanded.
   */
  given: { targets?: string[]; rules?: string; driverPath?: string };
}

const VENDORS = Object.keys(SPEC_FILES) as VendorId[];

/** `parseArgs` options of `snapconform run`. */
export const RUN_OPTIONS = {
  target: { type: 'string', multiple: true, default: [] as string[] },
  'report-dir': { type: 'string', default: 'reports' },
  seed: { type: 'string' },
  runs: { type: 'string' },
  rules: { type: 'string' },
  vendor: { type: 'string', multiple: true, default: [] as string[] },
  shard: { type: 'string' },
  baseline: { type: 'string' },
  'fail-on': { type: 'string', default: 'new' },
  'allow-mutations': { type: 'boolean', default: false },
  'emulator-deviation': { type: 'string', multiple: true, default: [] as string[] },
  driver: { type: 'string' },
  'driver-path': { type: 'string' },
  'rate-share': { type: 'string' },
  'no-plan': { type: 'boolean', default: false },
  verbose: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h' },
} satisfies ParseArgsConfig['options'];

export const RUN_HELP = `Usage: snapconform run [options]

Runs the conformance suite against the targets and writes the report to <report dir>/<run-id>/ and
<report dir>/latest/ (conformance.json, .md, .html, junit.xml, exchanges.ndjson).

Options:
  --target <file>            a target file; repeat to join several (target names must be unique)
                             (default: targets/emulators.yaml, the embedded emulators)
  --report-dir <dir>         where <run-id>/, latest/ and ledger/ go (default: reports)
  --seed <n>                 fast-check seed, to replay a property failure
  --runs <factor>            scale the number of property runs (default 1)
  --rules <patterns>         only these rules: comma-separated ids, * matches anything
                             (e.g. 'snapshot.create.*,auth.wrong-signature')
  --vendor <vendor>          only the targets of this vendor (repeatable or comma-separated):
                             ${VENDORS.join(', ')}
  --shard <i>/<n>            run the i-th of n slices of the rule files (CI parallelism); join the
                             slices' reports with snapconform report --merge. Shards against one account
                             share its rate limits: each paces at 1/n of them
  --rate-share <n>           pace at 1/n of each target's rate limits (default: the shard count, else 1;
                             1 when the shards use different accounts)
  --no-plan                  skip the plan a mutating run on a URL target makes first (snapconform plan):
                             a run past the budget then stops midway instead of refusing to start
  --baseline <file>          known deviations (YAML): fails it lists become known, rules it lists
                             that pass become fixed; an expired entry fails the run
  --fail-on new|any|inferred new (default): exit 1 only for fails and errors the baseline does not
                             excuse; any: known deviations fail the run too; inferred: as new, and
                             undocumented cases (expectations the documents do not state that the
                             service did not meet) fail the run too — otherwise they never do
  --allow-mutations          let rules create and delete on every target (real endpoints default to
                             read-only: only rules that change nothing run)
  --driver <sdk>             send every operation through an official SDK instead of snapconform's client
                             (only that SDK's vendor's targets run): ${Object.keys(DRIVERS).join(', ')}
  --driver-path <dir>        resolve the driver's SDK from <dir>/node_modules (default: the current
                             directory), e.g. the build about to be released
  --emulator-deviation <id>  make the embedded emulators misbehave on purpose (repeatable):
                             ${Object.keys(DEVIATIONS).join(', ')}

  --verbose                  print vitest's own output too (file by file, each failure with its stack and
                             code frame), for debugging a rule

Output: snapconform's own lines. On a terminal one live progress line, then the findings; in CI (CI set,
or output not a terminal) a line at every tenth of the rule files and at least every 30 s, and one line
per finding as it happens. Either way the run ends with the report's totals (pass, fail, skip, error,
undocumented, known). Colour only on a terminal (NO_COLOR removes it, FORCE_COLOR forces it). Ctrl-C
(SIGINT) or SIGTERM stops the run after the tests in flight and writes a report marked partial; a second
one stops at once.

${EXIT_CODES_HELP}`;

/**
 * The largest `--runs`: a thousand times the property runs is hours against the emulators; past it is a typo
 * (or `Infinity`, which the properties would read as the default and so run far less than asked).
 */
const MAX_RUNS_FACTOR = 1000;

/** Whether `--runs` is a plain decimal factor in (0, {@link MAX_RUNS_FACTOR}]: not `Infinity`, `1e9` or `0x10`. */
function isRunsFactor(value: string): boolean {
  const factor = Number(value);
  return /^\d+(\.\d+)?$/.test(value) && factor > 0 && factor <= MAX_RUNS_FACTOR;
}

/** `i/n` with 1 ≤ i ≤ n. */
function parseShard(value: string): { index: number; count: number } {
  const match = /^(\d+)\/(\d+)$/.exec(value);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count) fail(`--shard must be <index>/<count> with 1 ≤ index ≤ count, e.g. 1/2; got '${value}'`);
  return { index, count };
}

/**
 * A path as the report names it: as the user gave it, except that an absolute path inside the working directory
 * is made relative to it, so that a replay command holds no path of this machine it need not.
 */
function nameAsGiven(path: string): string {
  if (!isAbsolute(path)) return path;
  const inside = relative(process.cwd(), path);
  return inside !== '' && !inside.startsWith('..') && !isAbsolute(inside) ? inside : path;
}

/**
 * `--seed -5` as `--seed=-5`: parseArgs takes an option's value that starts with a dash only in the `=` form, and
 * the replay commands of older reports wrote a negative seed the other way.
 */
function joinNegativeSeed(args: ReadonlyArray<string>): string[] {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    if (args[i] === '--seed' && /^-\d+$/.test(args[i + 1] ?? '')) joined.push(`--seed=${args[++i]!}`);
    else joined.push(args[i]!);
  }
  return joined;
}

/**
 * What the report records of a run's options (`run.options`), from which `snapconform replay` builds the run
 * again (`reporters/replay.ts`). Every option that changes what the run does or finds is here; options that
 * change only how it is judged (baseline, fail-on), where it writes, or how it paces, splits and prints (rate
 * share, shard, plan, verbose) are not. The seed is the report's `run.seed`.
 */
export function recordOf(options: RunOptions): RunOptionsRecord {
  const { given } = options;
  return {
    ...(given.targets ? { targets: given.targets } : {}),
    ...(options.runs !== undefined ? { runs: Number(options.runs) } : {}),
    ...(given.rules !== undefined ? { rules: given.rules } : {}),
    ...(options.vendors.length > 0 ? { vendors: options.vendors } : {}),
    ...(options.deviations.length > 0 ? { emulatorDeviations: options.deviations } : {}),
    ...(options.allowMutations ? { allowMutations: true } : {}),
    ...(options.driver !== undefined ? { driver: options.driver } : {}),
    ...(given.driverPath !== undefined ? { driverPath: given.driverPath } : {}),
  };
}

/**
 * Parses and checks `snapconform run`'s arguments; `undefined` when help was asked for. Bad input ends the
 * process with one line and exit 2.
 */
export function parseRunOptions(args: string[]): RunOptions | undefined {
  let values;
  try {
    ({ values } = parseArgs({ args: joinNegativeSeed(args), options: RUN_OPTIONS }));
  } catch (error) {
    return fail(`${(error as Error).message} (see snapconform run --help)`);
  }
  if (values.help) return undefined;
  if (values.seed !== undefined && !/^-?\d+$/.test(values.seed)) fail(`--seed must be an integer, got '${values.seed}'`);
  if (values.runs !== undefined && !isRunsFactor(values.runs)) fail(`--runs must be a factor above 0 and at most ${MAX_RUNS_FACTOR} written in digits (e.g. 4, or 0.5 for half the runs), got '${values.runs}'`);
  const rateShare = values['rate-share'] === undefined ? undefined : Number(values['rate-share']);
  if (rateShare !== undefined && !(Number.isInteger(rateShare) && rateShare >= 1 && rateShare <= 1000)) fail(`--rate-share must be a whole number of runs from 1 to 1000, got '${values['rate-share']}'`);
  try {
    new Deviations(values['emulator-deviation']);
  } catch (error) {
    fail((error as Error).message);
  }
  let rules: RuleId[] | undefined;
  try {
    rules = values.rules === undefined ? undefined : selectRules(values.rules);
  } catch (error) {
    fail((error as Error).message);
  }
  const vendors = values.vendor.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  const unknownVendor = vendors.find((v) => !(v in SPEC_FILES));
  if (unknownVendor) fail(`--vendor '${unknownVendor}' is not a vendor snapconform knows; vendors are ${VENDORS.join(', ')}`);
  if (!(FAIL_ON as readonly string[]).includes(values['fail-on'])) fail(`--fail-on must be ${FAIL_ON_TEXT}, got '${values['fail-on']}'`);
  const driverPath = values['driver-path'] === undefined ? undefined : resolve(values['driver-path']);
  if (driverPath !== undefined && values.driver === undefined) fail('--driver-path needs --driver (it says where that SDK is)');
  if (values.driver !== undefined) {
    const driver = driverFor(values.driver);
    if (!driver) fail(`--driver '${values.driver}' is not an SDK snapconform can drive; drivers are ${Object.keys(DRIVERS).join(', ')}`);
    // A driver speaks one vendor: the run is limited to its targets.
    if (vendors.length > 0 && !vendors.includes(driver.vendor)) fail(`--driver ${driver.id} speaks ${driver.vendor}, which --vendor ${vendors.join(',')} leaves out`);
    if (vendors.length === 0) vendors.push(driver.vendor);
    try {
      locateSdk(driver, driverPath ?? process.cwd());
    } catch (error) {
      if (error instanceof DriverNotFoundError) fail(error.message);
      throw error;
    }
  }
  return {
    targets: (values.target.length > 0 ? values.target : [DEFAULT_TARGET_FILE]).map((t) => resolve(t)),
    reportDir: resolve(values['report-dir']),
    ...(values.seed !== undefined ? { seed: values.seed } : {}),
    ...(values.runs !== undefined ? { runs: values.runs } : {}),
    deviations: values['emulator-deviation'],
    allowMutations: values['allow-mutations'],
    ...(rules ? { rules } : {}),
    vendors: vendors as VendorId[],
    ...(values.shard !== undefined ? { shard: parseShard(values.shard) } : {}),
    ...(values.baseline !== undefined ? { baseline: resolve(values.baseline) } : {}),
    failOn: values['fail-on'] as FailOn,
    ...(values.driver !== undefined ? { driver: values.driver } : {}),
    ...(driverPath !== undefined ? { driverPath } : {}),
    rateShare: rateShare ?? (values.shard !== undefined ? parseShard(values.shard).count : 1),
    plan: !values['no-plan'],
    verbose: values.verbose,
    given: {
      ...(values.target.length > 0 ? { targets: values.target.map(nameAsGiven) } : {}),
      ...(values.rules !== undefined ? { rules: values.rules } : {}),
      ...(values['driver-path'] !== undefined ? { driverPath: nameAsGiven(values['driver-path']) } : {}),
    },
  };
}

/** The rule files a run loads: with `--rules`, only those that hold a selected rule (files holding several filter inside). */
export function ruleFilesOf(rules: ReadonlyArray<RuleId> | undefined): string[] {
  return rules ? [...new Set(rules.map((id) => RULES[id].file))] : ['suites/**/*.case.ts', 'properties/**/*.prop.ts'];
}
