import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildReport } from '../../reporters/build-report.ts';
import { readExchanges } from '../../reporters/exchanges.ts';
import type { ReportEntry } from '../../reporters/report-types.ts';
import { readRunMetadata } from '../../reporters/run-metadata.ts';
import { summaryText, writeReportAtomically, writeReportFiles } from '../../reporters/write-report.ts';
import { cleanUp, DELETING, leftSomething, type CleanupResult } from '../conformance/cleanup.ts';
import { clientAtEndpointClock, probeEndpointClock, toleranceSeconds, type EndpointClock } from '../conformance/endpoint-clock.ts';
import type { LedgerEntry } from '../conformance/ledger.ts';
import { appendLine, dueAt, judgeObligation, readObligations, type Presence, type RecordedObligation, type Verdict } from '../conformance/obligations.ts';
import { RUN_ENV } from '../conformance/run-env.ts';
import { politeClient } from '../conformance/session.ts';
import { boundsOf, type TargetEntry } from '../conformance/target-file.ts';
import type { TargetInfo } from '../conformance/target.ts';
import { loadSpec } from '../spec/load-spec.ts';
import type { CallResult } from '../transport/call-result.ts';
import { ExchangeLog } from '../transport/exchange-log.ts';
import { HttpTransport } from '../transport/http-transport.ts';
import { adapterFor } from '../vendors/registry.ts';
import { ledgersOrFail, reportDirOrFail, targetsOrFail } from './command-inputs.ts';
import { DEFAULT_TARGET_FILE, EXIT, fail, newRunId, VERSION, warn } from './cli-context.ts';
import { OBLIGATIONS_HELP } from './help.ts';

/** The title of the rule's test, so that a check's entries read like the run's (JUnit, the HTML page). */
const TITLE = 'should delete a snapshot automatically once its retention deadline has passed';

/** One obligation as this check found it: the report's entry, and the verdict when there is one. */
interface Checked {
  obligation: RecordedObligation;
  entry: ReportEntry;
  verdict?: Verdict;
  /** What the describe showed, when it could tell. */
  presence?: Presence;
  /** The endpoint's now when it was judged (ms). */
  at: number;
}

/** What the endpoint's clock was found to be, in words, when it is not ours. */
function clockNote(clock: EndpointClock): string {
  if (!clock.fromEndpoint) return ' (the endpoint sends no Date header: judged by our clock)';
  return Math.abs(clock.offsetMs) >= 1000 ? ` (judged by the endpoint's clock, ${Math.round(clock.offsetMs / 1000)} s from ours by its Date headers)` : '';
}

/** An entry for an obligation that could not be judged: the suite or the network failed, not the vendor. */
function errorEntry(obligation: RecordedObligation, message: string, result?: CallResult): ReportEntry {
  return {
    ruleId: obligation.ruleId, caseId: `createSnapshot.${obligation.parameter}@${obligation.snapshotId}`, vendor: obligation.vendor, target: obligation.target,
    expectation: obligation.expectation, title: TITLE, outcome: 'error', message, durationMs: 0,
    ...(result ? { transcript: result.transcript } : {}),
  };
}

/**
 * Checks one target's open obligations: places the endpoint's clock from its `Date` headers, describes each
 * snapshot, judges it ({@link judgeObligation}), and deletes what is left of the settled ones through the
 * cleanup (only what a ledger lists and a describe shows with its run's label). Requests are signed at the
 * endpoint's time, so a runner whose clock drifted still gets answers.
 */
