/**
 * The help texts of the commands that have no options module of their own (`run --help` lives beside its
 * options in run-options.ts, `emulate --help` in emulate.ts).
 */

export const EXIT_CODES_HELP = `Exit codes:
  0    everything conforms, or deviates only as the baseline accepts, or only where the documents are
       silent (undocumented cases)
  1    a rule failed (a deviation from the documents) or errored, or a baseline entry expired; with
       --fail-on inferred, an undocumented case too
  2    bad input: usage, a target, baseline or report file, a spec (one line on stderr)
  3    safety abort: the snapshot budget (maxSnapshots), a change refused on a read-only target, the
       ledger could not be written, or the cleanup left created resources behind or could not confirm
       them (the report's cleanup section says which; run snapconform sweep)
  4    internal error (a bug in snapconform)
  130  interrupted (SIGINT/SIGTERM): the report is written and marked partial
`;

export function topHelp(version: string, vendors: string): string {
  return `snapconform ${version} — conformance suite for cloud snapshot-creation APIs

Usage:
  snapconform run [options]                 run the suite against the targets and write the report
  snapconform plan --target <file>          what a run will create on real targets, how long it takes, budget
  snapconform report --merge <report>…      join shard reports into one (same formats as a run)
  snapconform report --compare <a> <b>      new, fixed and unchanged findings of b against a
  snapconform replay <report> [<finding>]   run one finding of a report again: does it still fail?
  snapconform sweep [options]               delete what earlier runs created on real targets
  snapconform obligations check [options]   verify retention deadlines earlier runs left to check (a later job)
  snapconform emulate [options]             serve the emulators standalone (for other projects' CI)
  snapconform check-specs                   validate specs/*.yaml
  snapconform --version | --help

Each command has --help. Vendors: ${vendors}.

${EXIT_CODES_HELP}`;
}

export const REPORT_HELP = `Usage:
  snapconform report --merge <report>… [--report-dir <dir>] [--baseline <file>] [--fail-on new|any|inferred]
  snapconform report --compare <a> <b> [--json]
  snapconform report --vendors <report>… [--cases] [--json]

A <report> is a conformance.json, a run's report folder, or a --report-dir (its latest/ is read).

--merge    joins reports — the shards of one run (run --shard i/n), or runs of different targets — into one
           report written like a run's (<report dir>/<merged-id>/ and latest/: conformance.json, .md, .html,
           junit.xml, exchanges.ndjson), summary recomputed. The merge is partial when a shard is missing or
           a shard was interrupted. With --baseline, known and fixed are judged again over the whole run
           (do this: a baseline entry may span shards). Exit 0 conforms, 1 deviations, errors, an expired
           baseline entry or a partial merge, 2 unreadable or conflicting reports.
  --report-dir <dir>   where the merged report goes (default: reports)
  --baseline <file>    known deviations, as for run --baseline
  --fail-on new|any|inferred
                       as for run --fail-on

--compare  diffs two reports finding by finding (a finding is a fail, error or known entry, keyed by rule,
           target and case): new findings (in b, not in a), fixed (in a, passing in b), unchanged, and
           not run (in a, absent or skipped in b); apart, b's undocumented cases with a's outcome (a
           finding that became undocumented was reclassified, not fixed). Under the counts, what each side
           ran: run id, client (the SDK driven and its version), seed and options, targets, and how many
           cases ran with which outcomes. Exit 1 when b has new findings, else 0; 2 for an unreadable report.
  --json               the comparison as JSON: {a, b, runs: {a, b}, new, fixed, unchanged, notRun, undocumented}

--vendors  sets the targets of one report — or of several: a vendor and an emulator, two regions, two
           accounts — side by side, rule by rule with the rule's summary: each target's answer (error code
           and HTTP status, or how many cases answered which way), the values it showed (default name,
           quota) and the documented variant it matched. A column per target; when two reports name a
           target alike, the column is <report>: <target>. Exit 0, or 2 for an unreadable report.
  --cases              every case of a rule with several, not only each target's tally
  --json               the comparison as JSON: {columns, rules: [{ruleId, summary, tallies, cases}], areas}
`;

