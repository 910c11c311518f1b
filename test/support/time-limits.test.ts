import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import config from '../../vitest.config.ts';
import { CHILD_LIMIT_MS, TEST_LIMIT_MS } from './time-limits.ts';

// `npm test` on a loaded machine (issue 15): a wall-clock bound of its own in a test file — a 900 s hook, a
// 30 s test, a child process killed at 120 s — is what a busy machine hits first. Every bound comes from
// time-limits.ts, sized once for a load of 12-15 on 2 cores.

const TEST_DIR = fileURLToPath(new URL('..', import.meta.url));

function testSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testSources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('the wall-clock bounds of npm test', () => {
  it('are vitest\'s for every test and hook: half an hour, enough for a loaded machine', () => {
    expect(config.test?.testTimeout).toBe(TEST_LIMIT_MS);
    expect(config.test?.hookTimeout).toBe(TEST_LIMIT_MS);
    expect(TEST_LIMIT_MS).toBeGreaterThanOrEqual(20 * 60_000);
    // A hung child is ended before the test is, so the test fails with the child's output.
    expect(CHILD_LIMIT_MS).toBeLessThan(TEST_LIMIT_MS);
  });

  it('are set nowhere else in the tests: no test, hook or child process with a number of its own', () => {
    const ownBounds = testSources(TEST_DIR).flatMap((file) => readFileSync(file, 'utf8').split('\n').flatMap((line, i) => {
      // A number of milliseconds closing an it() or a hook, or as the timeout in a child process's options.
      const own = /^\s*\}, \d[\d_]{3,}\);$/.test(line) || /\btimeout: \d/.test(line);
      return own ? [`${relative(TEST_DIR, file)}:${i + 1}: ${line.trim()}`] : [];
    }));
    expect(ownBounds).toEqual([]);
  });
});
