import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConformanceReport } from '../../reporters/conformance-reporter.ts';
import { renderHtml } from '../../reporters/html.ts';
import { CHROMIUM, CHROMIUM_ARGS, chromiumAvailable, requireChromium } from './support/chromium.ts';
import { runSuite } from './support/cli-run.ts';
import { sampleReport } from './support/sample-report.ts';

// conformance.html in a real browser: Debian's Chromium, driven by playwright-core (no downloaded browser).
const SCREENSHOT = new URL('../../reports/test-artifacts/html-report.png', import.meta.url);

let context: BrowserContext | undefined;
let page: Page;
let report: ConformanceReport;
let profile: string;
const problems: string[] = [];
const requests: string[] = [];

/** What the page functions read of DOM elements: the project compiles without the DOM library. */
interface DomElement { dataset: Record<string, string | undefined>; checkVisibility(): boolean }

beforeAll(async () => {
  if (!chromiumAvailable) return;
  // A run with deliberate deviations: the page has failures to filter and drill into.
  const run = await runSuite('--emulator-deviation', 'accepts-invalid-enum', '--emulator-deviation', 'retention-minimum-not-enforced');
  const latest = join(run.dir, 'latest');
  report = JSON.parse(readFileSync(join(latest, 'conformance.json'), 'utf8')) as ConformanceReport;
  profile = mkdtempSync(join(tmpdir(), 'snapconform-chromium-'));
  context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1400, height: 1000 } });
  page = context.pages()[0] ?? await context.newPage();
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => { if (message.type() === 'error') problems.push(`console: ${message.text()}`); });
  page.on('request', (request) => requests.push(request.url()));
  await page.goto(pathToFileURL(join(latest, 'conformance.html')).href);
});

