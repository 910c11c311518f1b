import type { ConformanceReport } from '../../reporters/report-types.ts';
import { expiredEntries, type Baseline } from './baseline.ts';

/**
 * What fails a gate (`--fail-on`): `new` (the default) fails on deviations and errors the baseline does not
 * excuse; `any` fails on known deviations too; `inferred` is `new` plus undocumented cases (expectations the
 * documents do not state), for a team that holds the service to the spec's inferences as well. Under `new`
 * and `any` an undocumented case never fails the run: it is not a deviation from a document.
 */
export type FailOn = 'new' | 'any' | 'inferred';

/** The values `--fail-on` takes. */
export const FAIL_ON: readonly FailOn[] = ['new', 'any', 'inferred'];

/** `new, any or inferred`: the values for a one-line error. */
export const FAIL_ON_TEXT = `${FAIL_ON.slice(0, -1).join(', ')} or ${FAIL_ON.at(-1)!}`;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** How a gate judges a report. */
export interface GateOptions {
  failOn: FailOn;
  /** The baseline the report was judged with: its expired entries fail the gate. */
  baseline?: Baseline;
  /** The time expiry is judged at (the report's own time, so the report and the gate agree). */
  now: Date;
}

/**
 * Why a report does not pass the gate, one reason a line; none when it passes. Expired baseline entries fail
 * the gate whatever they match: they are to be renewed or removed.
 */
export function gateProblems(report: Pick<ConformanceReport, 'summary'>, options: GateOptions): string[] {
  const { fail, error, known, undocumented } = report.summary;
  const file = options.baseline?.file;
  return [
    ...(fail > 0 ? [`${plural(fail, 'deviation')} from the documents${options.baseline ? ' not in the baseline' : ''}`] : []),
    ...(error > 0 ? [`${plural(error, 'error')} (the suite or the network failed, not the vendor)`] : []),
    ...(options.failOn === 'any' && known > 0 ? [`${plural(known, 'known deviation')} (--fail-on any)`] : []),
    ...(options.failOn === 'inferred' && undocumented > 0 ? [`${plural(undocumented, 'undocumented case')} (--fail-on inferred): the service did not do what the spec infers where the documents are silent`] : []),
    ...expiredEntries(options.baseline, options.now).map((e) => `baseline ${file}: ${e.at} (rule ${e.rule}, target ${e.target}) expired on ${e.expires}: it excuses nothing any more; fix the deviation, or renew or remove the entry`),
  ];
}
