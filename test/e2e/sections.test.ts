// The sections add-on end to end (issue #17): the built dwell.js loads dwell-sections.js on a page
// of four marked sections, in Chromium against the real server. The tests scroll through them with
// known times, hide the tab, blur the window and change the route as a single-page app does, and
// compare what the server stored, section by section.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { startServer, type TestServer } from '../helper.ts';
import {
  chromiumSkipReason,
  launchChromium,
  newContext,
  type Site,
  sessionIdOf,
  setFocused,
  setHidden,
  sleep,
  startSite,
} from './tracker-browser.ts';

const skip = chromiumSkipReason();
const NAMES = ['intro', 'problem', 'team', 'pricing'];

/** Four sections a screen tall each, a header above them and a footer below, all unmarked. */
function sectionsPage(server: string, marked = true, attributes = ''): string {
  const body = NAMES.map(
    (name) =>
      `<section ${marked ? `data-dwell-section="${name}"` : ''} style="height:100vh"><h2>${name}</h2></section>`,
  ).join('');
  return `<!doctype html><html><head><title>deck</title><style>body{margin:0}</style>
<script src="${server}/dwell.js" defer ${attributes}></script></head><body><header style="height:40vh">deck</header>${body}
<footer style="height:100vh">end</footer></body></html>`;
}

