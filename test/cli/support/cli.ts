import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ConformanceReport } from '../../../reporters/report-types.ts';
import { CHILD_LIMIT_MS } from '../../support/time-limits.ts';

/** The CLI as a user runs it. */
export const BIN = new URL('../../../bin/snapconform.js', import.meta.url).pathname;

/** What a CLI run printed, and its exit code. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `snapconform <args>`; never throws on a non-zero exit. */
export function snapconform(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { timeout: CHILD_LIMIT_MS, maxBuffer: 64 * 1024 * 1024, ...options }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? -1) : 0, stdout, stderr });
    });
  });
}

/** The report in a `--report-dir`'s `latest/`. */
export function latestReport(reportDir: string): ConformanceReport {
  return JSON.parse(readFileSync(join(reportDir, 'latest', 'conformance.json'), 'utf8')) as ConformanceReport;
}

/** A report's matrix: rule × target → outcome counts, e.g. `request.invalid-enum @ tencent-cbs-emulator` → `pass 4`. */
export function matrixOf(report: ConformanceReport): Record<string, string> {
  const cells = new Map<string, Map<string, number>>();
  for (const r of report.results) {
    const cell = cells.get(`${r.ruleId} @ ${r.target}`) ?? new Map<string, number>();
    cell.set(r.outcome, (cell.get(r.outcome) ?? 0) + 1);
    cells.set(`${r.ruleId} @ ${r.target}`, cell);
  }
  return Object.fromEntries([...cells].sort(([a], [b]) => a.localeCompare(b)).map(([k, cell]) => [k, [...cell].sort().map(([o, n]) => `${o} ${n}`).join(', ')]));
}

/** Every file under `dir`, at any depth: what a test searches for text a run must not have written. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}
