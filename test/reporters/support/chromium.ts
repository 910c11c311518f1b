import { existsSync } from 'node:fs';
import type { TestContext } from 'vitest';

/** Debian's Chromium, driven by playwright-core (no downloaded browser): .ci/run installs it. */
export const CHROMIUM = '/usr/bin/chromium';

/** A headless browser that reaches for nothing beyond the page it is given. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Whether the browser is installed on this machine. */
export const chromiumAvailable = existsSync(CHROMIUM);

/** Without Chromium the tests skip here, and fail in CI, where a missing browser is a broken setup. */
export function requireChromium(test: TestContext): void {
  if (chromiumAvailable) return;
  if (process.env['CI']) throw new Error(`${CHROMIUM} is missing: CI must install Debian's chromium (.ci/run does: apt-get install -y chromium)`);
  test.skip(`${CHROMIUM} is missing: apt-get install chromium to run the browser tests`);
}