afterAll(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

/** Per outcome, the counts the matrix shows: what is rendered, not what the script meant to hide. */
async function visibleCounts(): Promise<Record<string, number>> {
  return page.$$eval('#matrix .badge', (badges) => {
    const out: Record<string, number> = {};
    for (const badge of badges as unknown as DomElement[]) {
      if (!badge.checkVisibility()) continue;
      out[badge.dataset['outcome']!] = (out[badge.dataset['outcome']!] ?? 0) + Number(badge.dataset['count']);
    }
    return out;
  });
}

const visible = (selector: string, key: string) => page.$$eval(selector, (nodes, k) => (nodes as unknown as DomElement[]).filter((n) => n.checkVisibility()).map((n) => n.dataset[k]!), key);
const visibleRules = () => visible('#matrix tbody tr', 'rule');
const listedOutcomes = () => visible('#finding-list details', 'outcome');
const pick = (group: string, value: string) => page.click(`#filters button[data-filter="${group}"][data-value="${value}"]`);

describe('conformance.html in Chromium', () => {
  it('renders the report from the file alone, without errors or network requests', async (test) => {
    requireChromium(test);
    expect(await page.title()).toBe(`snapconform · ${report.run.id}`);
    await expect.poll(() => page.isVisible('#filters')).toBe(true);
    expect(problems).toEqual([]);
    expect(requests.filter((url) => !url.startsWith('file:') && !url.startsWith('data:'))).toEqual([]);
  });

  it('shows every rule, and cells whose counts add up to the summary', async (test) => {
    requireChromium(test);
    expect(await visibleRules()).toEqual([...new Set(report.results.map((r) => r.ruleId))].sort());
    const counts = await visibleCounts();
    for (const outcome of ['pass', 'fail', 'skip', 'error', 'undocumented', 'known', 'fixed'] as const) expect(counts[outcome] ?? 0, outcome).toBe(report.summary[outcome]);
    // Unfiltered, the findings are everything that did not simply pass.
    expect((await listedOutcomes()).length).toBe(report.summary.total - report.summary.pass);
  });

  it('keeps only failing rows, counts and findings once the fail filter is on, and saves a screenshot', async (test) => {
    requireChromium(test);
    await pick('outcome', 'fail');
    const failing = [...new Set(report.results.filter((r) => r.outcome === 'fail').map((r) => r.ruleId))].sort();
    expect(failing.length).toBeGreaterThan(0);
    expect(await visibleRules()).toEqual(failing);
    expect(await visibleCounts()).toEqual({ fail: report.summary.fail });
    expect(new Set(await listedOutcomes())).toEqual(new Set(['fail']));
    expect((await listedOutcomes()).length).toBe(report.summary.fail);
    mkdirSync(new URL('.', SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT.pathname, fullPage: true });
    expect(existsSync(SCREENSHOT)).toBe(true);
  });

  it('drills into a cell: its cases, each with expectation, source, observation, counterexample, replay and transcript', async (test) => {
    requireChromium(test);
    await pick('outcome', 'all');
    const finding = report.results.find((r) => r.replay !== undefined)!;
    await page.click(`#matrix .cell[data-rule="${finding.ruleId}"][data-target="${finding.target}"]`);
    // Every case of the cell, whatever its outcome; failures first.
    const inCell = report.results.filter((r) => r.ruleId === finding.ruleId && r.target === finding.target);
    expect((await listedOutcomes()).sort()).toEqual(inCell.map((r) => r.outcome).sort());
    expect((await listedOutcomes())[0]).toBe('fail');
    const item = page.locator('#finding-list details').first();
    // The list says each finding by its headline: expected against what the failing call did.
    const failing = inCell.find((r) => r.outcome === 'fail')!;
    expect(failing.headline).toMatch(/was accepted \(HTTP 200\); expected a refusal with /);
    expect(await item.locator('summary').innerText()).toContain(failing.headline!);
    await item.locator('summary').click();
    // The body is built on the details' toggle event, which fires after the click returns.
    await item.locator('.detail').waitFor();
    const text = await item.innerText();
    expect(text).toContain(finding.expectation.text);
    expect(text).toContain(finding.replay!);
    expect(text).toContain('"aheadSeconds": 1');
    expect(text).toContain('Request');
    expect(text).toMatch(/§ /);
  });

  it('hides the other vendors\' columns and findings under a vendor filter, and narrows rows by area', async (test) => {
    requireChromium(test);
    await pick('vendor', 'alibaba-ecs');
    expect(await visible('#matrix thead th[data-vendor]', 'vendor')).toEqual(['alibaba-ecs']);
    const alibaba = report.results.filter((r) => r.vendor === 'alibaba-ecs');
    expect(Object.values(await visibleCounts()).reduce((a, b) => a + b, 0)).toBe(alibaba.length);
    expect((await listedOutcomes()).length).toBe(alibaba.filter((r) => r.outcome !== 'pass').length);
    await pick('vendor', 'all');
    await pick('area', 'auth');
    expect((await visibleRules()).every((rule) => rule.startsWith('auth.'))).toBe(true);
    expect(problems).toEqual([]);
  });

  it('filters undocumented cases, and shows in the drill-down why each is undocumented and the variant seen', async (test) => {
    requireChromium(test);
    const sample = sampleReport();
    const file = join(profile, 'undocumented.html');
    writeFileSync(file, renderHtml(sample));
    const other = await context!.newPage();
    const errors: string[] = [];
    other.on('pageerror', (error) => errors.push(error.message));
    await other.goto(pathToFileURL(file).href);
    // Unfiltered, an undocumented case is among the findings; filtered, it is all there is.
    expect(await other.$$eval('#finding-list details', (nodes) => (nodes as unknown as DomElement[]).map((n) => n.dataset['outcome']))).toContain('undocumented');
    await other.click('#filters button[data-filter="outcome"][data-value="undocumented"]');
    expect(await other.$$eval('#finding-list details', (nodes) => (nodes as unknown as DomElement[]).map((n) => n.dataset['outcome']))).toEqual(['undocumented']);
    const item = other.locator('#finding-list details').first();
    await item.locator('summary').click();
    await item.locator('.detail').waitFor();
    const text = await item.innerText();
    const entry = sample.results.find((r) => r.outcome === 'undocumented')!;
    expect(text).toMatch(/undocumented\s+the documents do not say what name an unnamed snapshot gets/);
    expect(text).toContain('not failing unless --fail-on inferred');
    expect(text).toMatch(/variant seen\s+auto-named a <b>&amp;<\/b>/);
    expect(text).toContain(entry.replay!);
    expect(await other.locator('#finding-list b').count()).toBe(0);
    expect(errors).toEqual([]);
    await other.close();
  });

  it('shows hostile text from a report as text: no markup from a vendor\'s answer reaches the page', async (test) => {
    requireChromium(test);
    const file = join(profile, 'hostile.html');
    writeFileSync(file, renderHtml(sampleReport()));
    const hostile = await context!.newPage();
    const errors: string[] = [];
    hostile.on('pageerror', (error) => errors.push(error.message));
    hostile.on('dialog', (dialog) => { errors.push(`dialog: ${dialog.message()}`); void dialog.dismiss(); });
    await hostile.goto(pathToFileURL(file).href);
    await hostile.click('#filters button[data-filter="outcome"][data-value="fail"]');
    const item = hostile.locator('#finding-list details').first();
    await item.locator('summary').click();
    await item.locator('.detail').waitFor();
    // The <b> of the hostile text stays text, in the observation and in the transcript.
    expect(await hostile.locator('#finding-list b').count()).toBe(0);
    expect(await item.innerText()).toContain('a <b>&amp;</b> "q"');
    expect(errors).toEqual([]);
    await hostile.close();
  });
});
