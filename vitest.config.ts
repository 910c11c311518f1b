import { defineConfig } from 'vitest/config';
import { TEST_LIMIT_MS } from './test/support/time-limits.ts';

// The project's own tests (`npm test`). The conformance suite is configured by the CLI (src/cli/main.ts), not here.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Many tests run the CLI, which runs vitest: on a busy 2-core machine that takes far longer than on a quiet
    // one. The bounds only end a hang, sized for a loaded machine (test/support/time-limits.ts); what a test
    // checks never depends on how fast the machine is. Hooks too: vitest's default of 10 s is less than a
    // loaded machine takes to start an emulator or pack the package.
    testTimeout: TEST_LIMIT_MS,
    hookTimeout: TEST_LIMIT_MS,
    // Most of the slow files wait on child processes and servers, not on the CPU: two files at a time halve
    // the wall time on a 2-core CI machine (vitest would otherwise take one worker there).
    maxWorkers: 2,
  },
});
