import type { ConformanceReport } from './report-types.ts';

/** One option that shaped a run, for a report's header: what it is, and its value as given. */
export interface RunOptionPart {
  label: string;
  value: string;
}

/**
 * The options that shaped a run (its seed, `run.options`, the SDK driven and its version), in the order the
 * Markdown and HTML headers show them; each renderer quotes the values its own way. Two reports that differ
 * here were not the same run.
 */
export function runOptionParts(run: ConformanceReport['run']): RunOptionPart[] {
  const options = run.options ?? {};
  const driver = run.driver ? `${run.driver.id}${run.driver.version ? ` ${run.driver.version}` : ''}` : options.driver;
  const parts: Array<[string, string | undefined]> = [
    ['seed', run.seed === undefined ? undefined : String(run.seed)],
    ['property runs', options.runs === undefined ? undefined : `×${options.runs}`],
    ['rules', options.rules],
    ['vendors', options.vendors?.join(', ')],
    ['emulator deviations', options.emulatorDeviations?.join(', ')],
    ['mutations allowed', options.allowMutations ? 'on every target' : undefined],
    ['through', driver],
    ['SDK from', options.driverPath],
    [options.targets?.length === 1 ? 'target file' : 'target files', options.targets?.join(', ')],
  ];
  return parts.flatMap(([label, value]) => (value === undefined ? [] : [{ label, value }]));
}
