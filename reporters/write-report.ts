import { cpSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Writes a run's report folder so that readers never see half of one: `fill` writes every file into a
 * hidden `.<run-id>.partial/` folder, which is then renamed to `<run-id>/`; `latest/` is replaced by a
 * rename too. When `fill` throws, the partial folder is removed and `latest/` keeps the previous report.
 * Returns the run's folder.
 */
export function writeReportAtomically(reportDir: string, runId: string, fill: (dir: string) => void): string {
  mkdirSync(reportDir, { recursive: true });
  const partial = join(reportDir, `.${runId}.partial`);
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  try {
    fill(partial);
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    throw error;
  }
  const final = join(reportDir, runId);
  const latest = join(reportDir, 'latest');
  const staging = join(reportDir, `.latest.${runId}`);
  cpSync(partial, staging, { recursive: true });
  renameSync(partial, final);
  // rename() cannot replace a non-empty folder: move the old latest/ aside, then put the new one in place.
  const old = join(reportDir, `.latest-old.${runId}`);
  try {
    renameSync(latest, old);
  } catch {
    // no previous latest/
  }
  renameSync(staging, latest);
  rmSync(old, { recursive: true, force: true });
  return final;
}
