import type { ReportEntry } from './report-types.ts';

/** Quotes a word for a POSIX shell only when it needs it, so the usual command stays easy to read. */
function shellWord(word: string): string {
  return /^[\w./:=@+-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** Words as one POSIX shell command line, each quoted only when it needs it. */
export function shellLine(words: ReadonlyArray<string>): string {
  return words.map(shellWord).join(' ');
}

/**
 * The `snapconform run` arguments that run one entry's rule again: the same target file and seed, narrowed
 * to the rule and the entry's vendor. `snapconform replay` runs these; {@link replayCommand} prints them.
 */
export function replayArgs(entry: Pick<ReportEntry, 'ruleId' | 'vendor'>, targetFile: string, seed: number | undefined): string[] {
  return ['--target', targetFile, ...(seed === undefined ? [] : ['--seed', String(seed)]), '--rules', entry.ruleId, '--vendor', entry.vendor];
}

/**
 * The command that replays one entry. Only fail, undocumented and error entries with a seed get one — a seed
 * is what makes a property run repeat exactly; a generated request case repeats without it.
 */
export function replayCommand(entry: Pick<ReportEntry, 'outcome' | 'seed' | 'ruleId' | 'vendor'>, targetFile: string): string | undefined {
  if ((entry.outcome !== 'fail' && entry.outcome !== 'undocumented' && entry.outcome !== 'error') || entry.seed === undefined) return undefined;
  return shellLine(['snapconform', 'run', ...replayArgs(entry, targetFile, entry.seed)]);
}
