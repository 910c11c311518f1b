/**
 * The full run's baseline: vitest started the way `snapconform run` starts it (src/cli/main.ts: the Node API,
 * no config file, no isolation, the default pool), running one empty test. Its wall time and memory are the
 * harness's fixed cost on this machine, measured in the same benchmark run as the suite.
 */
import { startVitest } from 'vitest/node';
import { ROOT } from './lib/paths.ts';

process.chdir(ROOT);
const vitest = await startVitest('test', [], {
  config: false,
  root: ROOT,
  include: ['bench/fixtures/noop.case.ts'],
  reporters: ['default'],
  watch: false,
  isolate: false,
});
await vitest.close();
