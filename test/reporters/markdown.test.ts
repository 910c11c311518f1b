import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../reporters/markdown.ts';
import type { ConformanceReport, ReportEntry } from '../../reporters/report-types.ts';
import { HOSTILE, sampleReport } from './support/sample-report.ts';

describe('conformance.md', () => {
  const report = sampleReport();
  const markdown = renderMarkdown(report);

  it('counts every outcome, and lists the targets with their spec versions', () => {
    expect(markdown).toContain('**2 fail · 1 error · 1 undocumented · 1 known · 1 fixed · 2 pass · 1 skip** (9 rule × target cases)');
    expect(markdown).toContain('| tencent-cbs-emulator | tencent-cbs | emulator | ap-guangzhou | 2017-03-12 |');
    expect(markdown).toContain('seed `42`');
  });

  it('shows known and fixed in the matrix and in sections of their own', () => {
    expect(markdown).toMatch(/\| `envelope.request-id` \| 📌 1 \| — \|/);
    expect(markdown).toMatch(/\| `auth.wrong-signature` \| ✨ 1 \| — \|/);
    expect(markdown).toMatch(/\| `request.invalid-enum` \| ✅ 1 \| ❌ 1 ✅ 1 \|/);
    expect(markdown).toContain('## Known deviations (accepted by the baseline)');
    expect(markdown).toContain('- **Baseline**: the vendor omits it on success');
    expect(markdown).toContain('## Fixed since the baseline');
    expect(markdown).toContain('- ✨ `auth.wrong-signature` · DescribeSnapshots.wrong-signature · alibaba-ecs-emulator — baseline: answered 200 in 2025');
  });

  it('lists undocumented cases apart from the deviations, with the reason and the variant seen', () => {
    expect(markdown).toMatch(/\| `snapshot.create.roundtrip` \| ❔ 1 \| — \|/);
    const deviations = markdown.slice(markdown.indexOf('## Deviations and errors'), markdown.indexOf('## Undocumented behaviour'));
    expect(deviations).not.toContain('snapshot.create.roundtrip');
    const section = markdown.slice(markdown.indexOf('## Undocumented behaviour (the documents do not state these; not failing unless --fail-on inferred)'), markdown.indexOf('## Known deviations'));
    expect(section).toContain('### ❔ `snapshot.create.roundtrip` · CreateSnapshot.default-name · alibaba-ecs-emulator');
    expect(section).toContain('- **Expected** (inferred, not stated by the documents): an unnamed snapshot is described with an empty name');
    expect(section).toContain('- **Undocumented**: the documents do not say what name an unnamed snapshot gets');
    expect(section).toContain('- **Variant seen**: auto-named a &lt;b&gt;&amp;amp;&lt;/b&gt;');
    expect(section).toContain('- **Replay**: `snapconform run --target targets/emulators.yaml --seed 11 --rules snapshot.create.roundtrip --vendor alibaba-ecs`');
  });

  it('gives a failure with a seed its replay command', () => {
    expect(markdown).toContain('- **Replay**: `snapconform run --target targets/emulators.yaml --seed 42 --rules snapshot.create.retention-minimum --vendor tencent-cbs`');
  });

  it('has a spec coverage section with a row per vendor and what was not exercised', () => {
    expect(markdown).toContain('## Spec coverage');
    for (const c of report.coverage) {
      expect(markdown).toContain(`| ${c.vendor} | ${c.errorCodes.exercised} / ${c.errorCodes.documented} (`);
      expect(markdown).toContain(`<summary>${c.vendor}: not exercised</summary>`);
    }
  });

  it('opens with a banner when the run ended early, and only then', () => {
    expect(markdown).not.toContain('Partial report');
    expect(renderMarkdown(sampleReport('interrupted'))).toContain('> **⚠️ Partial report: the run ended early (interrupted).**');
  });
});

