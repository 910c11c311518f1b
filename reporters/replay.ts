import type { ReportEntry } from './report-types.ts';

/** Quotes a word for a POSIX shell only when it needs it, so the usual command stays easy to read. */
function shellWord(word: string): string {
  return /^[\w./:=@+-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * The command that replays one entry: the same target file and seed, narrowed to the entry's rule and
 * vendor. Only fail and error entries with a seed get one — a seed is what makes a property run repeat
 * exactly; a generated request case repeats without it.
 */
export function replayCommand(entry: Pick<ReportEntry, 'outcome' | 'seed' | 'ruleId' | 'vendor'>, targetFile: string): string | undefined {
  if ((entry.outcome !== 'fail' && entry.outcome !== 'error') || entry.seed === undefined) return undefined;
  return ['snapconform', 'run', '--target', targetFile, '--seed', String(entry.seed), '--rules', entry.ruleId, '--vendor', entry.vendor]
    .map(shellWord)
    .join(' ');
}
