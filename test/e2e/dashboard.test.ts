// The dashboard in real Chromium against a real server and SQLite file: sign in, overview charts
// drawn, filter by email, open a timeline, and the live count changing when a beat arrives.
// Screenshots go to test-results/ (kept as CI artifacts).

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { generateSessions } from '../../src/demo/generate.ts';
import type { ImportedSession } from '../../src/store/query-types.ts';
import { ADMIN_TOKEN, BROWSER_UA, startServer, type TestServer } from '../helper.ts';
import { chromiumSkipReason, launchChromium } from './tracker-browser.ts';

const SHOTS = 'test-results';
/** A person of the demo data (its first email), looked for in the sessions list. */
let EMAIL = '';

describe('dashboard', { skip: chromiumSkipReason() }, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let demo: ImportedSession[];
  /** Console errors of the page, such as a file that did not load (a favicon's 404, issue #27). */
  const consoleErrors: string[] = [];

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await startServer({
      DWELL_RATE_LIMIT: 'off',
      DWELL_INTERVAL_MS: '1000',
      DWELL_TIMEOUT_MS: '60000',
    });
    const now = Date.now();
    demo = [...generateSessions({ count: 3_000, from: now - 30 * 86_400_000, to: now - 3_600_000, seed: 5 })];
    await server.store.importSessions(demo);
    EMAIL = demo.find((s) => s.email !== null)?.email ?? '';
    assert.ok(EMAIL, 'the demo data has people with an email');
    browser = await launchChromium();
    // bypassCSP: the dashboard forbids eval, which Playwright's string predicates need.
    const context = await browser.newContext({
      viewport: { width: 1360, height: 900 },
      userAgent: BROWSER_UA,
      bypassCSP: true,
    });
    page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('signs in with the admin token and draws the overview charts', async () => {
    await page.goto(`${server.url}/dashboard`);
    await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    // uPlot draws on canvas: two charts, each with a non-empty canvas.
    // (Browser-side code is passed as strings: this file is type-checked without the DOM library.)
    await page.waitForFunction("document.querySelectorAll('.chart canvas').length >= 2");
    const drawn = (await page.evaluate(`[...document.querySelectorAll('.chart canvas')].map((canvas) => {
      const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
      return painted;
    })`)) as number[];
    assert.ok(
      drawn.every((n) => n > 500),
      `charts painted ${drawn}`,
    );
    const kpis = await page.$$eval('.kpi-value', (els) => els.map((e) => e.textContent));
    assert.equal(kpis.length, 4);
    assert.match(kpis[0] ?? '', /^[\d,]+$/);
    assert.ok((await page.locator('tbody tr').count()) > 5, 'top pages listed');
    await page.screenshot({ path: `${SHOTS}/dashboard-overview.png`, fullPage: true });
    assert.deepEqual(consoleErrors, [], 'nothing failed to load, the favicon included');
  });

  it('filters sessions by email and opens a timeline', async () => {
    await page.getByRole('link', { name: 'Sessions', exact: true }).click();
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForFunction("location.hash.includes('email=')");
    await page.locator('#sessions-table tbody button.link').first().waitFor();
    const who = await page.$$eval('#sessions-table tbody tr td:nth-child(2)', (tds) =>
      tds.map((td) => td.textContent),
    );
    assert.ok(who.length > 0 && who.every((w) => w === EMAIL), `rows: ${who.join(', ')}`);
    await page.locator('#sessions-table tbody button.link').first().click();
    await page.getByRole('heading', { name: 'Session timeline' }).waitFor();
    assert.ok((await page.locator('.timeline .span').count()) >= 1);
    // The three clocks, engaged first.
    assert.deepEqual(await page.$$eval('.clocks .clock-label', (els) => els.map((e) => e.textContent)), [
      'Engaged',
      'Visible',
      'Open',
    ]);
    await page.screenshot({ path: `${SHOTS}/dashboard-sessions.png`, fullPage: true });
  });

  it('lists people with their sessions and time', async () => {
    await page.getByRole('link', { name: 'People', exact: true }).click();
    await page.getByRole('heading', { name: 'People' }).waitFor();
    assert.ok((await page.locator('tbody tr').count()) > 10);
    await page.screenshot({ path: `${SHOTS}/dashboard-people.png` });
  });

  it("shows a page's attention map, for the period and for one person (issue #17)", async () => {
    await page.getByRole('link', { name: 'Overview', exact: true }).click();
    await page.getByRole('link', { name: '/pricing', exact: true }).click();
    await page.getByRole('heading', { name: 'Attention map' }).waitFor();
    const rows = page.locator('#attention-map tbody tr');
    await rows.first().waitFor();
    const names = await page.$$eval('#attention-map tbody th', (ths) => ths.map((th) => th.textContent));
    assert.deepEqual(names, ['1plans', '2starter', '3team', '4enterprise', '5faq'], 'in page order');
    // Readers drop off down the page: the first section reaches the most sessions.
    const reach = (await page.evaluate(
      "[...document.querySelectorAll('#attention-map .bar.reach')].map((bar) => parseFloat(bar.style.width))",
    )) as number[];
    assert.ok(reach[0]! > reach[4]! && reach[0]! > 80, `reach ${reach}`);
    await page.screenshot({ path: `${SHOTS}/dashboard-attention-map.png`, fullPage: true });

    // What did one known reader read? The email filter narrows the map to their sessions.
    const reader = demo.find((s) => s.email && s.pages.some((p) => p.url.endsWith('/pricing')))!;
    await page.getByLabel('One person (email)').fill(reader.email!);
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForFunction("location.hash.includes('email=')");
    await page
      .getByRole('heading', { name: `(${reader.email}'s sessions, in the period)`, exact: false })
      .waitFor();
    assert.ok((await rows.count()) >= 1, 'their sections are listed');
    // A session of theirs lists the page's sections, linking to the same map.
    await page.goto(`${server.url}/dashboard#/sessions?email=${encodeURIComponent(reader.email!)}`);
    const buttons = page.locator('#sessions-table tbody button.link');
    await buttons.first().waitFor();
    let found = false;
    for (let i = 0; i < (await buttons.count()) && !found; i++) {
      await buttons.nth(i).click();
      await page.getByRole('heading', { name: 'Session timeline' }).waitFor();
      await page.waitForTimeout(200);
      found = (await page.locator('.page-sections').count()) > 0;
    }
    assert.ok(found, "one of their sessions shows the page's sections");
    await page.locator('.page-sections').first().click();
    await page.getByRole('heading', { name: 'Attention map' }).waitFor();
    assert.ok(page.url().includes(`email=${encodeURIComponent(reader.email!)}`), page.url());
    await page.screenshot({ path: `${SHOTS}/dashboard-attention-map-person.png`, fullPage: true });
  });

  it('updates the live count when a beat arrives, without a reload', async () => {
    await page.getByRole('link', { name: 'Live', exact: true }).click();
    await page.getByRole('heading', { name: 'Live' }).waitFor();
    await page.waitForFunction(
      "document.getElementById('live-count')?.textContent === '0 people engaged now'",
    );
    const started = await fetch(`${server.url}/api/v1/analytics/session`, {
      method: 'POST',
      headers: { 'user-agent': BROWSER_UA, 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'https://example.com/pricing' }),
    });
    const { id, token } = ((await started.json()) as { data: { id: string; token: string } }).data;
    await new Promise((resolve) => setTimeout(resolve, 500));
    const beat = await fetch(`${server.url}/api/v1/analytics/session/${id}/heartbeat`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ token, seq: 1, engagedMs: 500, url: 'https://example.com/pricing' }),
    });
    assert.equal(beat.status, 200);
    await page.waitForFunction(
      "document.getElementById('live-count')?.textContent === '1 person engaged now'",
      null,
      {
        timeout: 5_000,
      },
    );
    assert.equal(await page.locator('#live-count-big').textContent(), '1');
    await page.screenshot({ path: `${SHOTS}/dashboard-live.png` });
  });

  it('shows engaged time against visible time, the gap being time on screen with nobody reading (issue #15)', async () => {
    const started = await fetch(`${server.url}/api/v1/analytics/session`, {
      method: 'POST',
      headers: { 'user-agent': BROWSER_UA, 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'https://example.com/clocks' }),
    });
    const { id, token } = ((await started.json()) as { data: { id: string; token: string } }).data;
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const beat = await fetch(`${server.url}/api/v1/analytics/session/${id}/heartbeat`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({
        token,
        seq: 1,
        engagedMs: 1_000,
        visibleMs: 2_000,
        url: 'https://example.com/clocks',
      }),
    });
    assert.equal(beat.status, 200);
    await page.goto(`${server.url}/dashboard#/sessions`);
    await page.locator(`button[data-session="${id}"]`).click();
    await page.getByRole('heading', { name: 'Session timeline' }).waitFor();
    assert.deepEqual(await page.$$eval('.clocks .clock-value', (els) => els.map((e) => e.textContent)), [
      '1s',
      '2s',
      '2s',
    ]);
    assert.match((await page.locator('.facts').textContent()) ?? '', /50% of its visible time/);
    const row = page.locator('#sessions-table tbody tr', {
      has: page.locator(`button[data-session="${id}"]`),
    });
    // Engaged time with its visible time beneath it, in one column (the table fits a laptop, #23).
    assert.deepEqual(await row.locator('td.num > span').allTextContents(), ['1s', '2s visible']);
  });

  it('fits a phone screen: wide tables scroll inside their card, never the page', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const [tab, heading] of [
      ['Overview', 'Overview'],
      ['Sessions', 'Sessions'],
      ['People', 'People'],
      ['Live', 'Live'],
    ] as const) {
      await page.getByRole('link', { name: tab, exact: true }).click();
      await page.getByRole('heading', { name: heading }).waitFor();
      await page.locator('tbody tr').first().waitFor();
      const width = (await page.evaluate('document.documentElement.scrollWidth')) as number;
      assert.ok(width <= 390, `${tab}: the page is ${width} px wide on a 390 px screen`);
    }
    await page.getByRole('link', { name: 'Sessions', exact: true }).click();
    await page.screenshot({ path: `${SHOTS}/dashboard-phone-sessions.png`, fullPage: true });
    // The histogram's bucket labels staggered on two lines, not overlapping (issue #27): see the shot.
    await page.getByRole('link', { name: 'Overview', exact: true }).click();
    await page.waitForFunction("document.querySelectorAll('.chart canvas').length >= 2");
    await page.screenshot({ path: `${SHOTS}/dashboard-phone-overview.png`, fullPage: true });
  });
});
