import { defineConfig } from 'vitest/config';

// The project's own tests (`npm test`). The conformance suite is configured by the CLI (src/cli/main.ts), not here.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
  },
});