async function checkTarget(entry: TargetEntry, obligations: RecordedObligation[], ledger: LedgerEntry[], log: ExchangeLog): Promise<{ checked: Checked[]; cleanup: CleanupResult }> {
  const adapter = adapterFor(entry.vendor);
  const nothingDeleted: CleanupResult = { target: entry.name, deleted: [], gone: [], leftBehind: [], unconfirmed: [] };
  if (!adapter) return { checked: obligations.map((o) => ({ obligation: o, entry: errorEntry(o, `snapconform cannot speak the ${entry.vendor} protocol`), at: Date.now() })), cleanup: nothingDeleted };
  const spec = loadSpec(adapter.specFile);
  const describeAction = spec.forCanonical('describeSnapshots')?.action;
  const describeOne = adapter.canonical.describeSnapshot;
  if (!describeAction || !describeOne) return { checked: obligations.map((o) => ({ obligation: o, entry: errorEntry(o, `snapconform cannot describe a snapshot of ${entry.vendor}`), at: Date.now() })), cleanup: nothingDeleted };
  const notFound = adapter.canonical.deleteSnapshot?.notFound;
  const target: TargetInfo = { ...entry, credentials: entry.credentials!, emulator: false, ...boundsOf(entry) };
  // The check only reads; deletes go through the cleanup below.
  const reader = { ...target, allowMutations: false };
  const transport = new HttpTransport();
  try {
    // The endpoint's clock, from the Date headers of a few describes of the first snapshot (a refusal is
    // dated too: should our clock be too far off for the signature, the answer still says by how much).
    const first = obligations[0]!;
    const plain = politeClient(reader, spec, adapter, adapter.createClient(target, spec, transport), { log });
    const { clock } = await probeEndpointClock(() => plain.call(describeAction, describeOne.params(first.snapshotId, target.region)));
    const client = Math.round(clock.offsetMs / 1000) === 0 ? plain : politeClient(reader, spec, adapter, clientAtEndpointClock(adapter, target, spec, transport, clock.offsetMs), { log });
    const toleranceMs = toleranceSeconds(clock) * 1000;
    const checked: Checked[] = [];
    for (const obligation of obligations) {
      const started = Date.now();
      let answer: CallResult;
      try {
        answer = await client.call(describeAction, describeOne.params(obligation.snapshotId, target.region));
      } catch (error) {
        checked.push({ obligation, entry: errorEntry(obligation, `${describeAction} failed: ${(error as Error).message.split('\n')[0]}`), at: Date.now() + clock.offsetMs });
        continue;
      }
      const at = Date.now() + clock.offsetMs;
      let presence: Presence;
      if (!answer.ok) {
        if (notFound === undefined || answer.error?.code !== notFound) {
          checked.push({ obligation, entry: errorEntry(obligation, `${describeAction} answered ${answer.error?.code ?? `HTTP ${answer.httpStatus}`}: ${answer.error?.message ?? ''}`.trim(), answer), at });
          continue;
        }
        presence = 'gone';
      } else {
        const seen = describeOne.snapshot(answer);
        if (seen && seen.id !== obligation.snapshotId) {
          checked.push({ obligation, entry: errorEntry(obligation, `${describeAction} answered with ${seen.id}, not the snapshot asked for`, answer), at });
          continue;
        }
        // A snapshot on its way out (Zenlayer DELETING, Tencent TORECYCLE) has been let go.
        presence = seen === undefined || DELETING.test(seen.state) ? 'gone' : 'present';
      }
      const verdict = judgeObligation(obligation, at, presence, toleranceMs);
      const observed = `${verdict.observed}${clockNote(clock)}`;
      checked.push({
        obligation, verdict, presence, at,
        entry: {
          ruleId: obligation.ruleId, caseId: `createSnapshot.${obligation.parameter}@${obligation.snapshotId}`, vendor: obligation.vendor, target: obligation.target,
          expectation: obligation.expectation, observed, transcript: answer.transcript, title: TITLE, outcome: verdict.outcome,
          ...(verdict.outcome === 'fail' ? { message: `snapshot ${obligation.snapshotId} (run ${obligation.runId}): ${observed}`, counterexample: { snapshotId: obligation.snapshotId, parameter: obligation.parameter, deadline: obligation.deadline, checkedAt: new Date(at).toISOString() } } : {}),
          durationMs: Date.now() - started,
        },
      });
    }
    // What is left of a settled obligation goes, by the cleanup's rules: the ledger lines of its create, then a
    // describe showing the run's label, then a confirmed delete.
    const settledIds = new Set(checked.filter((c) => c.verdict?.settled).map((c) => c.obligation.snapshotId));
    const keys = new Set(ledger.filter((l) => l.target === entry.name && l.resourceId !== undefined && settledIds.has(l.resourceId)).map((l) => l.key));
    const cleanup = keys.size === 0 ? nothingDeleted : await cleanUp(target, ledger.filter((l) => keys.has(l.key)), { log, clockOffsetMs: clock.offsetMs });
    const listed = new Set(ledger.filter((l) => keys.has(l.key) && l.resourceId !== undefined).map((l) => l.resourceId!));
    for (const c of checked) {
      if (c.verdict?.settled && c.presence === 'present' && !listed.has(c.obligation.snapshotId)) {
        cleanup.unconfirmed.push({ id: c.obligation.snapshotId, reason: 'not deleted: no ledger under the report dir lists its create, and snapconform deletes only what a ledger lists' });
      }
    }
    return { checked, cleanup };
  } finally {
    await transport.close();
  }
}