describe('sections add-on in Chromium', { skip }, () => {
  let server: TestServer;
  let browser: Browser;
  let site: Site;
  const scripts: string[] = [];

  before(async () => {
    execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
    [server, browser] = await Promise.all([
      startServer({ DWELL_INTERVAL_MS: '1000', DWELL_RATE_LIMIT: 'off' }),
      launchChromium(),
    ]);
    // /spa/… pages end the engaged time half a second after the window loses focus.
    site = await startSite((path) =>
      sectionsPage(server.url, path !== '/plain', path.startsWith('/spa') ? 'data-grace="500"' : ''),
    );
  });
  after(async () => {
    await browser?.close();
    await Promise.all([server?.close(), site?.close()]);
  });

  /** Scrolls so that the named section is centred in the viewport (it then covers the middle). */
  const centre = (name: string) =>
    `(() => { const s = document.querySelector('[data-dwell-section="${name}"]');
      scrollTo(0, s.offsetTop + s.offsetHeight / 2 - innerHeight / 2); })()`;

  it('credits each section the engaged time spent on it, and hidden time to none', async (t) => {
    const context = await newContext(browser);
    const page = await context.newPage();
    page.on('request', (request) => scripts.push(new URL(request.url()).pathname));
    await page.goto(`${site.origin}/deck`);
    const id = await sessionIdOf(page);
    // The page opens on the header and the intro, which covers the middle of the viewport.
    const started = Date.now();
    await page.evaluate(centre('intro'));
    await sleep(2000);
    await page.evaluate(centre('problem'));
    const problemAt = Date.now();
    await sleep(5000);
    // Straight past the team section (0 s) to pricing.
    await page.evaluate(centre('pricing'));
    const pricingAt = Date.now();
    await sleep(1500);
    const hiddenAt = Date.now();
    await setHidden(page, true);
    await sleep(2000);
    await setHidden(page, false);
    const hiddenMs = Date.now() - hiddenAt;
    await sleep(1500);
    const truth = {
      intro: problemAt - started,
      problem: pricingAt - problemAt,
      team: 0,
      pricing: Date.now() - pricingAt - hiddenMs,
    };
    await page.close();
    let session = await server.store.getSession(id);
    for (let i = 0; i < 40 && !session?.endedAt; i++) {
      await sleep(100);
      session = await server.store.getSession(id);
    }
    assert.ok(session?.endedAt, 'the final beat arrived');
    const deck = session.pages.find((p) => p.url.endsWith('/deck'));
    assert.ok(deck, 'the page is stored');
    const stored = Object.fromEntries((deck.sections ?? []).map((s) => [s.name, s.engagedMs]));
    for (const name of NAMES) {
      const ms = stored[name] ?? 0;
      assert.ok(
        Math.abs(ms - truth[name as keyof typeof truth]) <= 1000,
        `${name}: stored ${ms} ms, truth ${truth[name as keyof typeof truth]} ms (${JSON.stringify(stored)})`,
      );
    }
    t.diagnostic(
      `stored ${JSON.stringify(stored)}, truth ${JSON.stringify(truth)}, page ${deck.engagedMs} ms`,
    );
    const total = (deck.sections ?? []).reduce((sum, s) => sum + s.engagedMs, 0);
    assert.ok(
      Math.abs(total - deck.engagedMs) <= 500,
      `sections sum to ${total} ms, the page's engaged time is ${deck.engagedMs} ms`,
    );
    assert.deepEqual(
      (deck.sections ?? []).map((s) => s.name),
      NAMES.filter((name) => stored[name]),
      'in page order',
    );
    assert.ok(scripts.includes('/dwell-sections.js'), 'the add-on was loaded');
    await context.close();
  });

  it('gives unfocused time to no section, and starts over with the new sections after a route change', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${site.origin}/spa`);
    const id = await sessionIdOf(page);
    await page.evaluate(centre('intro'));
    const started = Date.now();
    await sleep(1500);
    // A scroll is a sign of a reader: the quiet stretch before it counts in full.
    await page.evaluate('scrollBy(0, 1)');
    const introMs = Date.now() - started;
    await setFocused(page, false);
    await sleep(3000);
    await setFocused(page, true);
    // The app's router: a new URL, then the new page's sections in place of the old ones.
    await page.evaluate(`(() => {
      history.pushState(null, '', '/spa/next');
      document.body.innerHTML = ['chapter one', 'chapter two']
        .map((name) => '<section data-dwell-section="' + name + '" style="height:100vh">' + name + '</section>')
        .join('');
      scrollTo(0, 0);
    })()`);
    const routedAt = Date.now();
    await sleep(2000);
    await page.evaluate('scrollBy(0, 1)');
    const chapterMs = Date.now() - routedAt;
    await page.close();
    let session = await server.store.getSession(id);
    for (let i = 0; i < 40 && !session?.endedAt; i++) {
      await sleep(100);
      session = await server.store.getSession(id);
    }
    assert.ok(session?.endedAt, 'the final beat arrived');
    const first = session.pages.find((p) => p.url.endsWith('/spa'));
    const next = session.pages.find((p) => p.url.endsWith('/spa/next'));
    assert.ok(first && next, `pages: ${session.pages.map((p) => p.url)}`);
    const sum = (sections: { engagedMs: number }[] = []) => sections.reduce((s, x) => s + x.engagedMs, 0);
    const intro = first.sections?.find((s) => s.name === 'intro')?.engagedMs ?? 0;
    // The read time plus at most the half-second grace; the three unfocused seconds go nowhere.
    assert.ok(
      intro >= introMs - 1000 && intro <= introMs + 500 + 1000,
      `intro ${intro} ms, read ${introMs} ms`,
    );
    assert.ok(Math.abs(sum(first.sections) - first.engagedMs) <= 500, 'the first page: sections = engaged');
    assert.deepEqual(
      next.sections?.map((s) => s.name),
      ['chapter one'],
      "only the new page's sections, after the route change",
    );
    const chapter = next.sections?.[0]?.engagedMs ?? 0;
    assert.ok(Math.abs(chapter - chapterMs) <= 1000, `chapter one ${chapter} ms, read ${chapterMs} ms`);
    await context.close();
  });

  it('never loads the add-on on a page that marks no section', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const requested: string[] = [];
    page.on('request', (request) => requested.push(new URL(request.url()).pathname));
    await page.goto(`${site.origin}/plain`);
    await sessionIdOf(page);
    await sleep(1500);
    assert.ok(requested.includes('/dwell.js'));
    assert.ok(!requested.includes('/dwell-sections.js'), requested.join(' '));
    await context.close();
  });
});
