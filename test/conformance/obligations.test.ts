import { execFile } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  appendLine, dueAt, judgeObligation, keptForObligations, ObligationWriteError, obligationsFile, readObligations, type Obligation, type Settlement,
} from '../../src/conformance/obligations.ts';

const RUN_ID = '2026-01-04T00-00-00-000Z-ob1iga';
const HOUR = 3_600_000;

/** An obligation of the retention rule, as the rule records it on a real endpoint. */
const obligation = (snapshotId: string, extra: Partial<Obligation> = {}): Obligation => ({
  kind: 'obligation', runId: RUN_ID, target: 'real', vendor: 'tencent-cbs', snapshotId, parameter: 'Deadline',
  deadline: '2026-01-05T00:01:00.000Z', latenessMs: 0, ruleId: 'snapshot.retention.auto-delete',
  expectation: { text: 'gone after its deadline', source: { doc: 'cbs-create-intl', section: '2. Input Parameters' } },
  recordedAt: '2026-01-04T00:00:00.000Z', ...extra,
});
const settlement = (snapshotId: string, outcome: Settlement['outcome']): Settlement => ({ kind: 'settled', runId: RUN_ID, target: 'real', snapshotId, at: '2026-01-05T01:00:00.000Z', outcome, observed: 'gone' });
const freshDir = () => mkdtempSync(join(tmpdir(), 'snapconform-obligations-'));

describe('the obligations file', () => {
  it('lives beside the ledger, one file per run', () => {
    expect(obligationsFile('/r', RUN_ID)).toBe(`/r/obligations/${RUN_ID}.ndjson`);
  });

  it('appends whole JSON lines that read back, and a settlement settles its obligation only', () => {
    const dir = freshDir();
    const file = obligationsFile(dir, RUN_ID);
    appendLine(file, obligation('snap-aaaaaaaa'));
    appendLine(file, obligation('snap-bbbbbbbb'));
    appendLine(file, settlement('snap-aaaaaaaa', 'pass'));
    expect(readFileSync(file, 'utf8').split('\n')).toHaveLength(4); // three lines, each ended
    const { open, settled } = readObligations(dir);
    expect(open.map((o) => o.snapshotId)).toEqual(['snap-bbbbbbbb']);
    expect(open[0]!.file).toBe(file);
    expect(settled.map((o) => [o.snapshotId, o.settlement.outcome])).toEqual([['snap-aaaaaaaa', 'pass']]);
  });

  it('keeps a line torn by a crash from swallowing the next one: the torn line is skipped with a warning', () => {
    const dir = freshDir();
    const file = obligationsFile(dir, RUN_ID);
    appendLine(file, obligation('snap-aaaaaaaa'));
    // A crash mid-write: half a line, no newline.
    appendFileSync(file, JSON.stringify(obligation('snap-torn0000')).slice(0, 40));
    appendLine(file, obligation('snap-cccccccc'));
    const warnings: string[] = [];
    const { open } = readObligations(dir, (w) => warnings.push(w));
    expect(open.map((o) => o.snapshotId)).toEqual(['snap-aaaaaaaa', 'snap-cccccccc']);
    expect(warnings).toEqual([`${file}:2: skipped, not a whole JSON line (a write cut short?)`]);
  });

  it('skips a line that is no obligation with a warning naming file, line and why, and reads the others', () => {
    const dir = freshDir();
    mkdirSync(join(dir, 'obligations'));
    const file = join(dir, 'obligations', `${RUN_ID}.ndjson`);
    const { deadline: _deadline, ...noDeadline } = obligation('snap-dddddddd');
    writeFileSync(file, [
      JSON.stringify(obligation('snap-aaaaaaaa')),
      'not json at all',
      JSON.stringify(noDeadline),
      JSON.stringify({ ...obligation('snap-eeeeeeee'), latenessMs: -1 }),
      JSON.stringify({ kind: 'promise', runId: RUN_ID, target: 'real', snapshotId: 'snap-ffffffff' }),
      '[1,2]',
      JSON.stringify(obligation('snap-gggggggg')),
    ].join('\n') + '\n');
    const warnings: string[] = [];
    const { open } = readObligations(dir, (w) => warnings.push(w));
    expect(open.map((o) => o.snapshotId)).toEqual(['snap-aaaaaaaa', 'snap-gggggggg']);
    expect(warnings).toEqual([
      `${file}:2: skipped, not a whole JSON line (a write cut short?)`,
      `${file}:3: skipped, not an obligation: no readable deadline`,
      `${file}:4: skipped, not an obligation: no latenessMs (a number of ms, 0 or more)`,
      `${file}:5: skipped, not an obligation: kind 'promise' is neither obligation nor settled`,
      `${file}:6: skipped, not an obligation: not a JSON object`,
    ]);
  });

  it('reads nothing, without complaint, under a report dir no run recorded an obligation in', () => {
    const warnings: string[] = [];
    expect(readObligations(freshDir(), (w) => warnings.push(w))).toEqual({ open: [], settled: [] });
    expect(warnings).toEqual([]);
  });

  it('refuses, as an ObligationWriteError, to record where it cannot write', () => {
    const dir = freshDir();
    // A file where the obligations folder should be: nothing can be written under it, whoever runs the test.
    writeFileSync(join(dir, 'obligations'), '');
    expect(() => appendLine(obligationsFile(dir, RUN_ID), obligation('snap-aaaaaaaa'))).toThrow(ObligationWriteError);
    expect(() => appendLine(obligationsFile(dir, RUN_ID), obligation('snap-aaaaaaaa'))).toThrow(/cannot write the obligations file/);
  });

  it('takes whole lines from several processes appending at once', async () => {
    const dir = freshDir();
    const file = obligationsFile(dir, RUN_ID);
    const module = new URL('../../src/conformance/obligations.ts', import.meta.url).pathname;
    const writer = (n: number) => new Promise<void>((resolve, reject) => {
      const script = `const { appendLine } = await import(${JSON.stringify(module)}); const o = ${JSON.stringify(obligation('x'))};
        for (let i = 0; i < 100; i++) appendLine(${JSON.stringify(file)}, { ...o, snapshotId: 'snap-${n}-' + i, expectation: { text: 'x'.repeat(2000) } });`;
      execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], (error) => (error ? reject(error) : resolve()));
    });
    await Promise.all([1, 2, 3, 4].map(writer));
    const warnings: string[] = [];
    const { open } = readObligations(dir, (w) => warnings.push(w));
    expect(warnings).toEqual([]);
    expect(new Set(open.map((o) => o.snapshotId)).size).toBe(400);
  });

  it('keeps, for a cleanup, the snapshots of one target\'s open obligations, saying when the check is due', () => {
    const kept = keptForObligations([obligation('snap-aaaaaaaa'), obligation('snap-bbbbbbbb', { target: 'other' })], 'real');
    expect([...kept.keys()]).toEqual(['snap-aaaaaaaa']);
    expect(kept.get('snap-aaaaaaaa')).toContain('snapconform obligations check');
    expect(kept.get('snap-aaaaaaaa')).toContain('2026-01-05T00:01:00.000Z');
  });
});

