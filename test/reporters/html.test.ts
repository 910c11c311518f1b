import { describe, expect, it } from 'vitest';
import { embedJson, renderHtml } from '../../reporters/html.ts';
import { HOSTILE, sampleReport } from './support/sample-report.ts';

// What the page is as text; what it does in a browser is html-report.browser.test.ts.
describe('conformance.html', () => {
  const report = sampleReport();
  const html = renderHtml(report);

  it('is one self-contained file: no external scripts, styles, fonts or fetches', () => {
    expect(html).not.toMatch(/<(script|link|img|iframe)\b[^>]*\b(src|href)=/i);
    expect(html).not.toMatch(/@import|@font-face|url\(/i);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none';`);
  });

  it('embeds the report so that no value can end the script element, and the JSON reads back whole', () => {
    const embedded = /<script type="application\/json" id="report-data">([^]*?)<\/script>/.exec(html)![1]!;
    expect(embedded).not.toMatch(/<\/script|<!--|\u2028|\u2029/i);
    expect(JSON.parse(embedded)).toEqual(JSON.parse(JSON.stringify(report)));
    expect(embedJson({ v: HOSTILE })).not.toContain('<');
    // Only the page's own two script elements close: no value from the report ended one early.
    expect(html.split('</script>').length - 1).toBe(2);
  });

  it('renders the matrix without JavaScript: one row per rule, one column per target, counts per outcome', () => {
    const rows = html.match(/<tr data-rule="/g) ?? [];
    expect(rows).toHaveLength(new Set(report.results.map((r) => r.ruleId)).size);
    for (const outcome of ['pass', 'fail', 'skip', 'error', 'undocumented', 'known', 'fixed'] as const) {
      const counts = [...html.matchAll(new RegExp(`class="badge o-${outcome}" data-outcome="${outcome}" data-count="(\\d+)"`, 'g'))].map((m) => Number(m[1]));
      expect(counts.reduce((a, b) => a + b, 0), outcome).toBe(report.summary[outcome]);
    }
  });

  it('has a filter, a chip and a colour for undocumented cases, apart from fail', () => {
    expect(html).toContain('<button type="button" data-filter="outcome" data-value="undocumented" aria-pressed="false">undocumented</button>');
    expect(html).toContain('<span class="chip o-undocumented" data-outcome="undocumented"><span aria-hidden="true">?</span> 1 undocumented</span>');
    expect(html).toMatch(/\.o-undocumented \{ color: var\(--undocumented\); background: var\(--undocumented-bg\); \}/);
    expect(html).toMatch(/--undocumented: #[0-9a-f]{6}; --undocumented-bg: #[0-9a-f]{6};/);
  });

  it('shows spec coverage per vendor and the replay data, and a banner only for a partial run', () => {
    for (const c of report.coverage) expect(html).toContain(`<div class="card" data-vendor="${c.vendor}">`);
    expect(html).not.toContain('id="partial-banner"');
    expect(renderHtml(sampleReport('interrupted'))).toContain('<div class="banner" id="partial-banner" role="alert">Partial report: the run ended early (interrupted).');
  });
});
