import { appendFileSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExchangeRecord } from '../src/transport/exchange-log.ts';
import type { CoverageExchange } from './coverage.ts';

/** Where the workers record exchanges during a run, under the report dir (`EXCHANGES_DIR` of the session). */
const WORKER_DIR = '.exchanges';

/**
 * Gathers the exchanges every worker recorded in its own file (`src/conformance/session.ts`) into one
 * `exchanges.ndjson`, and removes the workers' files. Returns false when the run recorded none.
 */
export function gatherExchanges(reportDir: string, into: string): boolean {
  const dir = join(reportDir, WORKER_DIR);
  if (!existsSync(dir)) return false;
  writeFileSync(into, '');
  for (const file of readdirSync(dir).sort()) appendFileSync(into, readFileSync(join(dir, file)));
  rmSync(dir, { recursive: true, force: true });
  return true;
}

/**
 * The exchanges of a gathered file, each with its target's vendor, for spec coverage. A line that does not
 * parse (a worker killed mid-write) is left out rather than failing the report.
 */
export function readExchanges(file: string, vendorOfTarget: ReadonlyMap<string, string>): CoverageExchange[] {
  return readExchangeRecords(file).flatMap((record) => {
    const vendor = vendorOfTarget.get(record.target);
    return vendor && record.request && record.response ? [{ vendor, action: record.action, request: record.request, response: record.response }] : [];
  });
}

/** The records of a gathered exchanges file; a line that does not parse (a torn last line) is left out. */
export function readExchangeRecords(file: string): ExchangeRecord[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').flatMap((line) => {
    if (line.trim() === '') return [];
    try {
      return [JSON.parse(line) as ExchangeRecord];
    } catch {
      return [];
    }
  });
}
