// The tracker end to end: the built dwell.js in Debian's Chromium against the real server, one
// scenario per way a visit goes (the list). Each compares the engaged time the server
// stored with the time the test kept the page visible and active, within one second.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
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
  trackedPage,
} from './tracker-browser.ts';

const TOLERANCE_MS = 1000;

/**
 * A carousel that scrolls by itself, as a news ticker or an image slider does: a row of slides in
 * an element that scrolls sideways every 100 ms, counting its own scroll events.
 */
const CAROUSEL = `<div id="carousel" style="overflow-x: auto; white-space: nowrap; width: 300px">${'<span style="display: inline-block; width: 280px">slide</span>'.repeat(50)}</div>
<script>
  window.carouselScrolls = 0;
  carousel.addEventListener('scroll', () => carouselScrolls++);
  setInterval(() => { carousel.scrollLeft = (carousel.scrollLeft + 40) % 10000; }, 100);
</script>`;

const skip = chromiumSkipReason();

describe('tracker in Chromium', { skip }, () => {
  let server: TestServer;
  let slow: TestServer;
  let browser: Browser;
  /**
   * The tracked site: `/slow/…` pages report to the slow server, `/idle/…` ones set data-idle,
   * `/grace/…` and `/mouse/…` ones a one-second grace, `/twice/…` ones load the script twice, and
   * `/carousel/…` ones (a one-second grace too) have a carousel that scrolls by itself.
   */
  let site: Site;

  before(async () => {
    execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
    site = await startSite((path) => {
      const html = trackedPage(
        path.startsWith('/slow/') ? slow.url : server.url,
        path.startsWith('/idle/')
          ? 'data-idle="1500"'
          : /^\/(grace|mouse|carousel)\//.test(path)
            ? 'data-grace="1000"'
            : '',
      );
      if (path.startsWith('/carousel/')) return html.replace('<body>', `<body>${CAROUSEL}`);
      return path.startsWith('/twice/') ? html.replace(/<script.*<\/script>/, '$&$&') : html;
    });
    [server, slow, browser] = await Promise.all([
      startServer({ DWELL_INTERVAL_MS: '1000', DWELL_RATE_LIMIT: 'off' }),
      // A long interval: whatever reaches this server after the last tick came with the final beacon.
      startServer({ DWELL_INTERVAL_MS: '60000', DWELL_RATE_LIMIT: 'off' }),
      launchChromium(),
    ]);
  });
  after(async () => {
    await browser?.close();
    await Promise.all([server?.close(), slow?.close(), site?.close()]);
  });

  /** Opens a fixture page and returns it with the session id and the moment counting began. */
  async function visit(path = '/article') {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(site.origin + path);
    const started = Date.now();
    const id = await sessionIdOf(page);
    return { context, page, id, started };
  }

  /** Closes the page (pagehide) and waits until the server has its final beat. */
  async function closeAndRead(base: TestServer, page: Page, id: string) {
    await page.close();
    for (let i = 0; i < 40; i++) {
      const session = await base.store.getSession(id);
      if (session?.endedAt) return session;
      await sleep(100);
    }
    const session = await base.store.getSession(id);
    assert.ok(session, 'session stored');
    return session;
  }

  const assertNear = (actual: number, truth: number, what = 'engaged time') =>
    assert.ok(Math.abs(actual - truth) <= TOLERANCE_MS, `${what}: stored ${actual} ms, truth ${truth} ms`);

  it('credits a straight visit with its visible time', async () => {
    const { context, page, id, started } = await visit();
    await sleep(3500);
    const truth = Date.now() - started;
    const session = await closeAndRead(server, page, id);
    assertNear(session.engagedMs, truth);
    assert.ok(session.endedAt, 'the final beat ended the session');
    await context.close();
  });

  it('stops counting while the tab is hidden and resumes when it is shown', async () => {
    const { context, page, id, started } = await visit();
    await sleep(2000);
    const hiddenAt = Date.now();
    await setHidden(page, true);
    await sleep(3000);
    await setHidden(page, false);
    const hiddenMs = Date.now() - hiddenAt;
    await sleep(2000);
    const truth = Date.now() - started - hiddenMs;
    const session = await closeAndRead(server, page, id);
    assertNear(session.engagedMs, truth);
    await context.close();
  });

  it('sends the time since the last beat when the page is closed (pagehide beacon)', async () => {
    // With a 60 s interval no tick fires: everything stored arrives in the final beacon.
    const { context, page, id, started } = await visit('/slow/article');
    await sleep(3000);
    const truth = Date.now() - started;
    const session = await closeAndRead(slow, page, id);
    assertNear(session.engagedMs, truth);
    assert.ok(session.endedAt, 'the final beat ended the session');
    await context.close();
  });

  it('credits each single-page-app URL with its own time', async () => {
    const { context, page, id, started } = await visit('/app');
    await sleep(2000);
    const atB = Date.now();
    await page.evaluate("history.pushState({}, '', '/app/b')");
    await sleep(2000);
    const atHash = Date.now();
    await page.evaluate("location.hash = 'c'");
    await sleep(1500);
    const atBack = Date.now();
    await page.evaluate('history.back()');
    await sleep(1500);
    const end = Date.now();
    const session = await closeAndRead(server, page, id);
    const pageTime = (url: string) => session.pages.find((p) => p.url === site.origin + url)?.engagedMs ?? 0;
    assertNear(pageTime('/app'), atB - started, '/app');
    assertNear(pageTime('/app/b'), atHash - atB + (end - atBack), '/app/b');
    assertNear(pageTime('/app/b#c'), atBack - atHash, '/app/b#c');
    assertNear(session.engagedMs, end - started);
    await context.close();
  });

  it('keeps the time of an offline stretch and delivers it once back online', async () => {
    const { context, page, id, started } = await visit();
    await sleep(1500);
    await context.setOffline(true);
    await sleep(3500);
    const during = (await server.store.getSession(id))?.engagedMs ?? 0;
    await context.setOffline(false);
    await sleep(2500);
    const truth = Date.now() - started;
    const session = await closeAndRead(server, page, id);
    assert.ok(during < truth - 3000, `nothing arrived while offline (had ${during} ms)`);
    assertNear(session.engagedMs, truth);
    await context.close();
  });

  it('continues the same session across a reload', async () => {
    const { context, page, id, started } = await visit();
    await sleep(2000);
    await page.reload();
    assert.equal(await sessionIdOf(page), id, 'same session after the reload');
    await sleep(2000);
    const truth = Date.now() - started;
    const session = await closeAndRead(server, page, id);
    assertNear(session.engagedMs, truth);
    await context.close();
  });

  it('counts two tabs open at once, each in its own session', async () => {
    const context = await newContext(browser);
    const [first, second] = [await context.newPage(), await context.newPage()];
    await first.goto(`${site.origin}/one`);
    const firstStarted = Date.now();
    await second.goto(`${site.origin}/two`);
    const secondStarted = Date.now();
    const [firstId, secondId] = [await sessionIdOf(first), await sessionIdOf(second)];
    assert.notEqual(firstId, secondId);
    await sleep(2000);
    const secondTruth = Date.now() - secondStarted;
    const secondSession = await closeAndRead(server, second, secondId);
    await sleep(1500);
    const firstTruth = Date.now() - firstStarted;
    const firstSession = await closeAndRead(server, first, firstId);
    assertNear(firstSession.engagedMs, firstTruth, 'first tab');
    assertNear(secondSession.engagedMs, secondTruth, 'second tab');
    await context.close();
  });

  /** Moves the mouse now and then for `ms`, as a reader does. */
  async function readFor(page: Page, ms: number) {
    const end = Date.now() + ms;
    for (let x = 0; Date.now() < end; x = (x + 37) % 300) {
      await page.mouse.move(x, 100);
      await sleep(Math.min(250, Math.max(0, end - Date.now())));
    }
  }

  it('stops counting engaged time when the window loses focus, and counts visible time on', async () => {
    const { context, page, id, started } = await visit('/grace/article');
    await readFor(page, 2000);
    const blurredAt = Date.now();
    await setFocused(page, false);
    await sleep(2000);
    // The pointer crossing the page on its way in the other app is no reader.
    await page.mouse.move(50, 300);
    await sleep(2000);
    await setFocused(page, true);
    const unfocusedMs = Date.now() - blurredAt;
    await readFor(page, 2000);
    const total = Date.now() - started;
    const session = await closeAndRead(server, page, id);
    // Engaged: the focused time only.
    assertNear(session.engagedMs, total - unfocusedMs);
    assertNear(session.visibleMs ?? 0, total, 'visible time');
    assertNear(session.pages[0]?.visibleMs ?? 0, total, "the page's visible time");
    await context.close();
  });

  it('counts a reader who reads with only the mouse in full, pauses longer than the grace included', async () => {
    // The cursor follows the gaze: a mouse move over the page ends a quiet stretch as reading.
    const { context, page, id, started } = await visit('/mouse/article');
    for (const x of [100, 140, 180]) {
      await page.mouse.move(x, 100);
      await sleep(2500);
    }
    await page.mouse.move(220, 100);
    const truth = Date.now() - started;
    const session = await closeAndRead(server, page, id);
    assertNear(session.engagedMs, truth);
    await context.close();
  });

  it('counts only the grace of a quiet stretch ended by a mouse move after the pointer left the window', async () => {
    // Someone whose pointer went off the page and who comes back is not shown to have read meanwhile.
    const { context, page, id, started } = await visit('/mouse/article');
    await page.mouse.move(100, 100);
    await sleep(1000);
    await page.mouse.move(120, 100);
    const lastRead = Date.now();
    // Off the page: Chromium fires mouseout with no relatedTarget.
    await page.mouse.move(-10, -10);
    await sleep(3000);
    await page.mouse.move(100, 100);
    const back = Date.now();
    await sleep(1000);
    await page.mouse.move(140, 100);
    const end = Date.now();
    const session = await closeAndRead(server, page, id);
    // The reading, the one-second grace of the 3-second stretch, and the reading after the return.
    assertNear(session.engagedMs, lastRead - started + 1000 + (end - back));
    await context.close();
  });

  it('does not count a carousel that scrolls by itself as a reader', async () => {
    // Left alone for a minute at the default 30 s grace is left alone for 5 s at this page's 1 s
    // grace: either way engaged time stops a grace after the last input, unless the carousel's own
    // scroll events counted as input, and then all of it would count.
    const { context, page, id, started } = await visit('/carousel/article');
    await sleep(5000);
    const total = Date.now() - started;
    assert.ok(((await page.evaluate('carouselScrolls')) as number) > 20, 'the carousel scrolled by itself');
    const session = await closeAndRead(server, page, id);
    assert.ok(session.engagedMs <= 1000 + TOLERANCE_MS, `engaged ${session.engagedMs} ms, grace 1000 ms`);
    assertNear(session.visibleMs ?? 0, total, 'visible time');
    await context.close();
  });

  it('counts a page that loads the script twice once', async () => {
    const { context, page, id, started } = await visit('/twice/article');
    assert.equal(await page.locator('script[src$="/dwell.js"]').count(), 2);
    await sleep(3000);
    const truth = Date.now() - started;
    const session = await closeAndRead(server, page, id);
    assertNear(session.engagedMs, truth);
    await context.close();
  });

  it('stops counting after the idle cut-off and starts again on input', async () => {
    const { context, page, id, started } = await visit('/idle/article');
    await sleep(4500);
    const back = Date.now();
    await page.mouse.move(10, 10);
    await page.mouse.wheel(0, 400);
    await sleep(1500);
    const truth = 1500 + (Date.now() - back);
    void started;
    const session = await closeAndRead(server, page, id);
    assertNear(session.engagedMs, truth);
    const scroll = session.pages[0]?.maxScroll ?? 0;
    assert.ok(scroll > 0 && scroll < 100, `deepest scroll recorded (${scroll}%)`);
    await context.close();
  });

  it('starts a new session by itself once the timeout has passed since its last acknowledged beat', async () => {
    const { context, page, id } = await visit();
    // The server answered the start (and maybe beats): the tab remembers when, with the timeout.
    await page.waitForFunction(`JSON.parse(sessionStorage.getItem('dwell')).a > 0`, undefined, {
      polling: 50,
    });
    // A tab left for longer than the timeout (30 min here): the next page load continues the visit
    // from sessionStorage, as after a real gap, but the session it had may be expired server-side.
    // (Rewritten before the page's scripts run: the old page saves its state again on pagehide.)
    await page.addInitScript(`(() => {
      const s = JSON.parse(sessionStorage.getItem('dwell'));
      s.a = Date.now() - s.timeout - 1000;
      sessionStorage.setItem('dwell', JSON.stringify(s));
    })()`);
    await page.reload();
    const next = await page.waitForFunction(
      `(() => { const s = JSON.parse(sessionStorage.getItem('dwell') || 'null'); return s && s.id && s.id !== ${JSON.stringify(id)} ? s.id : null })()`,
      undefined,
      { timeout: 5000, polling: 50 },
    );
    const fresh = (await next.jsonValue()) as string;
    assert.ok(await server.store.getSession(fresh), 'the new session was started on the server');
    await context.close();
  });
});