/** One target's line of the check's output. */
function targetLine(name: string, checked: Checked[], cleanup: CleanupResult): string {
  const count = (f: (c: Checked) => boolean) => checked.filter(f).length;
  const waiting = checked.filter((c) => c.verdict && !c.verdict.settled);
  const firstDue = waiting.map((c) => dueAt(c.obligation)).sort((a, b) => a - b)[0];
  const left = cleanup.leftBehind.length + cleanup.unconfirmed.length;
  return [
    `${name}: ${count((c) => c.verdict?.settled === true && c.verdict.outcome === 'pass')} pass (gone after the deadline)`,
    `${count((c) => c.verdict?.outcome === 'fail')} fail`,
    `${waiting.length} not yet due${firstDue !== undefined ? ` (the first due from ${new Date(firstDue).toISOString()})` : ''}`,
    ...(count((c) => c.entry.outcome === 'error') ? [`${count((c) => c.entry.outcome === 'error')} error`] : []),
    `deleted ${cleanup.deleted.length}${left ? `, left ${left}` : ''}`,
  ].join(', ');
}

/**
 * `snapconform obligations check`: verifies the open retention obligations that earlier runs recorded under
 * the report dir for the real targets of the target file, writes a conformance report of them (rule
 * `snapshot.retention.auto-delete`), deletes what is left of each settled one, and appends its settlement.
 * Exit 0 nothing failed, 1 an obligation failed (or could not be checked), 3 something could not be deleted or
 * confirmed, 2 bad input.
 */
