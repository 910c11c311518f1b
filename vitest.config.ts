import { defineConfig } from 'vitest/config';

// The project's own tests (`npm test`). The conformance suite has its own config: src/conformance/vitest.config.ts.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
  },
});
