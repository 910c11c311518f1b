import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../reporters/html.ts';
import { renderMarkdown } from '../../reporters/markdown.ts';
import { vendorComparisonSection } from '../../reporters/vendor-comparison-html.ts';
import { markdownCellText, vendorComparisonMarkdown } from '../../reporters/vendor-comparison-markdown.ts';
import { RULES } from '../../src/conformance/rule-catalogue.ts';
import { entryOf, reportOf, vendorEntries } from '../report/support/vendor-reports.ts';
import { HOSTILE } from './support/sample-report.ts';

const report = reportOf(vendorEntries());
// An endpoint that answers with markup and control characters in its error code and default name.
const hostile = reportOf([
  ...vendorEntries(),
  entryOf('alibaba-ecs', { ruleId: 'snapshot.create.one-in-flight', caseId: 'createSnapshot', outcome: 'fail', answer: { httpStatus: 200, code: HOSTILE }, valuesSeen: { 'default name': HOSTILE } }),
]);

describe('the HTML report\'s targets side by side', () => {
  const section = vendorComparisonSection(report);

  it('sits beside the matrix, before the findings', () => {
    const page = renderHtml(report);
    expect(page.indexOf('id="matrix-section"')).toBeLessThan(page.indexOf('id="vendors"'));
    expect(page.indexOf('id="vendors"')).toBeLessThan(page.indexOf('id="findings"'));
  });

  it('sets each vendor\'s quota refusal in a row, with the rule\'s summary from the catalogue', () => {
    const row = section.match(/<tr data-vc-rule="snapshot\.create\.quota"[^]*?<\/tr>/)![0];
    expect(row).toContain(RULES['snapshot.create.quota'].summary);
    const cells = [...row.matchAll(/<td data-vendor="[^"]*">([^]*?)<\/td>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim());
    expect(cells).toEqual([
      '✓ pass InsufficientSnapshotQuota/200 quota 64',
      '✓ pass QuotaExceed.Snapshot/403 quota 64 variant: quota 64: create 65 refused (ali-create-zh, 描述)',
      '✓ pass INVALID_SNAPSHOT_QUOTA_EXCEED/400 quota 64',
    ]);
  });

  it('folds the cases of a rule of several under its tallies', () => {
    expect(section).toMatch(/<tr data-vc-rule="request\.invalid-required"[^]*?MissingParameter\/200 <span class="vc-count">×2<\/span>[^]*?<details><summary>2 cases of <code>request\.invalid-required<\/code>/);
  });

  it('draws outcomes per area and target as inline SVG: no script, no external resource', () => {
    const svg = section.match(/<svg[^]*?<\/svg>/)![0];
    expect(svg).toMatch(/role="img"/);
    // request: the failing Zenlayer case is a red bar.
    expect(svg).toMatch(/<rect class="vc-fail"[^>]*><title>zenlayer-zec-emulator, request: 1 fail<\/title>/);
    expect(svg).not.toMatch(/<script|href=|src=|url\(/i);
  });

  it('escapes whatever the endpoint answered', () => {
    const page = vendorComparisonSection(hostile);
    expect(page).not.toContain('<b>');
    expect(page).not.toContain('</script>');
    expect(page).toContain('a &lt;b&gt;&amp;amp;&lt;/b&gt; &quot;q&quot;');
  });

  it('is titled for one target in a report of one, and left out of a report of none', () => {
    const one = reportOf(vendorEntries().filter((e) => e.vendor === 'tencent-cbs'));
    expect(vendorComparisonSection(one)).toMatch(/<h2>What the target answered<\/h2>[^]*InsufficientSnapshotQuota\/200/);
    expect(vendorComparisonMarkdown(one)[0]).toBe('## What the target answered');
    expect(vendorComparisonSection(reportOf([]))).toBe('');
  });
});

describe('the Markdown report\'s targets side by side', () => {
  it('is a folded table, one row per rule with its summary and each target\'s answer', () => {
    const lines = vendorComparisonMarkdown(report);
    expect(lines[0]).toBe('## Targets side by side');
    expect(lines).toContain('| rule | tencent-cbs-emulator | alibaba-ecs-emulator | zenlayer-zec-emulator |');
    expect(lines).toContain(`| \`snapshot.create.quota\`<br>${RULES['snapshot.create.quota'].summary} | ✓ InsufficientSnapshotQuota/200 · quota 64 | ✓ QuotaExceed.Snapshot/403 · quota 64 · variant: quota 64: create 65 refused (ali-create-zh, 描述) | ✓ INVALID\\_SNAPSHOT\\_QUOTA\\_EXCEED/400 · quota 64 |`);
    expect(lines).toContain(`| \`request.invalid-required\`<br>${RULES['request.invalid-required'].summary} | ✓ MissingParameter/200 ×2 | ✓ MissingParameter/400 ×1 | ✗ accepted/200 ×1<br>✓ MISSING\\_PARAMETER/400 ×1 |`);
    expect(renderMarkdown(report)).toContain('<summary>What each target answered, rule by rule (3 rules)');
  });

  it('keeps an endpoint\'s text inside its cell and out of the markup', () => {
    const text = markdownCellText(HOSTILE);
    expect(text).not.toMatch(/[<>|\n\u2028]|(?<!\\)[*_`[]/);
    const row = vendorComparisonMarkdown(hostile).find((l) => l.startsWith('| `snapshot.create.one-in-flight`'))!;
    // Four cells: the rule and three targets, however many pipes the endpoint sent.
    expect(row.split(/(?<!\\)\|/).length).toBe(6);
  });
});
