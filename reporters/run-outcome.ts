import type { Reporter, SerializedError, TestModule } from 'vitest/node';

/**
 * What a run's exit code depends on besides the report's entries: safety aborts (exit 3) and errors outside
 * any test (a rule file that failed to load, a hook), which the report cannot show as a rule × target.
 */
export interface RunOutcome {
  /** A guard stopped the run from changing a real account, or the ledger could not be written. */
  safety: string[];
  /** Errors outside any test. */
  outside: string[];
}

/**
 * Errors src/conformance/session.ts throws when a safety guard stops a request before it is sent: past the
 * target's `maxSnapshots`, or a change on a target that does not allow mutations. A property run reports
 * them wrapped (fast-check's "Property failed… Got error: BudgetExceededError: …"), so names are looked for in
 * the message and the causes too.
 */
const SAFETY_ERRORS = /\b(BudgetExceededError|MutationsNotAllowedError|LedgerWriteError)\b/;

/** A file-system failure on `<report dir>/ledger/<run-id>.ndjson`: a create must not leave unrecorded. */
const LEDGER_FAILURE = /\bE[A-Z]{2,}\b[^\n]*\bledger[\\/][^\s'"]+\.ndjson/;

type ErrorLike = Pick<SerializedError, 'name' | 'message'> & { cause?: unknown };

/** The line that explains a safety abort, or undefined when the error is not one. */
export function safetyAbortOf(error: ErrorLike | undefined): string | undefined {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as ErrorLike).cause, depth++) {
    const { name, message } = e as ErrorLike;
    const text = `${name ?? 'Error'}: ${message ?? ''}`;
    const safety = SAFETY_ERRORS.exec(text);
    if (safety) return firstLine(text.slice(safety.index));
    if (LEDGER_FAILURE.test(text)) return `the ledger could not be written: ${firstLine(message ?? '')}`;
  }
  return undefined;
}

const firstLine = (text: string) => text.split('\n')[0]!.trim();

/** Reads the safety aborts and the errors outside tests from a finished run. */
export function runOutcomeOf(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<ErrorLike>): RunOutcome {
  const safety: string[] = [];
  const outside: string[] = [];
  const note = (error: ErrorLike, where: string, inTest: boolean) => {
    const abort = safetyAbortOf(error);
    if (abort) safety.push(`${where}: ${abort}`);
    else if (!inTest) outside.push(`${where}: ${error.name ?? 'Error'}: ${firstLine(error.message ?? '')}`);
  };
  for (const module of testModules) {
    for (const error of module.errors?.() ?? []) note(error, module.moduleId, false);
    for (const suite of module.children.allSuites?.() ?? []) for (const error of suite.errors()) note(error, `${module.moduleId} › ${suite.name}`, false);
    for (const test of module.children.allTests()) for (const error of test.result().errors ?? []) note(error, test.fullName, true);
  }
  for (const error of unhandledErrors) note(error, 'unhandled', false);
  return { safety, outside };
}

/** A vitest reporter that keeps {@link runOutcomeOf} of the last run for the CLI. */
export class RunOutcomeReporter implements Reporter {
  outcome: RunOutcome = { safety: [], outside: [] };

  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>): void {
    this.outcome = runOutcomeOf(testModules, unhandledErrors);
  }
}
