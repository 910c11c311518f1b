import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { createSchemaValidator } from '../spec/ajv.ts';
import type { ConformanceReport } from '../../reporters/report-types.ts';

/** A report that cannot be read: one line naming the path and what is wrong. */
export class ReportInputError extends Error {
  override readonly name = 'ReportInputError';
}

/** A report read from disk. */
export interface LoadedReport {
  /** The `conformance.json` read. */
  file: string;
  /** Its folder (where `exchanges.ndjson` sits beside it). */
  dir: string;
  report: ConformanceReport;
}

let validator: ValidateFunction | undefined;

/** The published schema (`reporters/conformance.schema.json`), compiled once. */
function validate(data: unknown): ValidateFunction {
  if (!validator) {
    const schema = JSON.parse(readFileSync(new URL('../../reporters/conformance.schema.json', import.meta.url), 'utf8')) as object;
    validator = createSchemaValidator({ allErrors: false, strict: true }).compile(schema);
  }
  validator(data);
  return validator;
}

/**
 * Where a path's report is: the path itself when it is a file, else `<dir>/conformance.json` (a run's
 * folder), else `<dir>/latest/conformance.json` (a `--report-dir`).
 */
export function reportFileOf(path: string): string {
  if (!existsSync(path)) throw new ReportInputError(`${path}: no such file or folder; give a conformance.json, a run's report folder or a --report-dir`);
  if (!statSync(path).isDirectory()) return path;
  for (const candidate of [join(path, 'conformance.json'), join(path, 'latest', 'conformance.json')]) {
    if (existsSync(candidate)) return candidate;
  }
  throw new ReportInputError(`${path}: holds neither conformance.json nor latest/conformance.json`);
}

/**
 * Reads a report and checks it against the published schema; a report made before the `undocumented`
 * outcome existed reads with that count 0. @throws {@link ReportInputError}
 */
export function readReport(path: string): LoadedReport {
  const file = reportFileOf(path);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ReportInputError(`${file}: not a readable JSON report (${(error as Error).message.split('\n')[0]})`);
  }
  const check = validate(data);
  if (check.errors && check.errors.length > 0) {
    const [first] = check.errors;
    const version = (data as { schemaVersion?: unknown } | null)?.schemaVersion;
    const hint = version !== undefined && version !== 2 ? ` (schemaVersion ${String(version)}; this snapconform reads 2)` : '';
    throw new ReportInputError(`${file}: ${first!.instancePath || '/'}: ${first!.message ?? first!.keyword}${hint}`);
  }
  const report = data as ConformanceReport;
  // Reports made before the undocumented outcome existed had none and do not count it.
  report.summary.undocumented ??= 0;
  return { file, dir: dirname(file), report };
}
