import { closeSync, existsSync, fstatSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SourceRefs } from '../spec/spec-types.ts';

/**
 * Retention obligations: what a run could not check itself because it takes days. A rule that creates a
 * snapshot with a retention deadline on a real endpoint checks that it is there now, and records here that
 * it must be gone once the deadline (and whatever lateness the documents allow) has passed; `snapconform
 * obligations check`, a later scheduled job, verifies each due obligation and settles it. The file is
 * append-only, one JSON line per obligation or settlement, `<report dir>/obligations/<run-id>.ndjson`.
 */

/** A snapshot that must be gone once its deadline has passed, and present until then. */
export interface Obligation {
  kind: 'obligation';
  runId: string;
  /** The target's name in the target file. */
  target: string;
  vendor: string;
  snapshotId: string;
  /** The create parameter that carried the deadline (Tencent `Deadline`, Alibaba `RetentionDays`, Zenlayer `retentionTime`). */
  parameter: string;
  /** The deadline the create asked for, on the endpoint's clock (its `Date` headers), ISO 8601. */
  deadline: string;
  /**
   * How much later than the deadline the documents allow the snapshot to go, in ms: a deadline that travels
   * as whole days (Alibaba RetentionDays) may end up to a day later. 0 where it travels as a time.
   */
  latenessMs: number;
  /** The rule the obligation belongs to (`snapshot.retention.auto-delete`). */
  ruleId: string;
  /** What the documents say, and where (the spec's source citation). */
  expectation: { text: string; source?: SourceRefs; inferred?: boolean };
  /** When the obligation was recorded (local clock), ISO 8601. */
  recordedAt: string;
}

/** What became of an obligation: appended once `obligations check` has a final verdict, so no later check repeats it. */
export interface Settlement {
  kind: 'settled';
  runId: string;
  target: string;
  snapshotId: string;
  /** When the check settled it (the endpoint's clock), ISO 8601. */
  at: string;
  outcome: 'pass' | 'fail';
  observed: string;
}

/** An obligation as read back, with the file it lives in (a settlement is appended there). */
export type RecordedObligation = Obligation & { file: string };

/** Where a run's obligations live: `<report dir>/obligations/<run-id>.ndjson`. */
export function obligationsFile(reportDir: string, runId: string): string {
  return join(reportDir, 'obligations', `${runId}.ndjson`);
}

/** An obligation could not be written; the rule that wanted it ends with an error (the run's cleanup then deletes the snapshot). */
export class ObligationWriteError extends Error {
  override readonly name = 'ObligationWriteError';
}

/**
 * Appends one JSON line, on disk (fsync) before it returns. Lines are written whole; should the file end in a
 * line torn by a crash, a newline goes first, so the torn line spoils only itself and never the new one.
 */