describe('judging an obligation', () => {
  const o = obligation('snap-aaaaaaaa');
  const deadline = Date.parse(o.deadline);
  const tolerance = 2000;

  it('before the deadline: described is not yet due (a pass so far, not settled); gone is a fail (deleted early)', () => {
    expect(judgeObligation(o, deadline - HOUR, 'present', tolerance)).toMatchObject({ outcome: 'pass', settled: false, observed: expect.stringMatching(/^not yet due: described 60 min before its deadline/) });
    expect(judgeObligation(o, deadline - 8 * HOUR, 'gone', tolerance)).toMatchObject({ outcome: 'fail', settled: true, observed: expect.stringMatching(/^already gone 8\.0 h before its deadline/) });
  });

  it('once due: gone is a pass, described a fail (kept too long), both settled', () => {
    expect(judgeObligation(o, deadline + 60_000, 'gone', tolerance)).toMatchObject({ outcome: 'pass', settled: true });
    expect(judgeObligation(o, deadline + 60_000, 'present', tolerance)).toMatchObject({ outcome: 'fail', settled: true, observed: expect.stringMatching(/^still described 60 s after its deadline/) });
  });

  it('leaves alone what its clock cannot place: within the tolerance of a boundary nothing is early or late', () => {
    expect(judgeObligation(o, deadline - 1000, 'gone', tolerance)).toMatchObject({ outcome: 'pass', settled: true });
    expect(judgeObligation(o, deadline + 1000, 'present', tolerance)).toMatchObject({ outcome: 'pass', settled: false });
    expect(judgeObligation(o, deadline - 3000, 'gone', tolerance)).toMatchObject({ outcome: 'fail' });
    expect(judgeObligation(o, deadline + 3000, 'present', tolerance)).toMatchObject({ outcome: 'fail' });
  });

  it('allows the documented lateness (whole days): described within it waits, gone within it passes, described past it fails', () => {
    const days = obligation('s-aaaaaaaa', { parameter: 'RetentionDays', latenessMs: 24 * HOUR });
    expect(dueAt(days)).toBe(deadline + 24 * HOUR);
    expect(judgeObligation(days, deadline + 12 * HOUR, 'present', tolerance)).toMatchObject({ outcome: 'pass', settled: false, observed: expect.stringContaining('within the 24.0 h the documents allow') });
    expect(judgeObligation(days, deadline + 12 * HOUR, 'gone', tolerance)).toMatchObject({ outcome: 'pass', settled: true });
    expect(judgeObligation(days, deadline + 25 * HOUR, 'present', tolerance)).toMatchObject({ outcome: 'fail', settled: true });
  });
});
