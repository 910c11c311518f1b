import { parseArgs } from 'node:util';
import { headlineText } from '../../reporters/entry-text.ts';
import { replayArgs, shellLine } from '../../reporters/replay.ts';
import { terminalLine } from '../../reporters/terminal-text.ts';
import type { ConformanceReport, Outcome, ReportEntry } from '../../reporters/report-types.ts';
import { EXIT, fail, warn } from './cli-context.ts';
import { REPLAY_HELP } from './help.ts';
import { readReportOrFail } from './report.ts';
import { executeRun } from './run.ts';
import { parseRunOptions } from './run-options.ts';

/**
 * Outcomes a replay can check again: the findings, and undocumented cases (an assertion failed there too,
 * on an expectation the documents do not state; replaying one shows whether the service still does it).
 */
const FINDING: ReadonlySet<Outcome> = new Set(['fail', 'error', 'known', 'undocumented']);

const isFinding = (entry: ReportEntry) => FINDING.has(entry.outcome);

/** A finding to replay: one rule on one target, one or more of its cases. */
interface Chosen {
  entry: ReportEntry;
  caseIds: string[];
}

/** The findings in the order `replay <report>` numbers them: the report's order. */
function findingsOf(report: ConformanceReport): ReportEntry[] {
  return report.results.filter(isFinding);
}

function list(report: ConformanceReport, file: string, path: string): void {
  const findings = findingsOf(report);
  const width = String(findings.length).length;
  const outcomeWidth = Math.max(5, ...findings.map((f) => f.outcome.length));
  process.stdout.write(`snapconform: ${findings.length} findings in ${file}${findings.length > 0 ? ` (replay one: snapconform replay ${path} <number>)` : ''}\n`);
  findings.forEach((f, i) => {
    process.stdout.write(`  ${String(i + 1).padStart(width)}  ${f.outcome.padEnd(outcomeWidth)}  ${f.ruleId}@${f.target}  ${terminalLine(f.caseId)}${f.seed !== undefined ? `  seed ${f.seed}` : ''}\n`);
    process.stdout.write(`  ${' '.repeat(width)}  ${terminalLine(headlineText(f))}\n`);
  });
}

/** The finding a `<number>` or `<ruleId>[@<target>]` names; bad input exits 2. */
function choose(report: ConformanceReport, file: string, finding: string): Chosen {
  const findings = findingsOf(report);
  if (/^\d+$/.test(finding)) {
    const entry = findings[Number(finding) - 1];
    if (!entry) return fail(`${file}: no finding ${finding}; it has ${findings.length} (snapconform replay <report> lists them)`);
    return { entry, caseIds: [entry.caseId] };
  }
  const [ruleId, target] = finding.split('@') as [string, string | undefined];
  const named = report.results.filter((r) => r.ruleId === ruleId && (target === undefined || r.target === target));
  if (named.length === 0) return fail(`${file}: no entry of rule ${ruleId}${target ? ` on target ${target}` : ''}`);
  const failing = named.filter(isFinding);
  if (failing.length === 0) return fail(`${file}: ${finding} did not fail in this report (${[...new Set(named.map((r) => r.outcome))].join(', ')}); nothing to replay`);
  const targets = [...new Set(failing.map((r) => r.target))];
  if (targets.length > 1) return fail(`${finding} failed on ${targets.join(', ')}: name one, e.g. ${ruleId}@${targets[0]}`);
  return { entry: failing[0]!, caseIds: failing.map((r) => r.caseId) };
}

/** `snapconform replay <report> [<finding>] [-- <run options>]`. */
export async function replayCommand(args: string[]): Promise<number> {
  const split = args.indexOf('--');
  const own = split < 0 ? args : args.slice(0, split);
  const extra = split < 0 ? [] : args.slice(split + 1);
  let parsed;
  try {
    parsed = parseArgs({ args: own, allowPositionals: true, options: { help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    return fail(`${(error as Error).message} (see snapconform replay --help)`);
  }
  if (parsed.values.help) {
    process.stdout.write(REPLAY_HELP);
    return EXIT.conforms;
  }
  const [path, finding, ...more] = parsed.positionals;
  if (path === undefined || more.length > 0) return fail('replay takes a report and, optionally, one finding (see snapconform replay --help)');
  const { report, file } = readReportOrFail(path);
  if (finding === undefined) {
    list(report, file, path);
    return EXIT.conforms;
  }
  const { entry, caseIds } = choose(report, file, finding);
  // The report's own run options (deviations, runs, driver, target file as named there), so a finding reappears
  // as it was found; options after `--` come last and win.
  const reportDir = extra.some((a) => a === '--report-dir' || a.startsWith('--report-dir=')) ? [] : ['--report-dir', 'reports/replay'];
  const runArgs = [...replayArgs(entry, report), ...reportDir, ...extra];
  process.stdout.write(`snapconform: replaying ${entry.ruleId} on ${entry.target} (${caseIds.join(', ')}): ${shellLine(['snapconform', 'run', ...runArgs])}\n`);
  const options = parseRunOptions(runArgs);
  if (!options) return fail('replay runs the suite; run options go after -- (see snapconform run --help)');
  const { code, report: again } = await executeRun(options);
  if (code !== EXIT.conforms && code !== EXIT.deviations) return code;
  const now = caseIds.map((caseId) => ({ caseId, entry: again?.results.find((r) => r.ruleId === entry.ruleId && r.target === entry.target && r.caseId === caseId) }));
  const still = now.filter((n) => n.entry && isFinding(n.entry));
  const ran = now.filter((n) => n.entry && n.entry.outcome !== 'skip');
  for (const { caseId, entry: e } of now) {
    const state = !e ? 'did not run' : e.outcome === 'skip' ? `skipped: ${e.skipReason ?? 'no reason given'}` : isFinding(e) ? `still ${e.outcome === 'known' ? 'fails (known)' : e.outcome === 'undocumented' ? 'fails (undocumented)' : e.outcome === 'error' ? 'errors' : 'fails'}: ${headlineText(e)}` : `no longer fails (${e.outcome})`;
    // The headline quotes the endpoint: nothing in it may drive the terminal.
    process.stdout.write(`snapconform: ${entry.ruleId} on ${entry.target} (${terminalLine(caseId)}): ${terminalLine(state)}\n`);
  }
  if (still.length > 0) return EXIT.deviations;
  if (ran.length === 0) {
    warn(`the replay did not run ${entry.ruleId} on ${entry.target}: is the target still in ${options.given.targets?.join(', ') ?? 'the default target file'}, and may the rule run there?`);
    return EXIT.badInput;
  }
  return EXIT.conforms;
}