export function appendLine(file: string, value: Obligation | Settlement): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    const fd = openSync(file, 'a+');
    try {
      const size = fstatSync(fd).size;
      let lead = '';
      if (size > 0) {
        const last = Buffer.alloc(1);
        readSync(fd, last, 0, 1, size - 1);
        if (last[0] !== 0x0a) lead = '\n';
      }
      writeSync(fd, `${lead}${JSON.stringify(value)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    throw new ObligationWriteError(`cannot write the obligations file ${file}: ${(error as Error).message}`);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isText = (v: unknown): v is string => typeof v === 'string' && v !== '';

/** Why a parsed line is not an obligation or a settlement, or undefined when it is one. */
function problemOf(line: unknown): string | undefined {
  if (!isObject(line)) return 'not a JSON object';
  for (const key of ['runId', 'target', 'snapshotId'] as const) if (!isText(line[key])) return `no ${key}`;
  if (line['kind'] === 'settled') return line['outcome'] === 'pass' || line['outcome'] === 'fail' ? undefined : 'a settlement without outcome pass or fail';
  if (line['kind'] !== 'obligation') return `kind '${String(line['kind'])}' is neither obligation nor settled`;
  for (const key of ['vendor', 'parameter', 'ruleId'] as const) if (!isText(line[key])) return `no ${key}`;
  if (!isText(line['deadline']) || !Number.isFinite(Date.parse(line['deadline']))) return 'no readable deadline';
  if (typeof line['latenessMs'] !== 'number' || !(line['latenessMs'] >= 0)) return 'no latenessMs (a number of ms, 0 or more)';
  if (!isObject(line['expectation']) || typeof line['expectation']['text'] !== 'string') return 'no expectation';
  return undefined;
}

/** The key that joins an obligation and its settlement. */
const keyOf = (line: { runId: string; target: string; snapshotId: string }) => `${line.runId}\u0000${line.target}\u0000${line.snapshotId}`;

/** Every obligation under a report directory, and which of them are settled. */
export interface ObligationsRead {
  /** Obligations without a settlement, oldest file first. */
  open: RecordedObligation[];
  /** Obligations with a settlement (the first one counts). */
  settled: Array<RecordedObligation & { settlement: Settlement }>;
}

/**
 * Reads every obligations file under `reportDir`. A line that is not an obligation or a settlement (torn by
 * a crash, edited by hand) is skipped, and `warn` is told which and why: one bad line must not hide the
 * others, nor stop a scheduled check.
 */
export function readObligations(reportDir: string, warn: (message: string) => void = () => {}): ObligationsRead {
  const dir = join(reportDir, 'obligations');
  if (!existsSync(dir)) return { open: [], settled: [] };
  const obligations: RecordedObligation[] = [];
  const settlements = new Map<string, Settlement>();
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.ndjson')).sort()) {
    const file = join(dir, name);
    readFileSync(file, 'utf8').split('\n').forEach((text, index) => {
      if (text.trim() === '') return;
      let line: unknown;
      try {
        line = JSON.parse(text);
      } catch {
        warn(`${file}:${index + 1}: skipped, not a whole JSON line (a write cut short?)`);
        return;
      }
      const problem = problemOf(line);
      if (problem) {
        warn(`${file}:${index + 1}: skipped, not an obligation: ${problem}`);
        return;
      }
      const entry = line as Obligation | Settlement;
      if (entry.kind === 'settled') {
        if (!settlements.has(keyOf(entry))) settlements.set(keyOf(entry), entry);
      } else {
        obligations.push({ ...entry, file });
      }
    });
  }
  const open: RecordedObligation[] = [];
  const settled: ObligationsRead['settled'] = [];
  for (const obligation of obligations) {
    const settlement = settlements.get(keyOf(obligation));
    if (settlement) settled.push({ ...obligation, settlement });
    else open.push(obligation);
  }
  return { open, settled };
}

/** When an obligation is due: its deadline plus the lateness the documents allow (epoch ms). */
export function dueAt(obligation: Pick<Obligation, 'deadline' | 'latenessMs'>): number {
  return Date.parse(obligation.deadline) + obligation.latenessMs;
}

/**
 * The snapshots a cleanup must keep on one target because an open obligation still needs them, each with
 * the reason the report shows (`src/conformance/cleanup.ts` lists them as kept, never as left behind).
 */
export function keptForObligations(open: ReadonlyArray<Obligation>, target: string): Map<string, string> {
  return new Map(open.filter((o) => o.target === target).map((o) => [
    o.snapshotId,
    `its retention deadline ${o.deadline} (${o.parameter}) is verified by \`snapconform obligations check\` from ${new Date(dueAt(o)).toISOString()}, which deletes it then`,
  ]));
}

/** How a snapshot under obligation was found by a describe. */
export type Presence = 'present' | 'gone';

/** The verdict on one obligation at one moment, and whether it is final. */
export interface Verdict {
  /** pass: present before the deadline (not yet due) or gone once due; fail: gone early or present once due. */
  outcome: 'pass' | 'fail';
  /** Final (settle it, delete what is left), or not yet due (check again later). */
  settled: boolean;
  /** What was seen, in words, for the report. */
  observed: string;
}

const ago = (ms: number) => {
  const s = Math.round(Math.abs(ms) / 1000);
  return s >= 7200 ? `${(s / 3600).toFixed(1)} h` : s >= 120 ? `${Math.round(s / 60)} min` : `${s} s`;
};

/**
 * Judges an obligation by the endpoint's `now` (ms) and what a describe showed. `toleranceMs` is what the
 * checker cannot know of the endpoint's clock (src/conformance/endpoint-clock.ts): inside it nobody can say
 * which side of a boundary "now" lies, so a snapshot is called early only when it is gone clearly before
 * its deadline, and overdue only when it is present clearly after its due time. Between the deadline and
 * the due time (the lateness the documents allow) either is fine: gone settles it as a pass, present waits.
 */
export function judgeObligation(obligation: Obligation, nowMs: number, presence: Presence, toleranceMs: number): Verdict {
  const deadline = Date.parse(obligation.deadline);
  const due = dueAt(obligation);
  if (presence === 'gone') {
    if (nowMs + toleranceMs < deadline) return { outcome: 'fail', settled: true, observed: `already gone ${ago(deadline - nowMs)} before its deadline ${obligation.deadline}` };
    return { outcome: 'pass', settled: true, observed: nowMs < deadline ? `gone at its deadline ${obligation.deadline}` : `gone ${ago(nowMs - deadline)} after its deadline ${obligation.deadline}` };
  }
  if (nowMs - toleranceMs >= due) {
    return { outcome: 'fail', settled: true, observed: `still described ${ago(nowMs - deadline)} after its deadline ${obligation.deadline}${obligation.latenessMs ? ` (the documents allow ${ago(obligation.latenessMs)} more)` : ''}` };
  }
  return { outcome: 'pass', settled: false, observed: `not yet due: described ${nowMs < deadline ? `${ago(deadline - nowMs)} before its deadline` : `${ago(nowMs - deadline)} after its deadline, within the ${ago(obligation.latenessMs)} the documents allow`} ${obligation.deadline}; due from ${new Date(due).toISOString()}` };
}
