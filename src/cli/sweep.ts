import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cleanUp, leftSomething, type CleanupResult } from '../conformance/cleanup.ts';
import { keptForObligations, readObligations } from '../conformance/obligations.ts';
import { boundsOf } from '../conformance/target-file.ts';
import { ExchangeLog } from '../transport/exchange-log.ts';
import { adapterFor } from '../vendors/registry.ts';
import { ledgersOrFail, reportDirOrFail, targetsOrFail } from './command-inputs.ts';
import { DEFAULT_TARGET_FILE, EXIT, fail, warn } from './cli-context.ts';
import { terminalLine } from '../../reporters/terminal-text.ts';
import { SWEEP_HELP } from './help.ts';

/**
 * One target's line of the sweep's output: what was deleted, and what is left with the reasons (ids and reasons
 * come from the endpoint's answers: their control characters are written visibly).
 */
export function sweepLine(result: CleanupResult): string {
  const notes = (list: CleanupResult['leftBehind']) => list.map((n) => `${n.id} (${n.reason})`).join('; ');
  return terminalLine([
    `${result.target}: deleted ${result.deleted.length}`,
    ...(result.gone.length ? [`already gone ${result.gone.length}`] : []),
    ...(result.kept?.length ? [`kept for the obligation check ${result.kept.length}: ${result.kept.map((n) => n.id).join(', ')}`] : []),
    ...(result.leftBehind.length ? [`left behind ${result.leftBehind.length}: ${notes(result.leftBehind)}`] : []),
    ...(result.unconfirmed.length ? [`unconfirmed, left alone ${result.unconfirmed.length}: ${notes(result.unconfirmed)}`] : []),
  ].join(', '));
}

/**
 * `snapconform sweep`: deletes, on each real target, what the ledgers say earlier runs created there — only
 * what a describe shows carrying the creating run's label — and records its requests in
 * `<report dir>/sweep-<time>.exchanges.ndjson`. Exit 0 when nothing the ledgers list remains, 3 when something
 * does or could not be confirmed, 2 on bad input.
 */
export async function sweepCommand(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args, options: {
      target: { type: 'string', default: DEFAULT_TARGET_FILE },
      'report-dir': { type: 'string', default: 'reports' },
      deadline: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    } }));
  } catch (error) {
    return fail(`${(error as Error).message} (see snapconform sweep --help)`);
  }
  if (values.help) {
    process.stdout.write(SWEEP_HELP);
    return EXIT.conforms;
  }
  // --deadline, else each target's cleanupDeadlineSeconds, else the default (src/conformance/cleanup.ts).
  const deadlineSeconds = values.deadline === undefined ? undefined : Number(values.deadline);
  if (deadlineSeconds !== undefined && (!Number.isFinite(deadlineSeconds) || deadlineSeconds <= 0)) fail(`--deadline: '${values.deadline}' is not a number of seconds above 0 (see snapconform sweep --help)`);
  const entries = targetsOrFail(values.target);
  // The report directory is the user's (relative to where they run the command), as for `run`.
  const reportDir = reportDirOrFail(values['report-dir'], 'the ledgers are in <report dir>/ledger/');
  const ledger = ledgersOrFail(reportDir);
  // A snapshot an open retention obligation needs stays until `snapconform obligations check` has checked it.
  const { open } = readObligations(reportDir, (message) => warn(message));
  const real = entries.filter((e) => e.endpoint !== 'emulator');
  const known = new Set(real.map((e) => e.name));
  const elsewhere = [...new Set(ledger.filter((e) => !known.has(e.target)).map((e) => e.target))];
  const exchanges = join(reportDir, `sweep-${new Date().toISOString().replace(/[:.]/g, '-')}.exchanges.ndjson`);
  const log = new ExchangeLog(exchanges);
  let remains = false;
  try {
    for (const entry of real) {
      if (!adapterFor(entry.vendor)) {
        process.stdout.write(`${entry.name}: skipped, snapconform cannot speak the ${entry.vendor} protocol\n`);
        continue;
      }
      const result = await cleanUp({ ...entry, credentials: entry.credentials!, emulator: false, ...boundsOf(entry) }, ledger, { ...(deadlineSeconds !== undefined ? { deadlineMs: deadlineSeconds * 1000 } : {}), log, keep: keptForObligations(open, entry.name) });
      process.stdout.write(`${sweepLine(result)}\n`);
      remains ||= leftSomething(result);
    }
  } finally {
    await log.close();
  }
  if (elsewhere.length > 0) process.stdout.write(`not swept: the ledgers also list ${elsewhere.join(', ')}, not real targets of ${values.target}\n`);
  process.stdout.write(`requests and answers in ${exchanges}\n`);
  return remains ? EXIT.safetyAbort : EXIT.conforms;
}
