import type { RUN_OPTIONS } from '../src/cli/run-options.ts';
import type { ConformanceReport, ReportEntry } from './report-types.ts';

/** Quotes a word for a POSIX shell only when it needs it, so the usual command stays easy to read. */
function shellWord(word: string): string {
  return /^[\w./:=@+-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** Words as one POSIX shell command line, each quoted only when it needs it. */
export function shellLine(words: ReadonlyArray<string>): string {
  return words.map(shellWord).join(' ');
}

/**
 * One option of `snapconform run` with its value. A value that starts with a dash (a negative seed, half of
 * those fast-check draws) is joined with `=`: parseArgs reads `--seed -5` as an option without its value.
 */
function option(name: keyof typeof RUN_OPTIONS, value: string | number): string[] {
  const text = String(value);
  return text.startsWith('-') ? [`--${name}=${text}`] : [`--${name}`, text];
}

/** What a replay reads of a report: the run (its seed and options) and which file named each target. */
export type ReplaySource = Pick<ConformanceReport, 'run' | 'targets'>;

/**
 * The target file a replay of an entry names: the file that held its target, as the run was given it.
 * `undefined` when the run read snapconform's default (a replay on another machine or from another directory
 * finds it there too). Reports without recorded options name the file as they recorded it.
 */
function targetFileOf(entry: Pick<ReportEntry, 'target'>, source: ReplaySource): string | undefined {
  const { run } = source;
  if (run.options && !run.options.targets) return undefined;
  return source.targets.find((t) => t.name === entry.target)?.file ?? run.targetFile;
}

/**
 * The `snapconform run` arguments that run one entry's rule again: the run's own options (`run.options`: target
 * file, property runs, emulator deviations, mutations, SDK driver) and the entry's seed (else the run's),
 * narrowed to the entry's rule and vendor. The one builder of that command: the report's `replay` field (and so
 * the Markdown, HTML and JUnit) and `snapconform replay` both come from here.
 */
export function replayArgs(entry: Pick<ReportEntry, 'ruleId' | 'vendor' | 'target' | 'seed'>, source: ReplaySource): string[] {
  const recorded = source.run.options ?? {};
  const targetFile = targetFileOf(entry, source);
  const seed = entry.seed ?? source.run.seed;
  return [
    ...(targetFile === undefined ? [] : option('target', targetFile)),
    ...(seed === undefined ? [] : option('seed', seed)),
    ...option('rules', entry.ruleId),
    ...option('vendor', entry.vendor),
    ...(recorded.runs === undefined ? [] : option('runs', recorded.runs)),
    ...(recorded.emulatorDeviations ?? []).flatMap((id) => option('emulator-deviation', id)),
    ...(recorded.allowMutations ? ['--allow-mutations'] : []),
    ...(recorded.driver === undefined ? [] : option('driver', recorded.driver)),
    ...(recorded.driverPath === undefined ? [] : option('driver-path', recorded.driverPath)),
  ];
}

/**
 * The command that replays one entry. Only fail, undocumented and error entries with a seed get one — a seed
 * is what makes a property run repeat exactly; a generated request case repeats without it.
 */
export function replayCommand(entry: Pick<ReportEntry, 'outcome' | 'seed' | 'ruleId' | 'vendor' | 'target'>, source: ReplaySource): string | undefined {
  if ((entry.outcome !== 'fail' && entry.outcome !== 'undocumented' && entry.outcome !== 'error') || entry.seed === undefined) return undefined;
  return shellLine(['snapconform', 'run', ...replayArgs(entry, source)]);
}
