/** Environment variables through which the CLI configures a run (they reach vitest's main process). */
export const RUN_ENV = {
  targetFile: 'SNAPCONFORM_TARGET_FILE',
  /**
   * The target files as the user named them, newline-separated, when `--target` named several: the run then
   * reads one temporary file joining them (`targetFile`), and the report names these instead.
   */
  targetSources: 'SNAPCONFORM_TARGET_SOURCES',
  /** Comma-separated deviation ids the embedded emulators run with (the project's own tests use it). */
  deviations: 'SNAPCONFORM_EMULATOR_DEVIATIONS',
  reportDir: 'SNAPCONFORM_REPORT_DIR',
  seed: 'SNAPCONFORM_SEED',
  runs: 'SNAPCONFORM_RUNS',
  /** `1` when `--allow-mutations` overrides every target's `allowMutations`. */
  allowMutations: 'SNAPCONFORM_ALLOW_MUTATIONS',
  /** The run's id, shared by the workers (the ledger's key). */
  runId: 'SNAPCONFORM_RUN_ID',
  /** Comma-separated rule ids the run is limited to (`--rules`); unset: every rule. */
  rules: 'SNAPCONFORM_RULES',
  /** Comma-separated vendors whose targets the run is limited to (`--vendor`); unset: every target. */
  vendors: 'SNAPCONFORM_VENDORS',
  /** The SDK driver the run sends through (`--driver`, src/drivers/registry.ts); unset: snapconform's own client. */
  driver: 'SNAPCONFORM_DRIVER',
  /** Where the driver's SDK is resolved from (`--driver-path`); unset: the current directory. */
  driverPath: 'SNAPCONFORM_DRIVER_PATH',
  /**
   * `1` in a plan's rehearsal (`snapconform plan`, src/plan/): every URL target is played by an embedded emulator
   * seeded with its fixture disks, treated as the real endpoint would be; creates past the budget are counted,
   * not refused, and nothing is cleaned up on the real endpoint.
   */
  rehearsal: 'SNAPCONFORM_REHEARSAL',
  /**
   * The options that shaped the run, as given (JSON of `RunOptionsRecord`, `src/cli/run-options.ts`): the report
   * records them and names the target files by them; unset when the suite runs without the CLI.
   */
  options: 'SNAPCONFORM_RUN_OPTIONS',
  /** The number of shards sharing each target's rate budget (`--shard i/n`: n; each paces at 1/n of the limit). */
  rateShare: 'SNAPCONFORM_RATE_SHARE',
} as const;
