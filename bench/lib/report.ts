import { existsSync, readFileSync } from 'node:fs';

/** One result of a conformance.json (the fields the benchmark reads). */
export interface ReportResult {
  ruleId: string;
  caseId: string;
  target: string;
  outcome: 'pass' | 'fail' | 'skip' | 'error' | string;
  observed?: string;
  counterexample?: unknown;
  durationMs?: number;
  seed?: number;
  skipReason?: string;
}

/** What the benchmark reads of a conformance.json. */
export interface ConformanceReport {
  summary: { pass: number; fail: number; skip: number; error: number };
  results: ReportResult[];
}

/** Reads a conformance.json; undefined when there is none. */
export function readReport(file: string): ConformanceReport | undefined {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ConformanceReport) : undefined;
}
