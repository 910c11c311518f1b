import { defineConfig } from 'vitest/config';

// The project's own tests (`npm test`). The conformance suite is configured by the CLI (src/cli/main.ts), not here.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    // Most of the slow files wait on child processes and servers, not on the CPU: two files at a time halve
    // the wall time on a 2-core CI machine (vitest would otherwise take one worker there).
    maxWorkers: 2,
  },
});
