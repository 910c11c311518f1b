import { describe, expect, it } from 'vitest';
import { renderJunit } from '../../reporters/junit.ts';
import { xmlAttribute, xmlText } from '../../reporters/xml-text.ts';
import { HOSTILE, sampleReport } from './support/sample-report.ts';
import { findAll, parseXml, type XmlElement } from './support/strict-xml.ts';

const report = sampleReport();
const xml = renderJunit(report);
const root = parseXml(xml);
const cases = findAll(root, 'testcase');
const child = (testcase: XmlElement, name: string) => testcase.children.find((c) => c.name === name);
const caseOf = (outcome: string) => {
  const entry = report.results.find((r) => r.outcome === outcome)!;
  return cases.find((c) => c.attributes['classname'] === entry.target && c.attributes['name'] === `${entry.ruleId} [${entry.caseId}]`)!;
};

/** What XML 1.0 can carry of a string: the forbidden characters as the renderer writes them visibly. */
const carried = (text: string) => text.replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, (c) => `\\u${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`);

describe('junit.xml', () => {
  it('parses as strict XML 1.0, with counts that match the summary', () => {
    expect(root.name).toBe('testsuites');
    const { summary } = report;
    expect(root.attributes).toMatchObject({ tests: String(summary.total), failures: String(summary.fail), errors: String(summary.error), skipped: String(summary.skip) });
    expect(cases).toHaveLength(summary.total);
    expect(cases.filter((c) => child(c, 'failure'))).toHaveLength(summary.fail);
    expect(cases.filter((c) => child(c, 'error'))).toHaveLength(summary.error);
    expect(cases.filter((c) => child(c, 'skipped'))).toHaveLength(summary.skip);
    // Each suite's counts add up to the totals too.
    const suites = findAll(root, 'testsuite');
    expect(suites.map((s) => s.attributes['name'])).toEqual(['tencent-cbs-emulator', 'alibaba-ecs-emulator', 'zenlayer-zec-emulator']);
    for (const key of ['tests', 'failures', 'errors', 'skipped']) {
      expect(suites.reduce((n, s) => n + Number(s.attributes[key]), 0), key).toBe(Number(root.attributes[key]));
    }
  });

  it('names each case by target, rule and case, and describes a failure with its expectation, source, counterexample and replay', () => {
    const failure = child(caseOf('fail'), 'failure')!;
    expect(failure.attributes['message']).toContain('expected: CreateSnapshot refuses it with InvalidParameterValue (HTTP 200); observed: HTTP 200, success');
    expect(failure.text).toContain('Source: ref-cbs § 3.1 CreateSnapshot');
    expect(failure.text).toContain('Counterexample: {');
    const seeded = cases.find((c) => c.attributes['name'] === 'snapshot.create.retention-minimum [CreateSnapshot.Deadline]')!;
    expect(child(seeded, 'failure')!.text).toContain('Replay: snapconform run --target targets/emulators.yaml --seed 42 --rules snapshot.create.retention-minimum --vendor tencent-cbs');
    expect(child(caseOf('error'), 'error')!.attributes['message']).toBe('connect ECONNREFUSED 127.0.0.1:1');
  });

  it('gives a failure its headline as the message, and no test-runner phrasing anywhere', () => {
    const withHeadline = sampleReport();
    const failing = withHeadline.results.find((r) => r.outcome === 'fail')!;
    failing.headline = 'CreateSnapshot with DiskUsage = "X" (outside the documented values) was accepted (HTTP 200); expected a refusal with InvalidParameterValue (HTTP 200)';
    const parsed = findAll(parseXml(renderJunit(withHeadline)), 'failure');
    const failure = parsed.find((f) => f.attributes['message']!.startsWith('CreateSnapshot with DiskUsage'))!;
    expect(failure.attributes['message']).toBe(failing.headline);
    expect(failure.text.split('\n')[0]).toBe(failing.headline);
    // The sample's old-style message (`expected true to be false`) is not repeated to the reader.
    expect(renderJunit(withHeadline)).not.toMatch(/expected (true|false) to be|Object\.is equality/);
  });

  it('passes an undocumented case with a note (reason, finding, variant seen): neither a failure nor skipped', () => {
    const undocumented = caseOf('undocumented');
    expect(undocumented.children.map((c) => c.name)).toEqual(['system-out']);
    const note = child(undocumented, 'system-out')!.text;
    expect(note).toMatch(/^undocumented, not a deviation from the documents \(fails the run only with --fail-on inferred\): the documents do not say what name an unnamed snapshot gets\n/);
    expect(note).toContain('Expected (inferred, not stated by the documents): an unnamed snapshot is described with an empty name');
    expect(note).toContain('Variant seen: auto-named a <b>');
    expect(note).toContain('Replay: snapconform run --target targets/emulators.yaml --seed 11 --rules snapshot.create.roundtrip');
    // Not counted among the failures, errors or skips of its suite.
    const alibaba = findAll(root, 'testsuite').find((s) => s.attributes['name'] === 'alibaba-ecs-emulator')!;
    expect(alibaba.attributes).toMatchObject({ failures: '0', errors: '0', skipped: '1' });
  });

  it('keeps skip reasons, and passes known and fixed deviations with a note saying which they are', () => {
    expect(child(caseOf('skip'), 'skipped')!.attributes['message']).toBe(carried(report.results.find((r) => r.outcome === 'skip')!.skipReason!));
    const known = caseOf('known');
    expect(known.children.map((c) => c.name)).toEqual(['system-out']);
    expect(child(known, 'system-out')!.text).toMatch(/^known deviation, accepted by the baseline: the vendor omits it on success/);
    const fixed = caseOf('fixed');
    expect(fixed.children.map((c) => c.name)).toEqual(['system-out']);
    expect(child(fixed, 'system-out')!.text).toMatch(/^fixed: the baseline lists this deviation \(answered 200 in 2025\)/);
    expect(caseOf('pass').children).toEqual([]);
  });

  it('escapes markup, quotes and line breaks, and writes characters XML 1.0 cannot hold visibly', () => {
    // Read back, the hostile text is intact except for the characters XML 1.0 cannot carry at all.
    expect(child(caseOf('fail'), 'failure')!.text).toContain(`Observed: HTTP 200, success ${carried(HOSTILE).split('\n')[0]}`);
    expect(carried(HOSTILE)).toContain('\\u0000\\u001B\\u0008 \\uD800 😀');
    expect(parseXml(`<a v="${xmlAttribute(HOSTILE)}">${xmlText(HOSTILE)}</a>`)).toEqual({ name: 'a', attributes: { v: carried(HOSTILE) }, children: [], text: carried(HOSTILE) });
    // And the strict reader does refuse what the renderer avoids.
    for (const bad of ['<a>&</a>', '<a>\u001b</a>', '<a>&#27;</a>', '<a b="<"/>', '<a>x</b>', '<a/><b/>', '<a>&nbsp;</a>']) {
      expect(() => parseXml(bad), bad).toThrow();
    }
  });
});
