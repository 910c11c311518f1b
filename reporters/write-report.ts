import { cpSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderHtml } from './html.ts';
import { renderJunit } from './junit.ts';
import { renderMarkdown } from './markdown.ts';
import type { ConformanceReport } from './report-types.ts';

/**
 * Writes a report in every format into `dir`: `conformance.json`, `conformance.md`, `conformance.html` and
 * `junit.xml`. A run and `snapconform report --merge` both write through here, so their folders look alike.
 */
export function writeReportFiles(dir: string, report: ConformanceReport): void {
  writeFileSync(join(dir, 'conformance.json'), JSON.stringify(report, null, 2) + '\n');
  writeFileSync(join(dir, 'conformance.md'), renderMarkdown(report));
  writeFileSync(join(dir, 'conformance.html'), renderHtml(report));
  writeFileSync(join(dir, 'junit.xml'), renderJunit(report));
}

/**
 * The report's totals in one line: `290 pass, 2 fail, 10 skip, 0 error, 1 known (partial: the run ended early)`.
 * Undocumented cases, when there are any, say why they do not fail the run (the line does not know `--fail-on`).
 */
export function summaryText(report: ConformanceReport): string {
  const s = report.summary;
  const undocumented = s.undocumented ? `, ${s.undocumented} undocumented (the documents do not state these: they fail the run only with --fail-on inferred)` : '';
  return `${s.pass} pass, ${s.fail} fail, ${s.skip} skip, ${s.error} error${undocumented}${s.known ? `, ${s.known} known` : ''}${s.fixed ? `, ${s.fixed} fixed` : ''}${report.run.partial ? ` (partial: ${report.run.reason === 'interrupted' ? 'the run ended early' : report.run.reason})` : ''}`;
}

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
