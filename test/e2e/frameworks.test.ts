// @dwell/tracker as users meet it: packed, installed from the tarball into Astro, React, Vue,
// Svelte and Next.js (App Router) apps, built by their own toolchains, served, and visited in
// Chromium against a real server. Each visit: the session starts, a client-side route change
// continues it (Astro's View Transitions, Next.js's <Link>; pushState elsewhere), stopping
// (unmounting, or a page outside the component's layout) ends it with its time, within one second
// of the truth, and nothing counts after.

import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { createClient, type SessionDetail } from '../../packages/tracker/src/client/index.ts';
import { ADMIN_TOKEN, startServer, type TestServer } from '../helper.ts';
import {
  buildApp,
  FRAMEWORKS,
  type Framework,
  installFrameworks,
  prepareRun,
  serveStatic,
} from './framework-apps.ts';
import { chromiumSkipReason, launchChromium, newContext, sessionIdOf, sleep } from './tracker-browser.ts';

const TOLERANCE_MS = 1000;
const skip = chromiumSkipReason();

describe('@dwell/tracker in framework apps', { skip, timeout: 300_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  let run: string;
  const sites = new Map<Framework, Awaited<ReturnType<typeof serveStatic>>>();

  before(async () => {
    [server, browser] = await Promise.all([
      startServer({ DWELL_INTERVAL_MS: '1000', DWELL_RATE_LIMIT: 'off' }),
      launchChromium(),
    ]);
    const cache = installFrameworks();
    run = prepareRun(cache);
    for (const framework of FRAMEWORKS) {
      sites.set(framework, await serveStatic(buildApp(cache, run, framework, server.url)));
    }
  });
  after(async () => {
    await browser?.close();
    await Promise.all([server?.close(), ...[...sites.values()].map((site) => site.close())]);
    if (run) rmSync(run, { recursive: true, force: true });
  });

  /** The session once its final beat is in (the session ended). */
  async function endedSession(id: string): Promise<SessionDetail> {
    const client = createClient({ url: server.url, token: ADMIN_TOKEN });
    for (let i = 0; i < 50; i++) {
      const session = await client.session(id);
      if (session.endedAt) return session;
      await sleep(100);
    }
    assert.fail(`session ${id} did not end`);
  }

  for (const framework of FRAMEWORKS) {
    it(`${framework}: one session across a route change, credited to the second, until stopped`, async () => {
      const site = sites.get(framework)!;
      const context = await newContext(browser);
      const page = await context.newPage();
      try {
        await page.goto(`${site.origin}/`);
        const id = await sessionIdOf(page);
        const started = Date.now();
        // Survives only a client-side navigation: a full page load would drop it.
        await page.evaluate('window.sameDocument = true');
        await sleep(1500);

        await page.click('#about');
        await page.waitForURL(/\/about\/?$/);
        await page.waitForFunction(`document.querySelector('h1')?.textContent === 'About'`);
        assert.equal(await page.evaluate('window.sameDocument'), true, 'the route change stays in the page');
        await sleep(1500);
        assert.equal(await sessionIdOf(page), id, 'the same session continues');

        // Astro and Next.js: a page without the component stops tracking; elsewhere the component
        // unmounts.
        const stopped = Date.now();
        await page.click(framework === 'astro' || framework === 'next' ? '#bye' : '#stop');
        const session = await endedSession(id);
        const truth = stopped - started;
        assert.ok(
          Math.abs(session.engagedMs - truth) <= TOLERANCE_MS,
          `engaged time: stored ${session.engagedMs} ms, truth ${truth} ms`,
        );
        const paths = session.pages.filter((p) => p.engagedMs > 0).map((p) => new URL(p.url).pathname);
        assert.ok(paths.includes('/'), `time on the first page: ${paths}`);
        assert.ok(
          paths.some((path) => path.startsWith('/about')),
          `time on the second page: ${paths}`,
        );

        // Stopped means stopped: intervals pass and nothing more is sent.
        await sleep(2500);
        const later = await createClient({ url: server.url, token: ADMIN_TOKEN }).session(id);
        assert.equal(later.engagedMs, session.engagedMs);
        assert.equal(later.beats, session.beats);
      } finally {
        await context.close();
      }
    });
  }
});
