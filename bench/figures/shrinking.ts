import { join } from 'node:path';
import { DEVIATIONS } from '../../src/emulator/deviations/catalogue.ts';
import { makeFigure, type Figure } from '../lib/figure.ts';
import type { BenchOptions } from '../lib/options.ts';
import { PLANTED, type PlantedDeviation } from '../lib/planted.ts';
import { readReport, type ReportResult } from '../lib/report.ts';
import { round } from '../lib/stats.ts';
import { vendorsUnderTest, type VendorUnderTest } from '../lib/workload.ts';
import { measureSnapconformRun } from './full-run.ts';

const resultsOf = (file: string | undefined): ReportResult[] => (file ? readReport(file)?.results ?? [] : []);

const seconds = (ms: number | undefined) => (ms === undefined ? 'n/a' : `${round(ms / 1000, 2)} s`);

/** The row of one planted deviation on one vendor, from the deviant run's report and the conforming run's. */
function rowFor(planted: PlantedDeviation, subject: VendorUnderTest, deviant: ReportResult[], conforming: ReportResult[], minimal: number): Figure {
  const mine = (r: ReportResult) => r.target === subject.name && planted.catches(r, subject);
  const hits = deviant.filter(mine);
  // Where the broken expectation is inferred (Zenlayer's quota number), the rule reports `undocumented`: caught all the same.
  const failing = hits.find((r) => r.outcome === 'fail' || r.outcome === 'undocumented');
  const reference = conforming.find((r) => mine(r) && (!failing || r.caseId === failing.caseId));
  const size = failing ? planted.size(failing.counterexample, subject) : undefined;
  const note = failing
    ? `found and shrunk in ${seconds(failing.durationMs)} (the rule passes a conforming emulator in ${seconds(reference?.durationMs)}); counterexample ${JSON.stringify(failing.counterexample).slice(0, 160)}`
    : `NOT CAUGHT: ${hits.length === 0 ? 'no result of the rule in the report' : hits.map((r) => `${r.caseId} ${r.outcome}${r.skipReason ? ` (${r.skipReason})` : ''}`).join(', ')}`;
  return makeFigure({
    id: `shrink.${planted.key}.${subject.vendor}`, section: 5, title: `${subject.vendor}: ${planted.title}`,
    measured: size ?? Number.NaN, unit: planted.unit, baseline: minimal, baselineLabel: 'minimal, from the spec',
    target: { on: 'measured', op: '<=', value: minimal + planted.tolerance },
    note,
    details: {
      deviation: planted.deviation, ruleId: failing?.ruleId, caseId: failing?.caseId, counterexample: failing?.counterexample, seed: failing?.seed,
      timeMs: failing?.durationMs, conformingTimeMs: reference?.durationMs,
      timeRatio: failing?.durationMs !== undefined && reference?.durationMs ? round(failing.durationMs / reference.durationMs) : undefined,
    },
  });
}

/** The row of a deviation the emulators do not know (renamed or removed): nothing to measure, never met. */
function unavailableRow(planted: PlantedDeviation, subject: VendorUnderTest, minimal: number): Figure {
  return makeFigure({
    id: `shrink.${planted.key}.${subject.vendor}`, section: 5, title: `${subject.vendor}: ${planted.title}`,
    measured: Number.NaN, unit: planted.unit, baseline: minimal, baselineLabel: 'minimal, from the spec',
    target: { on: 'measured', op: '<=', value: minimal + planted.tolerance },
    invalid: `the emulators have no '${planted.deviation}' deviation (src/emulator/deviations/catalogue.ts)`,
  });
}

/**
 * Figure 5: for each planted deviation, `snapconform run --emulator-deviation <id>` and, from its report, the
 * counterexample of the rule made to catch it — its size against the smallest the deviation admits (from the
 * spec), and the rule's time against the same rule in a conforming run. `--quick` plants all three in one run.
 * The rules try boundary values first (the quota's count, the retention band's edges, `maxLength + 1`), so a
 * minimal counterexample is usually found without shrinking at all; fast-check shrinks what random runs find.
 */
export async function shrinking(options: BenchOptions, conformingReport: string | undefined): Promise<Figure[]> {
  const subjects = vendorsUnderTest();
  const known = new Set(Object.keys(DEVIATIONS));
  const planted = PLANTED.filter((p) => known.has(p.deviation));
  const dir = join(options.outDir, 'tmp');
  const conforming = resultsOf(conformingReport ?? (await measureSnapconformRun(join(dir, 'shrink-conforming'), [])).reportFile);
  const figures: Figure[] = [];
  const groups = options.quick ? [planted] : planted.map((p) => [p]);
  for (const group of groups.filter((g) => g.length > 0)) {
    const run = await measureSnapconformRun(join(dir, `shrink-${group.map((p) => p.key).join('+')}`), group.flatMap((p) => ['--emulator-deviation', p.deviation]));
    options.log(`  ${group.map((p) => p.deviation).join(', ')}: ${round(run.wallMs / 1000)} s, ${run.report ? `${run.report.summary.fail} rules failed` : `no report: ${run.outputTail.slice(-300)}`}`);
    const deviant = run.report?.results ?? [];
    for (const p of group) {
      for (const subject of subjects) {
        const minimal = p.minimal(subject);
        if (minimal !== undefined) figures.push(rowFor(p, subject, deviant, conforming, minimal));
      }
    }
  }
  for (const p of PLANTED.filter((d) => !known.has(d.deviation))) {
    for (const subject of subjects) {
      const minimal = p.minimal(subject);
      if (minimal !== undefined) figures.push(unavailableRow(p, subject, minimal));
    }
  }
  return figures;
}
