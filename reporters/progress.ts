import type { UserConsoleLog } from 'vitest';
import type { Reporter, SerializedError, TestCase, TestModule, TestSpecification, Vitest } from 'vitest/node';
import { RULES, ruleSelected } from '../src/conformance/rule-catalogue.ts';
import { outcomeOf } from './conformance-reporter.ts';
import { runOutcomeOf } from './run-outcome.ts';

/** Where progress goes: a terminal (`columns` set) or a log. */
export interface ProgressStream {
  write(text: string): unknown;
  columns?: number;
}

/** Options of {@link ProgressReporter}. */
export interface ProgressOptions {
  /**
   * `live`: one status line redrawn in place, then a summary with the failures (a terminal; the CLI uses it
   * instead of vitest's default reporter). `plain`: a line at every tenth of the rule files and at least
   * every `heartbeatMs`, for CI logs and pipes (the CLI keeps vitest's default reporter beside it).
   */
  mode: 'live' | 'plain';
  /** @defaultValue process.stdout */
  out?: ProgressStream;
  /** Plain mode: the longest silence between two lines. @defaultValue 30 000 ms */
  heartbeatMs?: number;
  /** Live mode: the shortest time between two redraws. @defaultValue 100 ms */
  redrawMs?: number;
  /** @defaultValue Date.now */
  now?: () => number;
}

const CLEAR_LINE = '\r\x1b[2K';

/** The rules of the run (`--rules`) that live in a test file (matched by the end of its path). */
function rulesIn(moduleId: string): string[] {
  return Object.entries(RULES).filter(([id, rule]) => moduleId.endsWith(`/${rule.file}`) && ruleSelected(id)).map(([id]) => id);
}

/**
 * Progress of a conformance run: rules done of the total (a rule is done when its file is), cases done,
 * deviations, errors and undocumented cases so far, and the rule last heard of.
 */
export default class ProgressReporter implements Reporter {
  private readonly mode: 'live' | 'plain';
  private readonly out: ProgressStream;
  private readonly heartbeatMs: number;
  private readonly redrawMs: number;
  private readonly now: () => number;
  private rulesTotal = 0;
  private rulesDone = 0;
  private filesTotal = 0;
  private filesDone = 0;
  private cases = 0;
  private failed = 0;
  private errored = 0;
  private undocumented = 0;
  private current = '';
  private started = 0;
  private lastWrite = 0;
  private lastTenth = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly failures: string[] = [];
  /** Kept apart from the failures and listed after them: they do not fail the run by default. */
  private readonly undocumentedCases: string[] = [];
  private vitest: Vitest | undefined;

