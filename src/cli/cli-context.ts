import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root: specs, suites and the default target file are read from here. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** snapconform's version (package.json). */
export const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** The target file of a run that names none: the three embedded emulators. */
export const DEFAULT_TARGET_FILE = join(ROOT, 'targets/emulators.yaml');

/**
 * Exit codes, documented in the README and `snapconform --help`. 3 is only ever a safety abort, so a CI job
 * can page someone for it; an internal error (a bug in snapconform) is 4.
 */
export const EXIT = {
  /** Everything conforms, or deviates only as the baseline accepts. */
  conforms: 0,
  /** A deviation from the documents, an error, or an expired baseline entry. */
  deviations: 1,
  /** Bad input: usage, a target, baseline or report file, a spec. */
  badInput: 2,
  /** A safety guard stopped the run: the budget, a mutation on a read-only target, the ledger, or cleanup. */
  safetyAbort: 3,
  /** A bug in snapconform. */
  internal: 4,
  /** The run was interrupted (SIGINT or SIGTERM): the report is partial. 128 + SIGINT, as shells report it. */
  interrupted: 130,
} as const;

/**
 * Writes one line to stderr and exits with {@link EXIT.badInput}. A message of several lines (Node's
 * `parseArgs` explains an ambiguous `--runs -1` in three) is joined into one: a log or a CI annotation keeps
 * one line per problem.
 */
export function fail(message: string): never {
  process.stderr.write(`snapconform: ${message.trim().replace(/\s*\n\s*/g, ' ')}\n`);
  process.exit(EXIT.badInput);
}

/** Writes a line to stderr, prefixed like every message of the CLI. */
export function warn(message: string): void {
  process.stderr.write(`snapconform: ${message}\n`);
}

/** A run's id: sortable by time, unique enough for a report folder and a ledger file name. */
export function newRunId(prefix = ''): string {
  return `${prefix}${new Date().toISOString().replace(/[:.]/g, '-')}-${Math.random().toString(16).slice(2, 8)}`;
}
