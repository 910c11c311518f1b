import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { cleanUp } from '../conformance/cleanup.ts';
import { readAllLedgers } from '../conformance/ledger.ts';
import { loadTargetFile, TargetFileError, type TargetEntry } from '../conformance/target-file.ts';
import { DEFAULT_TARGET_FILE, EXIT, fail } from './cli-context.ts';
import { SWEEP_HELP } from './help.ts';

/** `snapconform sweep`: deletes, on each real target, what the ledgers say earlier runs created there. */
export async function sweepCommand(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args, options: { target: { type: 'string', default: DEFAULT_TARGET_FILE }, 'report-dir': { type: 'string', default: 'reports' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (error) {
    return fail(`${(error as Error).message} (see snapconform sweep --help)`);
  }
  if (values.help) {
    process.stdout.write(SWEEP_HELP);
    return EXIT.conforms;
  }
  let entries: TargetEntry[];
  try {
    entries = loadTargetFile(resolve(values.target));
  } catch (error) {
    if (error instanceof TargetFileError) fail(error.message);
    throw error;
  }
  const ledger = readAllLedgers(resolve(values['report-dir']));
  let problems = 0;
  for (const entry of entries.filter((e) => e.endpoint !== 'emulator')) {
    const result = await cleanUp({ ...entry, credentials: entry.credentials!, emulator: false }, ledger);
    process.stdout.write(`${entry.name}: deleted ${result.deleted.length}${result.gone.length ? `, already gone ${result.gone.length}` : ''}${result.failed.length ? `, could not delete ${result.failed.map((f) => `${f.id} (${f.reason})`).join(', ')}` : ''}${result.unknown.length ? `, outcome unknown (check by name): ${result.unknown.join(', ')}` : ''}${result.notOurs.length ? `, left alone (in the ledger but without this tool's name prefix or tag): ${result.notOurs.join(', ')}` : ''}\n`);
    problems += result.failed.length + result.unknown.length + result.notOurs.length;
  }
  return problems === 0 ? EXIT.conforms : EXIT.deviations;
}
