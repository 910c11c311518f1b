import { compareVendors, vendorComparisonText, type ComparedReport } from '../report/vendor-comparison.ts';
import { EXIT } from './cli-context.ts';

/**
 * `snapconform report --vendors <report>…`: the targets of the reports side by side, rule by rule (each
 * target's answer, values seen and variant matched), in the terminal or as JSON. A look, not a gate: it exits
 * 0 whatever the targets did, as the reports' own gates have judged them.
 */
export function vendorsCommand(reports: ReadonlyArray<ComparedReport>, options: { json: boolean; cases: boolean }): number {
  const comparison = compareVendors(reports);
  process.stdout.write(options.json ? `${JSON.stringify(comparison, null, 2)}\n` : vendorComparisonText(comparison, { cases: options.cases }));
  return EXIT.conforms;
}
