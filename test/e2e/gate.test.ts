// The gate in a real Chromium: the email form, the confidential pages, engaged time landing per
// page on the email's session — with the built tracker (injected by the gate), and with the
// blueprint's own client script, unchanged but for its interval.

import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEFAULT_PUBLIC_DIR } from '../../src/server/app.ts';
import { makeGateDir } from '../gate/gate-helper.ts';
import { BROWSER_UA, startServer, type TestServer } from '../helper.ts';
import { skipOutsideCi } from '../services.ts';
import { chromiumSkipReason, launchChromium } from './tracker-browser.ts';

// The blueprint's SessionHeartbeat client (seed 001), verbatim except HEARTBEAT_INTERVAL: 1 s, not 3 min.
const SEED_CLIENT = `(function() {
const HEARTBEAT_INTERVAL = 1000; // 3 minutes in the blueprint; shortened for the test
let heartbeatTimer = null;
let isPageVisible = true;
function getCookie(name) {
const value = \`; \${document.cookie}\`;
const parts = value.split(\`; \${name}=\`);
if (parts.length === 2) {
return parts.pop().split(';').shift();
}
return null;
}
async function sendHeartbeat() {
const sessionRecordId = getCookie('session_record_id');
if (!sessionRecordId) return;
try {
await fetch('/api/session-heartbeat', {
method: 'POST',
credentials: 'same-origin',
});
} catch (error) {
console.error('Heartbeat failed:', error);
}
}
function startHeartbeat() {
sendHeartbeat(); // Initial heartbeat
heartbeatTimer = setInterval(() => {
if (isPageVisible) sendHeartbeat();
}, HEARTBEAT_INTERVAL);
}
// Pause when tab hidden, resume when visible
document.addEventListener('visibilitychange', () => {
isPageVisible = !document.hidden;
if (isPageVisible) sendHeartbeat(); // Immediate ping on return
});
// Best-effort final heartbeat on page unload
window.addEventListener('beforeunload', () => {
const sessionRecordId = getCookie('session_record_id');
if (sessionRecordId && navigator.sendBeacon) {
navigator.sendBeacon('/api/session-heartbeat');
}
});
// Start on DOM ready
document.addEventListener('DOMContentLoaded', startHeartbeat);
})();`;

