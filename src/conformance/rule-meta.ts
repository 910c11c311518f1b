import fc from 'fast-check';
import type { TestContext } from 'vitest';
import type { SourceRefs, VendorError, Wire } from '../spec/spec-types.ts';
import type { CallResult, Transcript } from '../transport/call-result.ts';
import { plainAssertionText } from './plain-assertion.ts';
import { RUN_ENV } from './run-env.ts';

/** The running test, as vitest hands it to a test function. */
type Test = TestContext['task'];

/** What a conformance test records about itself for the reporters (vitest task meta). */
export interface RuleRecord {
  /** Stable, vendor-neutral id of the rule, e.g. `request.invalid-enum`. */
  ruleId: string;
  /** The instance of the rule, e.g. `CreateSnapshot.DiskUsage`. */
  caseId: string;
  vendor: string;
  target: string;
  /** What the documents say should happen. */
  expectation: { text: string; source?: SourceRefs; inferred?: boolean };
  /** What happened: the outcome of the call that showed a deviation (else of the case's last call). */
  observed?: string;
  /**
   * The finding in one plain sentence, set by the check that failed: what was expected against what the
   * failing call did ("CreateSnapshot with … was accepted (HTTP 200); expected a refusal with …"). Every
   * format leads with it; the reporter derives it from the assertion message where a check set none.
   */
  headline?: string;
  /** The request that showed a deviation (shrunk, for properties). */
  counterexample?: unknown;
  seed?: number;
  path?: string;
  skipReason?: string;
  transcript?: Transcript;
  /**
   * Set when the assertion that failed checks something the documents do not state (an inferred error code,
   * behaviour the pages leave open): why it is not documented. The report then gives the case the outcome
   * `undocumented` instead of `fail`, which does not fail the run unless `--fail-on inferred`.
   */
  undocumented?: string;
  /** Which of the documented variants the service showed, when the documents allow several (e.g. a default name). */
  variantSeen?: string;
  /** The documented signature and answer format the case's requests used, where the vendor documents several. */
  wire?: Wire;
  /**
   * The answer that decided the case, in fields a side-by-side comparison of targets reads
   * (`src/report/vendor-comparison.ts`): {@link observe} records each call's and the last wins; a rule of
   * several calls names the decisive one with {@link decidedBy} (the quota's refusal, not the create after it).
   */
  answer?: ObservedAnswer;
  /** Values the service showed where the documents leave a choice or a number (the default name, the quota reached), by what they are. */
  valuesSeen?: Record<string, string>;
}

/** An answer's HTTP status and, for a refusal, its error code (absent: accepted, or no readable error). */
export interface ObservedAnswer {
  httpStatus: number;
  code?: string;
}

declare module 'vitest' {
  interface TaskMeta {
    conformance?: RuleRecord;
  }
}

/** Attaches the record to the running test; later calls merge into it. */
export function record(task: Test, fields: Partial<RuleRecord> & Pick<RuleRecord, 'ruleId' | 'caseId' | 'vendor' | 'target'> | Partial<RuleRecord>): RuleRecord {
  task.meta.conformance = { ...(task.meta.conformance ?? {}), ...fields } as RuleRecord;
  return task.meta.conformance;
}

/**
 * Skips the running test with a stated reason (no such rule for this vendor, a fixture missing, no
 * adapter): the reason is recorded for the report, never lost.
 */
export function skipBecause(context: Pick<TestContext, 'task' | 'skip'>, reason: string): never {
  record(context.task, { skipReason: reason });
  context.skip(reason);
  throw new Error('unreachable: skip() throws');
}

/** Where {@link inferredCheck} marks an assertion error as one about an undocumented expectation. */
const UNDOCUMENTED = Symbol.for('snapconform.undocumented');

/**
 * Runs assertions about something the documents do not state (an inferred error code, a behaviour the pages
 * leave open). When one fails, the case is recorded as `undocumented` with `why`, so the report shows what
 * the service did without calling it a deviation from the documents; the failure still propagates (it ends
 * the test). Assertions outside this wrapper stay documented: a `fail`.
 */
