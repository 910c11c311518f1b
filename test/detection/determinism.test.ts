import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { CHILD_LIMIT_MS } from '../support/time-limits.ts';

// `npm run determinism` is a script (20 full runs take minutes); this runs it twice on two rules, so that the
// script itself is known to work from a clean clone.
it('runs the suite repeatedly with one seed and finds the same outcomes, and no failures', async () => {
  const out = mkdtempSync(join(tmpdir(), 'snapconform-determinism-test-'));
  const script = new URL('../../scripts/determinism.ts', import.meta.url).pathname;
  const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', script, '--times', '2', '--rules', 'snapshot.create.roundtrip,request.invalid-enum', '--out', out], { timeout: CHILD_LIMIT_MS }, (error, stdout) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout });
    });
  });
  expect(stdout).toMatch(/2 runs, seed 20261122: 0 failures, 0 outcomes that differ from the first run/);
  expect(code).toBe(0);
  const summary = JSON.parse(readFileSync(join(out, 'determinism.json'), 'utf8')) as { times: number; failures: string[]; differences: string[]; secondsPerRun: number[] };
  expect(summary).toMatchObject({ times: 2, failures: [], differences: [] });
  expect(summary.secondsPerRun).toHaveLength(2);
});
