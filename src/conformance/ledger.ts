import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** One line of the ledger: a create about to be sent, or what became of it. */
export interface LedgerEntry {
  runId: string;
  target: string;
  vendor: string;
  /** The wire action, e.g. `CreateSnapshot`. */
  action: string;
  at: string;
  /** `sending` is written before the request leaves; `created`/`refused`/`unknown` after. */
  state: 'sending' | 'created' | 'refused' | 'unknown';
  /** A client-side key joining the lines of one create. */
  key: string;
  /** The id the service gave the resource, once known. */
  resourceId?: string;
  /** The name the create gave, if any (for a sweep that matches names). */
  name?: string;
  /** The disks the create names (on `sending`): the plan reads creates per disk from a rehearsal's ledger. */
  disks?: string[];
  /** The rule whose test sent the create (on `sending`), where the test file holds one rule. */
  rule?: string;
}

/** Where the ledgers live: `<report dir>/ledger/<run-id>.ndjson`. */
export function ledgerFile(reportDir: string, runId: string): string {
  return join(reportDir, 'ledger', `${runId}.ndjson`);
}

/**
 * The ledger of resources a run creates on a target. A line is appended — synchronously, so it is on disk —
 * before each create is sent, and another once its outcome is known: a crash between the two still leaves
 * the attempt on record for `snapconform sweep`. Workers of one run append to one file; lines are small and
 * written whole.
 */
/** The ledger could not be written; the run stops creating (`reporters/run-outcome.ts` makes it exit 3). */
export class LedgerWriteError extends Error {
  override readonly name = 'LedgerWriteError';
}

export class Ledger {
  constructor(readonly file: string) {
    mkdirSync(dirname(file), { recursive: true });
  }

  /** Appends one line, on disk before it returns; throws {@link LedgerWriteError} when it cannot (a safety abort). */
  append(entry: LedgerEntry): void {
    try {
      appendFileSync(this.file, JSON.stringify(entry) + '\n');
    } catch (error) {
      // Nothing may be created that the ledger does not know of: the create is not sent.
      throw new LedgerWriteError(`cannot write the ledger ${this.file}: ${(error as Error).message}`);
    }
  }

  /** Every entry of this ledger (a torn last line, from a crash, is skipped). */
  entries(): LedgerEntry[] {
    return readLedger(this.file);
  }
}

/** The ledgers cannot be read at all (their directory is a file): one line naming the path and the fix. */
export class LedgerReadError extends Error {
  override readonly name = 'LedgerReadError';
}

/** Why a parsed line is not a ledger entry, or undefined when it is one. */
function problemOf(line: unknown): string | undefined {
  if (line === null || typeof line !== 'object' || Array.isArray(line)) return 'not a JSON object';
  const entry = line as Record<string, unknown>;
  for (const key of ['runId', 'target', 'key'] as const) if (typeof entry[key] !== 'string') return `no ${key}`;
  return undefined;
}

/**
 * Reads one ledger file. A line that is not an entry (torn by a crash, edited by hand, `null`) is skipped and
 * `warn` is told which and why: one bad line must not hide the rest of the ledger from a sweep.
 */
export function readLedger(file: string, warn: (message: string) => void = () => {}): LedgerEntry[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').flatMap((text, index) => {
    if (text === '') return [];
    let line: unknown;
    try {
      line = JSON.parse(text);
    } catch {
      warn(`${file}:${index + 1}: skipped, not a whole JSON line (a write cut short?)`);
      return [];
    }
    const problem = problemOf(line);
    if (problem) {
      warn(`${file}:${index + 1}: skipped, not a ledger entry: ${problem}`);
      return [];
    }
    return [line as LedgerEntry];
  });
}

/**
 * Every ledger entry under a report directory, all runs; bad lines (and anything in the directory that is not a
 * ledger file) are skipped with a word to `warn`.
 * @throws {@link LedgerReadError} when `<report dir>/ledger` is not a directory
 */
export function readAllLedgers(reportDir: string, warn: (message: string) => void = () => {}): LedgerEntry[] {
  const dir = join(reportDir, 'ledger');
  if (!existsSync(dir)) return [];
  if (!statSync(dir).isDirectory()) throw new LedgerReadError(`${dir} is a file, not the directory of ledgers (<report dir>/ledger/<run-id>.ndjson); move it aside`);
  return readdirSync(dir).filter((f) => f.endsWith('.ndjson')).sort().flatMap((f) => {
    const file = join(dir, f);
    if (statSync(file).isFile()) return readLedger(file, warn);
    warn(`${file}: skipped, not a file`);
    return [];
  });
}

/** A create the ledger says may have made a resource. */
export interface PossiblyCreated {
  key: string;
  runId: string;
  target: string;
  vendor: string;
  action: string;
  resourceId?: string;
  name?: string;
}

/**
 * The resources the ledger says may exist: every create that was sent and not refused, with its id when the
 * answer gave one (an `unknown` outcome has none; a sweep finds it by name).
 */
export function possiblyCreated(entries: LedgerEntry[]): PossiblyCreated[] {
  const byKey = new Map<string, PossiblyCreated & { refused: boolean }>();
  for (const entry of entries) {
    const current = byKey.get(entry.key) ?? { key: entry.key, runId: entry.runId, target: entry.target, vendor: entry.vendor, action: entry.action, refused: false };
    if (entry.name !== undefined) current.name = entry.name;
    if (entry.resourceId !== undefined) current.resourceId = entry.resourceId;
    if (entry.state === 'refused') current.refused = true;
    byKey.set(entry.key, current);
  }
  return [...byKey.values()].filter((e) => !e.refused).map(({ refused: _refused, ...rest }) => rest);
}
