// Shared by the tracker's browser tests and the accuracy bench: Debian's Chromium driven by
// playwright-core, fixture pages on a fake origin that load the real, built dwell.js from the real
// server, and the tricks Playwright needs (it keeps every page "visible").

import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { BROWSER_UA } from '../helper.ts';
import { skipOutsideCi } from '../services.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = () => existsSync(CHROMIUM);

/**
 * Why the browser tests are skipped here (no Debian Chromium), or false. On CI, which installs
 * Chromium itself (.ci/run), a missing browser is an error rather than a silent skip.
 */
export function chromiumSkipReason(): string | false {
  if (hasChromium()) return false;
  return skipOutsideCi(`Debian chromium is not installed at ${CHROMIUM} (apt-get install -y chromium)`);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

export interface Site {
  origin: string;
  close(): Promise<void>;
}

/**
 * The site being tracked: a real HTTP server on loopback answering every path with `page(path)`, on
 * another origin than the Dwell server, so beats are cross-origin (CORS) as on a real site. (Pages
 * fulfilled by page.route() count as public, and Chromium then blocks scripts from loopback.)
 */
export async function startSite(page: (path: string) => string): Promise<Site> {
  const server = createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    response.end(page(new URL(request.url ?? '/', 'http://x').pathname));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://localhost:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A context with a regular desktop user agent: isbot declines HeadlessChrome. */
export function newContext(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({ userAgent: BROWSER_UA });
}

/** A long page (so scrolling means something) that loads the tracker from `server`. */
export function trackedPage(server: string, attributes = ''): string {
  const paragraphs = '<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit.</p>'.repeat(200);
  return `<!doctype html><html><head><title>fixture</title>
<script src="${server}/dwell.js" defer ${attributes}></script></head><body>${paragraphs}</body></html>`;
}

/** Playwright keeps pages visible: fake a hidden (or shown) tab the way the browser tells a page. */
export function setHidden(page: Page, hidden: boolean): Promise<void> {
  // A string: the root tsconfig has no DOM types, and this runs in the page.
  return page.evaluate(`(() => {
    Object.defineProperty(document, 'visibilityState', { value: ${hidden} ? 'hidden' : 'visible', configurable: true });
    Object.defineProperty(document, 'hidden', { value: ${hidden}, configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  })()`);
}

/**
 * Playwright keeps pages focused: fake another app in front (or the window back in front) the way
 * the browser tells a page, with document.hasFocus() answering to match.
 */
export function setFocused(page: Page, focused: boolean): Promise<void> {
  return page.evaluate(`(() => {
    document.hasFocus = () => ${focused};
    window.dispatchEvent(new Event('${focused ? 'focus' : 'blur'}'));
  })()`);
}

/** The session id the tracker keeps in sessionStorage, once it has one. */
export async function sessionIdOf(page: Page, timeoutMs = 5000): Promise<string> {
  const handle = await page.waitForFunction(
    `(() => { try { return JSON.parse(sessionStorage.getItem('dwell') || 'null')?.id || null } catch { return null } })()`,
    undefined,
    { timeout: timeoutMs, polling: 50 },
  );
  return (await handle.jsonValue()) as string;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