  constructor(options: ProgressOptions) {
    this.mode = options.mode;
    this.out = options.out ?? process.stdout;
    this.heartbeatMs = options.heartbeatMs ?? 30_000;
    this.redrawMs = options.redrawMs ?? 100;
    this.now = options.now ?? Date.now;
  }

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
  }

  async onTestRunStart(specifications: ReadonlyArray<TestSpecification>): Promise<void> {
    // vitest slices the files into shards after announcing them all: count this shard's files only.
    const config = this.vitest?.config;
    const mine = config?.shard ? await new config.sequence.sequencer(this.vitest!).shard([...specifications]) : specifications;
    const files = [...new Set(mine.map((s) => s.moduleId))];
    this.filesTotal = files.length;
    this.rulesTotal = files.reduce((n, file) => n + rulesIn(file).length, 0);
    this.started = this.now();
    if (this.mode === 'plain') {
      this.line(`snapconform: running ${this.rulesTotal} rules in ${this.filesTotal} files`);
      this.timer = setInterval(() => this.line(this.status()), this.heartbeatMs);
      this.timer.unref();
    } else {
      this.redraw(true);
    }
  }

  onTestCaseResult(testCase: TestCase): void {
    const meta = testCase.meta().conformance;
    // A test without a record never started (a run cancelled before it): nothing to count.
    if (!meta) return;
    const state = testCase.result().state;
    if (state === 'passed' || state === 'failed') this.cases += 1;
    this.current = `${meta.ruleId} on ${meta.target}`;
    if (state === 'failed') {
      const { outcome, message } = outcomeOf(testCase);
      const line = `${meta.ruleId} on ${meta.target} (${meta.caseId}): ${(message ?? '').split('\n')[0]}`;
      if (outcome === 'undocumented') {
        this.undocumented += 1;
        this.undocumentedCases.push(`? ${line} (undocumented: ${meta.undocumented ?? 'no reason given'})`);
      } else {
        if (outcome === 'fail') this.failed += 1;
        else this.errored += 1;
        this.failures.push(`${outcome === 'fail' ? '✗' : '!'} ${line}`);
      }
    }
    if (this.mode === 'live') this.redraw(false);
  }

  onTestModuleEnd(testModule: TestModule): void {
    this.filesDone += 1;
    // A file whose tests never started (the run was cancelled) did not do its rules.
    const started = [...testModule.children.allTests()].some((t) => t.meta().conformance !== undefined);
    if (started) this.rulesDone += rulesIn(testModule.moduleId).length;
    if (this.mode === 'live') {
      this.redraw(false);
      return;
    }
    const tenth = this.filesTotal === 0 ? 10 : Math.floor((10 * this.filesDone) / this.filesTotal);
    if (tenth > this.lastTenth) {
      this.lastTenth = tenth;
      this.line(this.status());
    }
  }

  onUserConsoleLog(log: UserConsoleLog): void {
    if (this.mode !== 'live') return;
    this.out.write(`${CLEAR_LINE}${log.content}${log.content.endsWith('\n') ? '' : '\n'}`);
    this.redraw(true);
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>, reason: string): void {
    clearInterval(this.timer);
    if (this.mode === 'plain') return;
    this.out.write(CLEAR_LINE);
    const seconds = ((this.now() - this.started) / 1000).toFixed(1);
    const outside = runOutcomeOf(testModules, unhandledErrors).outside;
    const listed = [...this.failures, ...this.undocumentedCases];
    const lines = [
      `snapconform: ${reason === 'interrupted' ? 'interrupted after ' : ''}${this.rulesDone}/${this.rulesTotal} rules, ${this.cases} cases in ${seconds} s: ${this.failed} deviations, ${this.errored} errors${this.undocumentedText()}`,
      ...listed.slice(0, 20).map((f) => `  ${f}`),
      ...(listed.length > 20 ? [`  … and ${listed.length - 20} more in the report`] : []),
      ...outside.map((e) => `  error outside the tests: ${e}`),
    ];
    this.out.write(`${lines.join('\n')}\n`);
  }

  /** The state in one line. */
  status(): string {
    const share = this.rulesTotal === 0 ? 100 : Math.round((100 * this.rulesDone) / this.rulesTotal);
    return `snapconform: rules ${this.rulesDone}/${this.rulesTotal} (${share} %), ${this.cases} cases, ${this.failed} deviations, ${this.errored} errors${this.undocumentedText()}${this.current ? ` — last: ${this.current}` : ''}`;
  }

  /** Named only when there are some: most runs have none, and they are not deviations. */
  private undocumentedText(): string {
    return this.undocumented > 0 ? `, ${this.undocumented} undocumented` : '';
  }

  private line(text: string): void {
    this.out.write(`${text}\n`);
    this.lastWrite = this.now();
  }

  private redraw(force: boolean): void {
    if (!force && this.now() - this.lastWrite < this.redrawMs) return;
    const width = Math.max(20, (this.out.columns ?? 100) - 1);
    const text = this.status().replace(/^snapconform: /, '');
    this.out.write(`${CLEAR_LINE}${text.length > width ? `${text.slice(0, width - 1)}…` : text}`);
    this.lastWrite = this.now();
  }
}