export async function inferredCheck<T>(task: Test, why: string, body: () => T | Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    if ((error as Error | undefined)?.name === 'AssertionError') {
      record(task, { undocumented: why });
      // The error carries the reason too: a property runs the body many times, and only the failure of the
      // shrunk counterexample decides the outcome (checkProperty).
      (error as Error & { [UNDOCUMENTED]?: string })[UNDOCUMENTED] = why;
    }
    throw error;
  }
}

/** A call's outcome in one line (`HTTP 400, InvalidParameterValue`), its transcript and its answer. */
export function observationOf(result: CallResult): Pick<RuleRecord, 'observed' | 'transcript' | 'answer'> {
  const outcome = result.ok ? 'success' : result.error ? `${result.error.code}` : 'unreadable response';
  return { observed: `HTTP ${result.httpStatus}, ${outcome}`, transcript: result.transcript, answer: answerOf(result) };
}

/** Records what a call returned: the observed outcome in one line, and the transcript. */
export function observe(task: Test, result: CallResult): void {
  record(task, observationOf(result));
}

/** What a failed check knows about its failure: the headline, and the observation of the call that failed. */
type FailureFacts = Pick<RuleRecord, 'headline' | 'observed' | 'transcript' | 'answer'>;

/** Where a failed check's {@link FailureFacts} travel on its error (a property runs many times: see checkProperty). */
const FAILURE_FACTS = Symbol.for('snapconform.failure-facts');

/**
 * Fails the running rule with one plain sentence — what was expected against what `failing` (the call the
 * check judged) did — recorded as the entry's headline, with that call's observation and transcript rather
 * than those of whichever call came last. Throws an AssertionError: a `fail` (or `undocumented`, inside
 * {@link inferredCheck}).
 */
export function failRule(task: Test | undefined, headline: string, failing?: CallResult): never {
  const facts: FailureFacts = { headline, ...(failing ? observationOf(failing) : {}) };
  // A check without the task (expectAccepted) leaves the facts on the error: checkProperty records them there.
  if (task) record(task, facts);
  const error = new Error(headline) as Error & { [FAILURE_FACTS]?: FailureFacts };
  error.name = 'AssertionError';
  error[FAILURE_FACTS] = facts;
  throw error;
}

/**
 * The property with each failing run's facts fixed on its error as the run fails: what the run observed last
 * and, for a plain `expect`, its message in plain words. The shrunk counterexample's facts can then be
 * recorded after fast-check has gone on to try other inputs (whose calls `observe` records too).
 */
function recordingFailures<T>(task: Test, property: fc.IRawProperty<T, true>): fc.IRawProperty<T, true> {
  return {
    isAsync: () => true,
    generate: (random, runId) => property.generate(random, runId),
    shrink: (value) => property.shrink(value),
    runBeforeEach: () => property.runBeforeEach(),
    runAfterEach: () => property.runAfterEach(),
    run: async (value) => {
      const outcome = await property.run(value);
      const error = outcome !== null && 'error' in outcome ? (outcome.error as (Error & { [FAILURE_FACTS]?: FailureFacts }) | undefined) : undefined;
      if (error instanceof Error && error[FAILURE_FACTS] === undefined) {
        const { observed, transcript, answer } = task.meta.conformance ?? {};
        error[FAILURE_FACTS] = { headline: plainAssertionText(error.message).split('\n')[0], observed, transcript, answer };
      }
      return outcome;
    },
  };
}

function answerOf(result: CallResult): ObservedAnswer {
  return { httpStatus: result.httpStatus, ...(!result.ok && result.error ? { code: result.error.code } : {}) };
}

/**
 * Takes back the answer {@link observe} recorded, for a rule that no single answer decides (a snapshot's
 * progress, a delete's effect, the answers of several disks): a comparison of targets then shows its observation
 * or its values seen instead of whichever call came last.
 */