describe('conformance.md, as a reader and GitHub see it', () => {
  it('leads each finding with its headline, and links its sources to the vendor\'s pages', () => {
    const report = sampleReport();
    const failing = report.results.find((r) => r.ruleId === 'snapshot.create.retention-minimum' && r.outcome === 'fail')!;
    failing.headline = 'a deadline 1 s short of the minimum was accepted (HTTP 200); expected a refusal with InvalidParameterValue (HTTP 400)';
    failing.expectation.source = [{ doc: 'cbs-create-intl', section: '2. Input Parameters' }, { doc: 'ref-cbs', section: '3.1 CreateSnapshot' }];
    const markdown = renderMarkdown(report);
    const block = markdown.slice(markdown.indexOf('### ❌ `snapshot.create.retention-minimum`'));
    expect(block.split('\n').slice(2, 3)).toEqual(['**a deadline 1 s short of the minimum was accepted (HTTP 200); expected a refusal with InvalidParameterValue (HTTP 400)**']);
    const title = report.specs.find((s) => s.vendor === 'tencent-cbs')!.sources['cbs-create-intl']!.title;
    expect(block).toContain(`- **Source**: [${title} (cbs-create-intl)](https://www.tencentcloud.com/document/api/362/15648) § 2. Input Parameters; `);
    // No test-runner phrasing: an old report's bare `expected true to be false` gives way to the expectation.
    expect(markdown).not.toMatch(/expected (true|false) to be|Object\.is equality|to deeply equal/);
  });

  it('writes no endpoint text as markup: no HTML, no control characters, no code fence it could close', () => {
    const report = sampleReport();
    const failing = report.results.find((r) => r.outcome === 'fail')!;
    failing.headline = 'RequestId <script>alert(1)</script> does not match ^[0-9a-f-]{36}$ ```';
    failing.counterexample = { RequestId: '```\n<script>alert(2)</script>' };
    const markdown = renderMarkdown(report);
    expect(markdown).not.toMatch(/<script|<b>|<!--/i);
    // eslint-disable-next-line no-control-regex
    expect(markdown).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u2028\u2029]/);
    expect(markdown).toContain('**RequestId &lt;script&gt;alert(1)&lt;/script&gt; does not match ^\\[0-9a-f-\\]{36}$ \\`\\`\\`**');
    // The counterexample's block is fenced with more backticks than it holds, so its ``` cannot close it; its
    // JSON writes `<` as \u003c, as JSON may.
    expect(markdown).toContain('````json\n{\n  "RequestId": "```\\n\\u003cscript>alert(2)\\u003c/script>"\n}\n````');
  });

  it('mentions no one: an @name from the endpoint reaches the comment with a zero-width space after the @', () => {
    const report = sampleReport();
    const failing = report.results.find((r) => r.outcome === 'fail')!;
    failing.headline = 'the snapshot name @octocat/team was refused; write to ops@example.com';
    const markdown = renderMarkdown(report);
    expect(markdown).toContain('**the snapshot name @&#8203;octocat/team was refused; write to ops@&#8203;example.com**');
    expect(markdown).not.toMatch(/@octocat/);
  });

  it('fits a pull-request comment however many findings: summary, matrix and the worst findings first, the rest counted, the HTML report named', () => {
    const report = sampleReport();
    const many = (outcome: ReportEntry['outcome'], n: number): ReportEntry[] => Array.from({ length: n }, (_, i) => ({
      ruleId: `request.invalid-${outcome}`, caseId: `CreateSnapshot.case-${String(i).padStart(3, '0')}`, vendor: 'tencent-cbs', target: 'tencent-cbs-emulator', title: 't', durationMs: 1, outcome,
      expectation: { text: 'refused with InvalidParameterValue (HTTP 400)', source: { doc: 'cbs-create-intl', section: '2. Input Parameters' } },
      headline: `CreateSnapshot with case ${i} was accepted (HTTP 200); expected a refusal with InvalidParameterValue (HTTP 400)`,
      observed: 'HTTP 200, success', counterexample: { DiskId: 'disk-1', Padding: 'x'.repeat(600), Note: HOSTILE },
    }));
    const big: ConformanceReport = { ...report, results: [...many('undocumented', 300), ...many('fail', 150), ...report.results] };
    big.summary = { ...big.summary, fail: big.summary.fail + 150, undocumented: big.summary.undocumented + 300, total: big.summary.total + 450 };
    const markdown = renderMarkdown(big);
    expect(markdown.length).toBeLessThanOrEqual(65_536);
    // The summary and the matrix stay; the cut is said at the top, with where everything is.
    expect(markdown).toContain('**152 fail · 1 error · 301 undocumented');
    expect(markdown).toMatch(/\| `request.invalid-fail` \| — \| ❌ 150 \|/);
    expect(markdown).toMatch(/> \*\*✂️ Cut to fit a pull-request comment\.\*\* Of 455 findings, \d+ are shown in full \(failures first\), \d+ in one line, \d+ only counted/);
    expect(markdown).toContain('`conformance.html`');
    // Fails come first and in full; every fail at least as a line; what does not fit is counted, not dropped silently.
    const deviations = markdown.slice(markdown.indexOf('## Deviations and errors'), markdown.indexOf('## Undocumented behaviour'));
    expect(deviations).toContain('### ❌ `request.invalid-fail` · CreateSnapshot.case-000 · tencent-cbs-emulator');
    for (let i = 0; i < 150; i += 1) expect(deviations).toContain(`CreateSnapshot.case-${String(i).padStart(3, '0')}`);
    expect(markdown).toMatch(/… and \d+ more in the HTML report\./);
    // A report that fits is not cut.
    expect(renderMarkdown(report)).not.toContain('Cut to fit');
  });
});
