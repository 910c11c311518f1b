import { round } from './stats.ts';

/**
 * A target a figure is held to: on its ratio against the same-run baseline, or, where the issue states an
 * absolute budget (p99 under 5 ms, a run under 20 s), on the measured value itself.
 */
export interface FigureTarget {
  on: 'ratio' | 'measured';
  op: '>=' | '<=' | '==';
  value: number;
}

/** One row of the benchmark: a measurement, the baseline measured in the same run, their ratio and the target. */
export interface Figure {
  /** Stable id, `<section>.<what>[.<vendor>]`, e.g. `throughput.tencent-cbs`. */
  id: string;
  /** The issue's figure number (1 throughput … 5 shrinking, 6 a mutating run on URL targets). */
  section: 1 | 2 | 3 | 4 | 5 | 6;
  title: string;
  measured: number;
  unit: string;
  baseline: number;
  /** What the baseline is, e.g. `bare node:http`. */
  baselineLabel: string;
  /** measured ÷ baseline. */
  ratio: number;
  target: FigureTarget;
  met: boolean;
  /** Context a reader needs (error counts, what was shrunk, how long it took). */
  note?: string;
  /** Why the measurement does not stand for what the figure claims (then it is never met), if it does not. */
  invalid?: string;
  /** Everything else measured, for bench.json. */
  details?: Record<string, unknown>;
}

/** A figure with its ratio and verdict computed. */
export function makeFigure(fields: Omit<Figure, 'ratio' | 'met'> & { ratio?: number }): Figure {
  const ratio = fields.ratio ?? (fields.baseline === 0 ? Number.NaN : fields.measured / fields.baseline);
  const value = fields.target.on === 'ratio' ? ratio : fields.measured;
  const met = fields.target.op === '>=' ? value >= fields.target.value
    : fields.target.op === '<=' ? value <= fields.target.value
      : Math.abs(value - fields.target.value) < 1e-9;
  return { ...fields, ratio, met: Number.isFinite(value) && met && fields.invalid === undefined };
}

/** `ratio ≥ 0.40`, `measured ≤ 5 ms`: the target as the table shows it. */
export function describeTarget(figure: Pick<Figure, 'target' | 'unit'>): string {
  const op = { '>=': '≥', '<=': '≤', '==': '=' }[figure.target.op];
  return figure.target.on === 'ratio' ? `ratio ${op} ${figure.target.value}` : `${op} ${figure.target.value} ${figure.unit}`;
}

const SECTIONS: Record<Figure['section'], string> = {
  1: '1. Emulator throughput (signed calls, undici keep-alive, 8 connections)',
  2: '2. Suite overhead (sign + send + decode + validate vs raw undici, same emulator)',
  3: '3. Full run (`snapconform run`, default target)',
  4: '4. Rate-limit pacing (emulator enforcing Tencent 20 req/s per action)',
  5: '5. Shrinking (planted deviations)',
  6: '6. Mutating run on URL targets (standalone emulators, creation in seconds, rate limits on) against its plan\'s lower bound',
};

const show = (value: number, unit = '') => (Number.isFinite(value) ? `${round(value, Math.abs(value) >= 100 ? 0 : 2)}${unit ? ` ${unit}` : ''}` : 'n/a');

/** The figures as a plain-text table, grouped by section, with every ratio beside its target. */
export function formatTable(figures: readonly Figure[]): string {
  const header = ['figure', 'measured', 'baseline', 'ratio', 'target', 'met?'];
  const lines: string[] = [];
  for (const section of [1, 2, 3, 4, 5] as const) {
    const rows = figures.filter((f) => f.section === section);
    if (rows.length === 0) continue;
    const cells = rows.map((f) => [
      f.title, show(f.measured, f.unit), `${show(f.baseline)} (${f.baselineLabel})`, show(f.ratio), describeTarget(f), f.met ? 'yes' : 'NO',
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
    const line = (c: string[]) => c.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd();
    lines.push('', SECTIONS[section], line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line));
    for (const f of rows.filter((r) => r.note || r.invalid)) lines.push(`  · ${f.title}: ${[f.invalid && `INVALID: ${f.invalid}`, f.note].filter(Boolean).join('; ')}`);
  }
  const missed = figures.filter((f) => !f.met);
  lines.push('', missed.length === 0 ? `All ${figures.length} targets met.` : `${figures.length - missed.length} of ${figures.length} targets met; not met: ${missed.map((f) => f.id).join(', ')}.`);
  return lines.join('\n');
}
