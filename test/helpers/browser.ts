/**
 * Headless Chromium for the browser tests, driven by playwright-core. The browser is Debian's
 * `chromium` (or AGENTNET_CHROMIUM); .ci/run installs it. Without one, the tests skip and say how
 * to enable them; under CI a missing browser is a failure. Each browser is started as a server
 * whose PID the test holds, and stopped by it when the test ends.
 */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, onTestFinished } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { isAlive } from './processes.js';
import { CHROMIUM_MISSING, findChromium } from '../../scripts/chromium.js';

export const CHROMIUM = findChromium();
export { CHROMIUM_MISSING };

/** Call at the top of a browser test file: says what is skipped, or fails under CI. */
export function browserSkipNote(file: string): boolean {
  if (CHROMIUM) return false;
  if (process.env.CI) throw new Error(`${file}: ${CHROMIUM_MISSING}`);
  process.stderr.write(`${file}: skipped the browser tests: ${CHROMIUM_MISSING}\n`);
  return true;
}

/**
 * Where a browser test keeps its screenshot, outside the checkout and the run's own (removed)
 * directory, so it can be looked at after the test: $TMPDIR/agentnet-screenshots/NAME.png.
 */
export function screenshotPath(name: string): string {
  const dir = join(tmpdir(), 'agentnet-screenshots');
  mkdirSync(dir, { recursive: true });
  return join(dir, `${name}.png`);
}

export interface OpenPage {
  page: Page;
  /** Console errors and uncaught exceptions the page raised. */
  errors: string[];
  /** Every URL the page asked for. */
  requests: string[];
}

/** A browser for this test, stopped (and checked gone by its PID) when the test ends. */
export async function startBrowser(): Promise<Browser> {
  if (!CHROMIUM) throw new Error(CHROMIUM_MISSING);
  // Root (as in CI containers) cannot use Chromium's sandbox.
  const server = await chromium.launchServer({ executablePath: CHROMIUM, args: ['--no-sandbox'], headless: true });
  const pid = server.process().pid;
  const browser = await chromium.connect(server.wsEndpoint());
  onTestFinished(async () => {
    await browser.close().catch(() => undefined);
    await server.close();
    if (pid !== undefined && isAlive(pid)) process.kill(pid, 'SIGKILL');
    expect(pid === undefined || !isAlive(pid), `chromium ${pid} stopped`).toBe(true);
  });
  return browser;
}

export async function openPage(browser: Browser, url: string, width = 1400): Promise<OpenPage> {
  const page = await browser.newPage({ viewport: { width, height: 1000 } });
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(url);
  return { page, errors, requests };
}
