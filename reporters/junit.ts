import { expectationKind, headlineText, jsonText, messageText, observedText, seedText, sourceText } from './entry-text.ts';
import type { ConformanceReport, ReportEntry } from './report-types.ts';
import { xmlAttribute, xmlText } from './xml-text.ts';

/**
 * Renders a report as JUnit XML (`junit.xml`) for CI servers: one `<testsuite>` per target, one
 * `<testcase>` per entry (classname = target, name = `<ruleId> [<caseId>]`).
 *
 * - fail → `<failure>` (a deviation from the documents), with expectation, source, observation,
 *   counterexample and replay command;
 * - error → `<error>` (the suite or the network failed, not the vendor);
 * - skip → `<skipped message="reason">`;
 * - undocumented → a passing test case with a `<system-out>` note (the reason, then the finding). It is not a
 *   `<failure>`: CI tools count every failure against the build, and a fail is reserved for behaviour that
 *   contradicts a document. It is not `<skipped>` either: the case ran and the service answered, and tools
 *   show skipped cases as "not run", which would hide what was seen. Green with a note matches the default
 *   exit code; with `--fail-on inferred` the run's exit code, not this file, fails the build (as `known`
 *   with `--fail-on any`);
 * - known and fixed → a passing test case with a `<system-out>` note. A known deviation ran and behaved as
 *   the baseline says, so it is neither a failure nor "not run"; a CI dashboard keeps it green while the
 *   note keeps it visible. A fixed one passed: its note says the baseline entry can go.
 *
 * A pass that saw one of several documented variants notes which in `<system-out>` too.
 */
export function renderJunit(report: ConformanceReport): string {
  const targets = [...new Set([...report.targets.map((t) => t.name), ...report.results.map((r) => r.target)])];
  const suites = targets.map((name) => suite(report, name, report.results.filter((r) => r.target === name)));
  const { summary } = report;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="snapconform" tests="${summary.total}" failures="${summary.fail}" errors="${summary.error}" skipped="${summary.skip}" time="${seconds(report.run.durationMs)}" timestamp="${xmlAttribute(report.run.startedAt)}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

function suite(report: ConformanceReport, name: string, entries: ReportEntry[]): string {
  const target = report.targets.find((t) => t.name === name);
  const spec = report.specs.find((s) => s.vendor === (target?.vendor ?? entries[0]?.vendor));
  const count = (outcome: ReportEntry['outcome']) => entries.filter((e) => e.outcome === outcome).length;
  const properties: Array<[string, string | undefined]> = [
    ['vendor', target?.vendor ?? entries[0]?.vendor],
    ['endpoint', target?.endpoint],
    ['region', target?.region],
    ['apiVersion', spec?.apiVersion],
    ['run.id', report.run.id],
    ['run.partial', String(report.run.partial)],
    ['seed', report.run.seed?.toString()],
  ];
  const time = entries.reduce((sum, e) => sum + e.durationMs, 0);
  return [
    `  <testsuite name="${xmlAttribute(name)}" tests="${entries.length}" failures="${count('fail')}" errors="${count('error')}" skipped="${count('skip')}" time="${seconds(time)}" timestamp="${xmlAttribute(report.run.startedAt)}">`,
    '    <properties>',
    ...properties.filter(([, v]) => v !== undefined).map(([k, v]) => `      <property name="${xmlAttribute(k)}" value="${xmlAttribute(v!)}"/>`),
    '    </properties>',
    ...entries.map(testCase),
    '  </testsuite>',
  ].join('\n');
}

/** The body of a failure or error: everything a reader needs without opening the report. */
function findingText(entry: ReportEntry): string {
  const source = sourceText(entry);
  const seed = seedText(entry);
  return [
    headlineText(entry),
    `Expected (${expectationKind(entry)}): ${entry.expectation.text}`,
    ...(entry.undocumented ? [`Undocumented: ${entry.undocumented}`] : []),
    ...(source ? [`Source: ${source}`] : []),
    `Observed: ${observedText(entry)}`,
    ...(entry.variantSeen ? [`Variant seen: ${entry.variantSeen}`] : []),
    ...(entry.wire ? [`Wire: signed ${entry.wire.signature}, answers asked in ${entry.wire.format}`] : []),
    ...(messageText(entry) ? [`Message: ${messageText(entry)}`] : []),
    ...(entry.counterexample !== undefined ? [`Counterexample: ${jsonText(entry.counterexample)}`] : []),
    ...(seed ? [`Seed: ${seed}`] : []),
    ...(entry.replay ? [`Replay: ${entry.replay}`] : []),
  ].join('\n');
}

function testCase(entry: ReportEntry): string {
  const open = `    <testcase classname="${xmlAttribute(entry.target)}" name="${xmlAttribute(`${entry.ruleId} [${entry.caseId}]`)}" time="${seconds(entry.durationMs)}"`;
  const body = ((): string | undefined => {
    switch (entry.outcome) {
      case 'pass':
        return entry.variantSeen ? `<system-out>${xmlText(`variant seen: ${entry.variantSeen}`)}</system-out>` : undefined;
      case 'fail':
        return `<failure type="deviation" message="${xmlAttribute(headlineText(entry))}">${xmlText(findingText(entry))}</failure>`;
      case 'error':
        return `<error type="error" message="${xmlAttribute(headlineText(entry))}">${xmlText(findingText(entry))}</error>`;
      case 'skip':
        return `<skipped message="${xmlAttribute(entry.skipReason ?? 'skipped')}"/>`;
      case 'undocumented':
        return `<system-out>${xmlText(`undocumented, not a deviation from the documents (fails the run only with --fail-on inferred): ${entry.undocumented ?? 'no reason given'}\n${findingText(entry)}`)}</system-out>`;
      case 'known':
        return `<system-out>${xmlText(`known deviation, accepted by the baseline: ${entry.baseline?.reason ?? 'no reason given'}\n${findingText(entry)}`)}</system-out>`;
      case 'fixed':
        return `<system-out>${xmlText(`fixed: the baseline lists this deviation (${entry.baseline?.reason ?? 'no reason given'}), and this run conforms; the baseline entry can go.\nExpected: ${entry.expectation.text}`)}</system-out>`;
    }
  })();
  return body === undefined ? `${open}/>` : `${open}>\n      ${body}\n    </testcase>`;
}