export async function obligationsCommand(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: {
      target: { type: 'string', default: DEFAULT_TARGET_FILE },
      'report-dir': { type: 'string', default: 'reports' },
      help: { type: 'boolean', short: 'h' },
    } });
  } catch (error) {
    return fail(`${(error as Error).message} (see snapconform obligations --help)`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(OBLIGATIONS_HELP);
    return EXIT.conforms;
  }
  if (positionals.length !== 1 || positionals[0] !== 'check') return fail(`${positionals.length === 0 ? 'no subcommand' : `unknown subcommand '${positionals.join(' ')}'`}: use snapconform obligations check --target <file> (see snapconform obligations --help)`);
  const entries = targetsOrFail(values.target);
  const reportDir = reportDirOrFail(values['report-dir'], 'the obligations are in <report dir>/obligations/, the ledgers in <report dir>/ledger/');
  const { open } = readObligations(reportDir, (message) => warn(message));
  const real = new Map(entries.filter((e) => e.endpoint !== 'emulator').map((e) => [e.name, e]));
  const mine = open.filter((o) => real.get(o.target)?.vendor === o.vendor);
  const elsewhere = [...new Set(open.filter((o) => !mine.includes(o)).map((o) => o.target))];
  const notHere = elsewhere.length > 0 ? `not checked: open obligations of ${elsewhere.join(', ')}, not real targets of ${values.target}\n` : '';
  if (mine.length === 0) {
    process.stdout.write(`${notHere}snapconform: nothing to check: no open obligations in ${join(values['report-dir'], 'obligations')} for the real targets of ${values.target}\n`);
    return EXIT.conforms;
  }

  const ledger = ledgersOrFail(reportDir);
  const id = newRunId('obligations-');
  const started = new Date();
  const exchanges = join(reportDir, `.${id}.exchanges.ndjson`);
  const log = new ExchangeLog(exchanges);
  const checked: Checked[] = [];
  const cleanups: CleanupResult[] = [];
  const lines: string[] = [];
  try {
    for (const [name, entry] of real) {
      const own = mine.filter((o) => o.target === name);
      if (own.length === 0) continue;
      const result = await checkTarget(entry, own, ledger, log);
      checked.push(...result.checked);
      cleanups.push(result.cleanup);
      lines.push(targetLine(name, result.checked, result.cleanup));
    }
  } finally {
    await log.close();
  }
  // Settled only now, after the deletes: a check that dies before this line checks them again next time.
  for (const c of checked) {
    if (!c.verdict?.settled) continue;
    const { runId, target, snapshotId, file } = c.obligation;
    appendLine(file, { kind: 'settled', runId, target, snapshotId, at: new Date(c.at).toISOString(), outcome: c.verdict.outcome, observed: c.entry.observed ?? c.verdict.observed });
  }

  const results = checked.map((c) => c.entry);
  const failed = results.some((r) => r.outcome === 'fail' || r.outcome === 'error');
  // The report names the user's target file, as a run's does; seed and driver have no meaning here.
  const env = { ...process.env, [RUN_ENV.targetFile]: values.target, [RUN_ENV.targetSources]: '', [RUN_ENV.seed]: '', [RUN_ENV.driver]: '' };
  const metadata = readRunMetadata(results, env);
  let summary = '';
  const folder = writeReportAtomically(reportDir, id, (dir) => {
    const into = join(dir, 'exchanges.ndjson');
    copyFileSync(exchanges, into);
    const report = buildReport(results, { id, startedAt: started, finishedAt: new Date(), reason: failed ? 'failed' : 'passed', toolVersion: VERSION }, metadata, readExchanges(into, new Map(metadata.targets.map((t) => [t.name, t.vendor]))));
    report.cleanup = cleanups;
    writeReportFiles(dir, report);
    summary = summaryText(report);
  });
  rmSync(exchanges, { force: true });

  process.stdout.write(`${lines.join('\n')}\n`);
  for (const c of checked.filter((x) => x.entry.outcome === 'fail' || x.entry.outcome === 'error')) {
    process.stdout.write(`  ${c.entry.outcome} ${c.obligation.target} ${c.obligation.snapshotId} (run ${c.obligation.runId}): ${c.entry.outcome === 'fail' ? c.entry.observed : c.entry.message}\n`);
  }
  process.stdout.write(`${notHere}snapconform: obligations check: ${summary} — report in ${folder}/conformance.{json,md,html}, junit.xml, exchanges in exchanges.ndjson\n`);
  const left = cleanups.filter(leftSomething);
  for (const c of left) {
    warn(`safety abort: ${c.target}: ${c.leftBehind.length + c.unconfirmed.length} snapshot(s) of settled obligations could not be deleted or confirmed (see the report's cleanup section); run \`snapconform sweep --target ${values.target} --report-dir ${values['report-dir']}\``);
  }
  if (left.length > 0) return EXIT.safetyAbort;
  return failed ? EXIT.deviations : EXIT.conforms;
}
