import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadTargetFile, TargetFileError, type TargetEntry } from '../conformance/target-file.ts';
import { fail } from './cli-context.ts';

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

/** An existing report directory, absolute; `holds` says what the command reads there, for the one-line error. */
export function reportDirOrFail(value: string, holds: string): string {
  const reportDir = resolve(value);
  if (!existsSync(reportDir) || !statSync(reportDir).isDirectory()) fail(`--report-dir ${value}: no such directory (${holds})`);
  return reportDir;
}
