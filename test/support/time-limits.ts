/**
 * The wall-clock bounds of `npm test`. They exist to end a hang, never to judge speed, so each is sized for a
 * loaded machine: at a load of 12-15 on 2 cores a CLI run takes about eight times as long as on a quiet one,
 * and a test that spends a minute on a quiet machine must still pass there. Tests name these instead of
 * numbers of their own: one place to size, and no test with a tighter bound than the rest.
 */

/**
 * One test or hook (vitest.config.ts): the slowest start a few CLI runs or emulators one after another, a few
 * minutes loaded. Half an hour only ever ends something stuck.
 */
export const TEST_LIMIT_MS = 30 * 60_000;

/**
 * A child process a test starts and waits for (the CLI, a script, an emulator getting ready or stopping):
 * ended a minute before the test's own bound, so the test fails with the child's output rather than with
 * vitest's bare timeout.
 */
export const CHILD_LIMIT_MS = TEST_LIMIT_MS - 60_000;

/**
 * For a hook or test that runs many CLI runs (the detection matrices, the realistic runs): no bound on the
 * whole, which grows with the machine's load and the number of deviations; each run it starts is bounded
 * instead (`runFocused` kills a run at its time limit, the CLI bounds each of its tests), so a hang still ends.
 */
export const BOUNDED_BY_ITS_RUNS = 0;
