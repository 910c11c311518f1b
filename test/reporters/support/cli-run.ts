import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHILD_LIMIT_MS } from '../../support/time-limits.ts';

const BIN = new URL('../../../bin/snapconform.js', import.meta.url).pathname;

/**
 * Runs `snapconform run` against the embedded emulators as a user would, into a fresh report dir, and
 * returns that dir with the exit code (never throws on a non-zero exit: deviations exit 1).
 */
export function runSuite(...args: string[]): Promise<{ dir: string; code: number; stdout: string; stderr: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'snapconform-reporters-'));
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, 'run', '--report-dir', dir, ...args], { timeout: CHILD_LIMIT_MS, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ dir, code: error ? ((error as { code?: number }).code ?? -1) : 0, stdout, stderr });
    });
  });
}