export function noDecidingAnswer(task: Test): void {
  if (task.meta.conformance) delete task.meta.conformance.answer;
}

/**
 * Names the answer that decided a rule of several calls (the create refused one past the quota), and values
 * it saw, so a comparison of targets shows that answer rather than the last call's.
 */
export function decidedBy(task: Test, result: CallResult | undefined, valuesSeen: Record<string, string> = {}): void {
  record(task, {
    ...(result ? { answer: answerOf(result) } : {}),
    ...(Object.keys(valuesSeen).length > 0 ? { valuesSeen: { ...task.meta.conformance?.valuesSeen, ...valuesSeen } } : {}),
  });
}

/** "InvalidParameterValue (HTTP 200)" with the inferred mark when the documents do not name it. */
export function describeError(error: VendorError): string {
  return `${error.code} (HTTP ${error.status})${error.inferred ? ' [inferred]' : ''}`;
}

/** fast-check parameters of a run: `SNAPCONFORM_SEED` replays, `SNAPCONFORM_RUNS` scales the runs. */
export function propertyParameters(defaultRuns: number): { seed?: number; numRuns: number; path?: string } {
  const seed = process.env[RUN_ENV.seed];
  const runs = Number(process.env[RUN_ENV.runs] ?? '');
  return {
    numRuns: Number.isFinite(runs) && runs > 0 ? Math.round(defaultRuns * runs) : defaultRuns,
    ...(seed !== undefined && seed !== '' ? { seed: Number(seed) } : {}),
  };
}

/**
 * Runs a fast-check property for a rule and records its seed, path and shrunk counterexample, so that
 * the report can say which input showed the deviation and how to replay it. `examples` (each the
 * property's tuple of arguments) always run, before the generated inputs. Throws an AssertionError (a
 * `fail` outcome) when the property does not hold.
 */
export async function checkProperty<T>(task: Test, property: fc.IAsyncPropertyWithHooks<T> | fc.IAsyncProperty<T>, defaultRuns: number, examples: T[] = []): Promise<void> {
  const parameters = propertyParameters(defaultRuns);
  // Examples (the boundary values a rule always tries) run first, then the generated ones.
  const details = await fc.check(recordingFailures(task, property), { ...parameters, ...(examples.length > 0 ? { examples } : {}) });
  record(task, { seed: details.seed });
  if (!details.failed) return;
  const raw = (details.counterexample as unknown[] | null)?.[0];
  // fast-check's command sequences are iterables that print as `create(…),describe(…)`: keep that text.
  const counterexample = raw !== null && typeof raw === 'object' && !Array.isArray(raw) && Symbol.iterator in raw ? String(raw) : raw;
  // Undocumented only when the shrunk counterexample's own failure was an inferred check: an earlier run's
  // inferred failure must not soften a documented one found later (or the reverse).
  const undocumented = (details.errorInstance as (Error & { [UNDOCUMENTED]?: string }) | null)?.[UNDOCUMENTED];
  // What the shrunk counterexample's failing call showed, not what the last input fast-check tried did.
  const facts = (details.errorInstance as (Error & { [FAILURE_FACTS]?: FailureFacts }) | null)?.[FAILURE_FACTS];
  record(task, { counterexample, path: details.counterexamplePath ?? undefined, seed: details.seed, undocumented, ...facts });
  if (details.errorInstance instanceof Error && details.errorInstance.name !== 'AssertionError') throw details.errorInstance;
  // The assertion that failed on the shrunk counterexample comes first: it says what deviated, in the
  // rule's own words; fast-check's report (seed, path, counterexample) follows.
  const inner = details.errorInstance instanceof Error ? details.errorInstance.message : undefined;
  const error = new Error([inner, fc.defaultReportMessage(details) ?? 'property failed'].filter(Boolean).join('\n'));
  error.name = 'AssertionError';
  throw error;
}
