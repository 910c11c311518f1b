import type { UserConsoleLog } from 'vitest';
import type { Reporter, SerializedError, TestCase, TestModule, TestSpecification, Vitest } from 'vitest/node';
import { RULES, ruleSelected } from '../src/conformance/rule-catalogue.ts';
import { entryFor, isExpired, type Baseline } from '../src/report/baseline.ts';
import { headlineOf, outcomeOf } from './conformance-reporter.ts';
import { runOutcomeOf } from './run-outcome.ts';
import { terminalLine } from './terminal-text.ts';

/** Where progress goes: a terminal (`columns` set) or a log. */
export interface ProgressStream {
  write(text: string): unknown;
  columns?: number;
}

/** Options of {@link ProgressReporter}. */
export interface ProgressOptions {
  /**
   * `live`: one status line redrawn in place, then the findings (a terminal). `plain`, for CI logs and pipes:
   * a line at every tenth of the rule files and at least every `heartbeatMs`, and one line per finding as it
   * happens. Either way the counts of the run end in the report's own summary line (the conformance reporter's),
   * so this reporter prints none of its own at the end: there is one set of totals, the report's.
   */
  mode: 'live' | 'plain';
  /** The run's baseline: a finding it excuses is counted and listed as `known`, as the report will. */
  baseline?: Baseline;
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

/** The longest message a finding's line carries: a CI log gets one concise line per finding, the report the rest. */
const MESSAGE_WIDTH = 160;

/** How a finding is marked in the lists: fail, error, undocumented, known. */
const MARKS = { fail: '✗', error: '!', undocumented: '?', known: '~' } as const;
type Finding = keyof typeof MARKS;

/** The rules of the run (`--rules`) that live in a test file (matched by the end of its path). */
function rulesIn(moduleId: string): string[] {
  return Object.entries(RULES).filter(([id, rule]) => moduleId.endsWith(`/${rule.file}`) && ruleSelected(id)).map(([id]) => id);
}

/**
 * Progress of a conformance run: rules done of the total (a rule is done when its file is), cases done, the
 * findings so far counted as the report counts them (fail, error, undocumented, known), and the rule last
 * heard of.
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
  private readonly counts: Record<Finding, number> = { fail: 0, error: 0, undocumented: 0, known: 0 };
  private readonly baseline: Baseline | undefined;
  private current = '';
  private started = 0;
  private lastWrite = 0;
  private lastTenth = 0;
  private lastStatus = '';
  private timer: NodeJS.Timeout | undefined;
  /** Each finding's line, by outcome: listed worst first at the end of a live run. */
  private readonly findings: Record<Finding, string[]> = { fail: [], error: [], undocumented: [], known: [] };
  private vitest: Vitest | undefined;

  constructor(options: ProgressOptions) {
    this.mode = options.mode;
    this.out = options.out ?? process.stdout;
    this.heartbeatMs = options.heartbeatMs ?? 30_000;
    this.redrawMs = options.redrawMs ?? 100;
    this.now = options.now ?? Date.now;
    this.baseline = options.baseline;
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
      // The report applies the baseline to fails and undocumented cases, never to errors.
      const entry = outcome === 'error' ? undefined : entryFor(this.baseline, meta, new Date(this.now()));
      // A failed test is a fail, an error or an undocumented case (outcomeOf); the baseline may make it known.
      const finding = entry && !isExpired(entry, new Date(this.now())) ? 'known' : outcome as Exclude<Finding, 'known'>;
      // The finding's headline, as the report will lead with it; it quotes the endpoint, so nothing in it may drive the terminal.
      const firstLine = terminalLine(headlineOf(outcome, meta.headline, message).headline ?? '');
      const text = firstLine.length > MESSAGE_WIDTH ? `${firstLine.slice(0, MESSAGE_WIDTH - 1)}…` : firstLine;
      const why = finding === 'undocumented' ? ` (undocumented: ${meta.undocumented ?? 'no reason given'})` : finding === 'known' ? ` (known: ${entry!.reason})` : '';
      const line = `${meta.ruleId} on ${meta.target} (${terminalLine(meta.caseId)}): ${text}${terminalLine(why)}`;
      this.counts[finding] += 1;
      this.findings[finding].push(`${MARKS[finding]} ${line}`);
      if (this.mode === 'plain') this.line(`snapconform: ${finding} ${line}`);
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
    // A file without a selected rule (a tenth of its own in a narrow run) would repeat the line before.
    if (tenth > this.lastTenth && this.status() !== this.lastStatus) {
      this.lastTenth = tenth;
      this.lastStatus = this.status();
      this.line(this.lastStatus);
    }
  }

  onUserConsoleLog(log: UserConsoleLog): void {
    if (this.mode !== 'live') return;
    this.out.write(`${CLEAR_LINE}${log.content}${log.content.endsWith('\n') ? '' : '\n'}`);
    this.redraw(true);
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>, reason: string): void {
    clearInterval(this.timer);
    // A log already has each finding's line; the totals follow in the report's summary line.
    if (this.mode === 'plain') return;
    this.out.write(CLEAR_LINE);
    const seconds = ((this.now() - this.started) / 1000).toFixed(1);
    const outside = runOutcomeOf(testModules, unhandledErrors).outside;
    // Worst first; undocumented and known cases do not fail the run by default.
    const listed = [...this.findings.fail, ...this.findings.error, ...this.findings.undocumented, ...this.findings.known];
    const lines = [
      `snapconform: ${reason === 'interrupted' ? 'interrupted after ' : ''}${this.rulesDone}/${this.rulesTotal} rules, ${this.cases} cases in ${seconds} s`,
      ...listed.slice(0, 20).map((f) => `  ${f}`),
      ...(listed.length > 20 ? [`  … and ${listed.length - 20} more in the report`] : []),
      ...outside.map((e) => `  error outside the tests: ${terminalLine(e)}`),
    ];
    this.out.write(`${lines.join('\n')}\n`);
  }

  /** The state in one line. */
  status(): string {
    const share = this.rulesTotal === 0 ? 100 : Math.round((100 * this.rulesDone) / this.rulesTotal);
    // Undocumented and known cases are named only when there are some: most runs have none, and they do not fail it.
    const { fail, error, undocumented, known } = this.counts;
    const optional = `${undocumented > 0 ? `, ${undocumented} undocumented` : ''}${known > 0 ? `, ${known} known` : ''}`;
    return `snapconform: rules ${this.rulesDone}/${this.rulesTotal} (${share} %), ${this.cases} cases, ${fail} fail, ${error} error${optional}${this.current ? ` — last: ${this.current}` : ''}`;
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