const TRACKER_BUILT = existsSync(join(DEFAULT_PUBLIC_DIR, 'dwell.js'));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the gate in Chromium', { skip: chromiumSkipReason() }, () => {
  let browser: Browser;
  let server: TestServer;
  before(async () => {
    const dir = makeGateDir();
    writeFileSync(
      join(dir, 'seed.html'),
      `<!doctype html><html><head><meta name="dwell-tracker" content="off"><title>Seed</title>
<script>${SEED_CLIENT}</script></head><body><h1>Confidential (blueprint client)</h1></body></html>`,
    );
    // A gated page that still runs the blueprint's client: the gate injects dwell.js beside it.
    writeFileSync(
      join(dir, 'both.html'),
      `<!doctype html><html><head><title>Both</title>
<script>${SEED_CLIENT}</script></head><body><h1>Confidential (both clients)</h1></body></html>`,
    );
    writeFileSync(
      join(dir, 'a.html'),
      '<!doctype html><html><head><title>A</title></head><body><h1>Page A</h1><a id="to-b" href="b.html">B</a></body></html>',
    );
    // A gated deck whose sections are marked: the injected tracker loads the sections add-on.
    writeFileSync(
      join(dir, 'deck.html'),
      `<!doctype html><html><head><title>Deck</title><style>body{margin:0}</style></head><body>
${['intro', 'pricing'].map((name) => `<section data-dwell-section="${name}" style="height:100vh"><h2>${name}</h2></section>`).join('')}
<footer style="height:100vh">end</footer></body></html>`,
    );
    writeFileSync(
      join(dir, 'b.html'),
      '<!doctype html><html><head><title>B</title></head><body><h1>Page B</h1></body></html>',
    );
    server = await startServer({
      DWELL_GATE_DIR: dir,
      DWELL_DEMO: 'off',
      DWELL_INTERVAL_MS: '1000',
      DWELL_TIMEOUT_MS: '60000',
    });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  async function enterThroughForm(page: Page, path: string, email: string): Promise<string> {
    await page.goto(`${server.url}${path}`);
    assert.equal(new URL(page.url()).pathname, '/access', 'no access yet: the email form');
    await page.getByLabel('Email address').fill('not an email');
    await page.getByRole('button', { name: 'Continue' }).click();
    assert.match(
      String(await page.getByRole('alert').textContent()),
      /valid email/,
      'errors inline, without JavaScript',
    );
    await page.getByLabel('Email address').fill(email);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(`${server.url}${path}`);
    const cookies = await page.context().cookies();
    const id = cookies.find((c) => c.name === 'session_record_id')?.value;
    assert.ok(id);
    assert.equal(cookies.find((c) => c.name === 'dwell_access')?.httpOnly, true);
    return id;
  }

  test("the blueprint's own client script credits engaged time to the email's session on a gated page", async () => {
    const context = await browser.newContext({ userAgent: BROWSER_UA });
    const page = await context.newPage();
    try {
      const id = await enterThroughForm(page, '/confidential/seed.html', 'seed.reader@example.com');
      assert.equal(await page.locator('h1').textContent(), 'Confidential (blueprint client)');
      await sleep(4_200);
      const session = await server.store.getSession(id);
      assert.equal(session?.email, 'seed.reader@example.com');
      assert.ok(session && session.beats >= 4, `beats: ${session?.beats}`);
      assert.ok(session.engagedMs >= 3_000 && session.engagedMs <= 5_500, `engaged ${session.engagedMs} ms`);
      assert.deepEqual(
        session.pages.map((p) => p.url),
        [`${server.url}/confidential/seed.html`],
        'credited to the page, from the beacon’s Referer',
      );
    } finally {
      await context.close();
    }
  });

  test('the blueprint client and the injected tracker on one page count the visit once, within 1 s of the truth', {
    skip: TRACKER_BUILT ? false : skipOutsideCi('tracker not built: run node scripts/build.mjs'),
  }, async () => {
    const context = await browser.newContext({ userAgent: BROWSER_UA });
    const page = await context.newPage();
    try {
      const id = await enterThroughForm(page, '/confidential/both.html', 'both.clients@example.com');
      const shownAt = Date.now();
      assert.equal(await page.locator('script[src="/dwell.js"]').count(), 1, 'the gate injected the tracker');
      await sleep(3_500);
      // Hide the tab (a string, so this Node-typed file needs no DOM types): the tracker sends its time.
      const hiddenAt = (await page.evaluate(`(() => {
        const at = Date.now();
        Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
        Object.defineProperty(document, 'hidden', { value: true, configurable: true });
        document.dispatchEvent(new Event('visibilitychange'));
        return at;
      })()`)) as number;
      const truth = hiddenAt - shownAt;
      // Let the last beats land and be folded.
      await sleep(1_500);
      const session = await server.store.getSession(id);
      assert.ok(session && session.beats >= 6, `both clients beat (${session?.beats} beats)`);
      assert.ok(
        Math.abs(session.engagedMs - truth) <= 1_000,
        `engaged ${session.engagedMs} ms, truth ${truth} ms`,
      );
    } finally {
      await context.close();
    }
  });

  test('the injected tracker (dist/public/dwell.js) credits each gated page on the email session', {
    skip: TRACKER_BUILT ? false : skipOutsideCi('tracker not built: run node scripts/build.mjs'),
  }, async () => {
    const context = await browser.newContext({ userAgent: BROWSER_UA });
    const page = await context.newPage();
    try {
      const id = await enterThroughForm(page, '/confidential/a.html', 'tracker.reader@example.com');
      assert.equal(await page.locator('script[src="/dwell.js"]').count(), 1, 'the gate injected the tracker');
      await sleep(2_500);
      await page.click('#to-b');
      await page.waitForURL(`${server.url}/confidential/b.html`);
      await sleep(1_500);
      // Hide the tab the way a user switching tabs does: the tracker sends what it measured.
      // (A string, so this Node-typed file needs no DOM types.)
      await page.evaluate(`
        Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
        Object.defineProperty(document, 'hidden', { value: true, configurable: true });
        document.dispatchEvent(new Event('visibilitychange'));
      `);
      const pageA = `${server.url}/confidential/a.html`;
      const pageB = `${server.url}/confidential/b.html`;
      let pages: Record<string, number> = {};
      for (let i = 0; i < 40; i++) {
        const session = await server.store.getSession(id);
        pages = Object.fromEntries((session?.pages ?? []).map((p) => [p.url, p.engagedMs]));
        if ((pages[pageA] ?? 0) > 0 && (pages[pageB] ?? 0) > 0) break;
        await sleep(100);
      }
      assert.ok(
        (pages[pageA] ?? 0) >= 1_500 && (pages[pageA] ?? 0) <= 4_000,
        `page A: ${JSON.stringify(pages)}`,
      );
      assert.ok(
        (pages[pageB] ?? 0) >= 500 && (pages[pageB] ?? 0) <= 3_000,
        `page B: ${JSON.stringify(pages)}`,
      );
      assert.equal((await server.store.getSession(id))?.email, 'tracker.reader@example.com');
    } finally {
      await context.close();
    }
  });

  test("a gated page's marked sections get their engaged time on the email session and in its webhook's pages", {
    skip: TRACKER_BUILT ? false : skipOutsideCi('tracker not built: run node scripts/build.mjs'),
  }, async () => {
    const context = await browser.newContext({ userAgent: BROWSER_UA });
    const page = await context.newPage();
    const loaded: string[] = [];
    page.on('request', (request) => loaded.push(new URL(request.url()).pathname));
    try {
      const id = await enterThroughForm(page, '/confidential/deck.html', 'deck.reader@example.com');
      const introAt = Date.now();
      await sleep(1_500);
      // Pricing in the middle of the viewport, as a reader scrolls to it (a string: no DOM types here).
      await page.evaluate(`(() => { const s = document.querySelector('[data-dwell-section="pricing"]');
        scrollTo(0, s.offsetTop + s.offsetHeight / 2 - innerHeight / 2); })()`);
      const pricingAt = Date.now();
      await sleep(2_000);
      const hiddenAt = Date.now();
      await page.evaluate(`
        Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
        Object.defineProperty(document, 'hidden', { value: true, configurable: true });
        document.dispatchEvent(new Event('visibilitychange'));
      `);
      const truth = { intro: pricingAt - introAt, pricing: hiddenAt - pricingAt };
      const deckUrl = `${server.url}/confidential/deck.html`;
      let stored: Record<string, number> = {};
      for (let i = 0; i < 40; i++) {
        const deck = (await server.store.getSession(id))?.pages.find((p) => p.url === deckUrl);
        stored = Object.fromEntries(
          (deck?.sections ?? []).map((section) => [section.name, section.engagedMs]),
        );
        if ((stored.pricing ?? 0) >= truth.pricing - 1_000) break;
        await sleep(100);
      }
      assert.ok(loaded.includes('/dwell-sections.js'), 'the gate page loaded the sections add-on');
      for (const name of ['intro', 'pricing'] as const) {
        assert.ok(
          Math.abs((stored[name] ?? 0) - truth[name]) <= 1_000,
          `${name}: stored ${stored[name]} ms, truth ${truth[name]} ms (${JSON.stringify(stored)})`,
        );
      }
      // Revoked, the session ends: what the session-ended webhook would carry lists the sections.
      await server.store.revokeGateAccess('deck.reader@example.com', Date.now());
      const claimed = await server.store.claimEndedGateSessions({ now: Date.now(), timeoutMs: 60_000 });
      const deck = claimed.find((ended) => ended.sessionId === id)?.pages.find((p) => p.url === deckUrl);
      assert.deepEqual(
        deck?.sections.map((section) => section.name),
        ['intro', 'pricing'],
        'the ended session carries its sections, in page order',
      );
    } finally {
      await context.close();
    }
  });
});
