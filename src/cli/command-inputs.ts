import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { LedgerReadError, readAllLedgers, type LedgerEntry } from '../conformance/ledger.ts';
import { loadTargetFile, TargetFileError, type TargetEntry } from '../conformance/target-file.ts';
import { fail, warn } from './cli-context.ts';
import { writableDirProblem } from './writable-dir.ts';

/** The inputs the commands after a run share (`sweep`, `obligations check`); bad input ends the process (exit 2). */

/** The targets of a target file, as the user named it (relative to where they run the command). */
export function targetsOrFail(file: string): TargetEntry[] {
  try {
    return loadTargetFile(resolve(file));
  } catch (error) {
    if (error instanceof TargetFileError) fail(error.message);
    throw error;
  }
}

/**
 * An existing report directory the command can write in (it records its requests there), absolute; `holds`
 * says what the command reads there, for the one-line error.
 */
export function reportDirOrFail(value: string, holds: string): string {
  const reportDir = resolve(value);
  if (!existsSync(reportDir) || !statSync(reportDir).isDirectory()) fail(`--report-dir ${value}: no such directory (${holds})`);
  const problem = writableDirProblem(reportDir);
  if (problem) fail(`--report-dir ${value}: ${problem}; give a directory snapconform can write in`);
  return reportDir;
}

/**
 * The report directory of a run, made if missing and proven writable before anything starts: a run that
 * could not write its report (or ledger) would otherwise run to the end for nothing, or hang.
 */
export function writableReportDirOrFail(value: string): string {
  const problem = writableDirProblem(value);
  if (problem) fail(`--report-dir ${value}: ${problem}; give a directory snapconform can create and write in`);
  return resolve(value);
}

/** Every ledger entry under a report directory; a line that is not one is skipped with a warning naming it. */
export function ledgersOrFail(reportDir: string): LedgerEntry[] {
  try {
    return readAllLedgers(reportDir, warn);
  } catch (error) {
    if (error instanceof LedgerReadError) fail(error.message);
    throw error;
  }
}
