import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../reporters/html.ts';
import { CHROMIUM, CHROMIUM_ARGS, chromiumAvailable, requireChromium } from './support/chromium.ts';
import { reportOf, vendorEntries } from '../report/support/vendor-reports.ts';

// The side-by-side section of conformance.html as a person sees it: Debian's Chromium through playwright-core.
const SCREENSHOT = new URL('../../reports/test-artifacts/vendor-comparison.png', import.meta.url);

let context: BrowserContext | undefined;
let page: Page;
let profile: string;
const problems: string[] = [];

/** What the page functions read of DOM elements: the project compiles without the DOM library. */
interface DomElement { getBoundingClientRect(): { width: number; height: number } }

beforeAll(async () => {
  if (!chromiumAvailable) return;
  profile = mkdtempSync(join(tmpdir(), 'snapconform-chromium-'));
  const file = join(profile, 'conformance.html');
  writeFileSync(file, renderHtml(reportOf(vendorEntries())));
  context = await chromium.launchPersistentContext(join(profile, 'profile'), { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1400, height: 1000 } });
  page = context.pages()[0] ?? await context.newPage();
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => { if (message.type() === 'error') problems.push(`console: ${message.text()}`); });
  await page.goto(pathToFileURL(file).href);
});

afterAll(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

describe('the targets side by side in a browser', () => {
  it('draws the chart in the outcomes\' colours, a bar per area and target, and saves a screenshot', async (test) => {
    requireChromium(test);
    const chart = page.locator('#vendors .vc-chart svg');
    const box = await chart.evaluate((svg: DomElement) => svg.getBoundingClientRect());
    expect(box.width).toBeGreaterThan(300);
    expect(box.height).toBeGreaterThan(50);
    // The page's CSS colours the bars: a fail is the fail colour, not the SVG default black.
    const fills = await page.locator('#vendors rect').evaluateAll((rects: unknown[]) => rects.map((r) => [(r as { getAttribute(n: string): string }).getAttribute('class'), (globalThis as unknown as { getComputedStyle(e: unknown): { fill: string } }).getComputedStyle(r).fill]));
    const fill = (outcome: string) => fills.find(([c]) => c === `vc-${outcome}`)?.[1];
    expect(fill('fail')).toBeDefined();
    expect(new Set([fill('fail'), fill('pass'), fill('skip')]).size).toBe(3);
    expect(fill('fail')).not.toBe('rgb(0, 0, 0)');
    mkdirSync(new URL('.', SCREENSHOT), { recursive: true });
    await page.locator('#vendors').screenshot({ path: SCREENSHOT.pathname });
    expect(problems).toEqual([]);
  });

  it('opens the cases of a rule of several under its row', async (test) => {
    requireChromium(test);
    const cases = page.locator('#vendor-comparison .vc-cases details').first();
    await expect(cases.locator('table').isVisible()).resolves.toBe(false);
    await cases.locator('summary').click();
    await expect(cases.locator('table').isVisible()).resolves.toBe(true);
    await expect(cases.locator('tr').count()).resolves.toBe(2);
    await expect(cases.locator('tr').first().innerText()).resolves.toMatch(/CreateSnapshot\.DiskId\s+✓\s*pass\s*MissingParameter\/200\s+✓\s*pass\s*MissingParameter\/400\s+✗\s*fail\s*accepted\/200/);
  });

  it('follows the page\'s vendor filter: the other vendors\' columns hide here as in the matrix', async (test) => {
    requireChromium(test);
    const shown = () => page.locator('#vendor-comparison thead th[data-vendor]').evaluateAll((heads: unknown[]) => heads
      .filter((h) => !(h as { hidden: boolean }).hidden).map((h) => (h as { dataset: Record<string, string> }).dataset['vendor']));
    await page.click('#filters button[data-filter="vendor"][data-value="zenlayer-zec"]');
    await expect(shown()).resolves.toEqual(['zenlayer-zec']);
    await expect(page.locator('#vendor-comparison tbody td[data-vendor="tencent-cbs"]').first().isVisible()).resolves.toBe(false);
    await page.click('#filters button[data-filter="vendor"][data-value="all"]');
    await expect(shown()).resolves.toEqual(['tencent-cbs', 'alibaba-ecs', 'zenlayer-zec']);
  });
});