export const REPLAY_HELP = `Usage:
  snapconform replay <report> [<finding>] [-- <run options>]

Runs one finding of a report again as its run ran it — its seed and the options the report records
(target files as named, --runs, --emulator-deviation, --allow-mutations, --driver, --driver-path) —
narrowed to the finding's rule and vendor (the command a finding's replay field shows), and says whether
it still fails. Run it from the directory the run started in: target files are named relative to it.
<report> is a conformance.json, a run's folder or a --report-dir.

<finding>  a number from the list that 'snapconform replay <report>' prints, or <ruleId>[@<target>]
           (e.g. snapshot.create.retention-minimum@tencent-cbs-emulator). Without it, the findings are
           listed and nothing runs.
--         what follows goes to snapconform run as it is, and wins over the report's, e.g. -- --runs 4;
           the replay's report goes to reports/replay unless --report-dir is given there.

Exit codes: 0 the finding no longer fails, 1 it still fails, 2 bad input (no such report or finding, or
the replay did not run the finding's case), 3 safety abort, 4 internal error.
`;

export const SWEEP_HELP = `Usage:
  snapconform sweep [--target <file>] [--report-dir <dir>] [--deadline <seconds>]

Deletes, on each real target of the target file, what earlier runs created there according to their
ledgers (<report dir>/ledger/*.ndjson) — and of those only resources a successful describe shows with the
creating run's name prefix or tag. When the service cannot be asked (a describe fails) or a create's id was
never learnt and the name finds nothing certain, the resource is left alone and listed as unconfirmed.
Every delete is confirmed by describing again: a delete answered with the documented not-found code counts
as gone, one answered with success while the snapshot is still described as failed. A snapshot still being
created is retried with growing waits, until the deadline. Embedded emulator targets are skipped. A
snapshot an open retention obligation needs is kept (listed as kept) until snapconform obligations check
has checked it.

Every request and answer is written to <report dir>/sweep-<time>.exchanges.ndjson (named in the output).

Options:
  --target <file>        target file (default: targets/emulators.yaml of the package)
  --report-dir <dir>     where the ledgers are (default: reports, in the current directory)
  --deadline <seconds>   the longest the sweep may take per target; what is left then is listed (default: the target's cleanupDeadlineSeconds, else 600)

Exit codes: 0 nothing the ledgers list remains (deleted, or already gone), 3 something remains: left
behind (the delete failed, or the service describes it without a run's label) or unconfirmed; 2 bad input.
`;

export const OBLIGATIONS_HELP = `Usage:
  snapconform obligations check [--target <file>] [--report-dir <dir>]

Retention takes days: on a real endpoint, snapshot.retention.auto-delete creates a snapshot with a deadline
just past the documented minimum, checks that it is there, and records an obligation in
<report dir>/obligations/<run-id>.ndjson (the run's cleanup keeps that snapshot). This command, run later
(a scheduled CI job), checks every open obligation of the real targets of the target file, by the
endpoint's clock (its Date headers; requests are signed at its time):
  before the deadline        described: not yet due (pass so far)    gone: fail (deleted early)
  once due (deadline plus    gone: pass                              described: fail (kept too long)
  the documented lateness;
  Alibaba RetentionDays counts whole days: a day)
Between the deadline and the due time a snapshot may go or stay. A settled obligation (pass or fail) gets a
settlement line appended, so a later check skips it; what is left of it is deleted the way sweep deletes
(only what a ledger lists and a describe shows with its run's label, each delete confirmed). The check
writes a conformance report (<report dir>/<id>/ and latest/: conformance.json, .md, .html, junit.xml,
exchanges.ndjson; rule snapshot.retention.auto-delete) that report --compare and baselines read.

Options:
  --target <file>        target file (default: targets/emulators.yaml of the package)
  --report-dir <dir>     where the runs wrote their obligations and ledgers (default: reports)

Exit codes: 0 nothing failed (or nothing to check), 1 an obligation failed or could not be checked, 2 bad
input, 3 a snapshot of a settled obligation could not be deleted or confirmed (run snapconform sweep).
`;

export const CHECK_SPECS_HELP = `Usage:
  snapconform check-specs

Validates every spec (specs/*.yaml) against the OpenAPI 3.1 schema and snapconform's extension schema,
and the documents' own examples against their schemas. Exit 0 when all are valid, 2 otherwise (one line
per broken spec, naming file, line and key).
`;
