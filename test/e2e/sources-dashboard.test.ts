// Sources in the dashboard (issue #24), in real Chromium against a real server and SQLite file: a
// reader arrives from Hacker News with UTM parameters (a real page with dwell.js, and sessions
// started through the ingest API), finds themself under that source and campaign in the overview's
// panels, filters the whole overview by clicking the source (a chip, kept in the URL through a
// reload), sees the session's origin in its detail, and removes the filter; the key figures compare
// with the previous period. At a laptop's and a phone's size, the phone without sideways scroll.
// Screenshots go to test-results/ (kept as CI artifacts).

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { generateSessions } from '../../src/demo/generate.ts';
import type { ImportedSession } from '../../src/store/query-types.ts';
import type { SessionOrigin } from '../../src/store/types.ts';
import { ADMIN_TOKEN, BROWSER_UA, startServer, type TestServer } from '../helper.ts';
import {
  chromiumSkipReason,
  launchChromium,
  newContext,
  type Site,
  sessionIdOf,
  sleep,
  startSite,
  trackedPage,
} from './tracker-browser.ts';

const SHOTS = 'test-results';
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const DAY = 86_400_000;
const HN = 'https://news.ycombinator.com/';
const CAMPAIGN = 'dwell-launch';
const TAGS = `utm_source=hn&utm_medium=social&utm_campaign=${CAMPAIGN}`;

/** The rest of the site's readers, as a real site's mix: picked by index, so the test is repeatable. */
const MIX = {
  source: [
    null,
    null,
    null,
    'Google',
    'Google',
    'Google',
    'Hacker News',
    'Newsletter',
    'Reddit',
    'LinkedIn',
    'ChatGPT',
    'DuckDuckGo',
    'Bing',
  ],
  campaign: [null, null, null, null, 'spring-sale', 'product-hunt'],
  device: [
    ['desktop', 'Chrome', 'Windows'],
    ['desktop', 'Chrome', 'macOS'],
    ['mobile', 'Safari', 'iOS'],
    ['desktop', 'Firefox', 'Linux'],
    ['mobile', 'Chrome', 'Android'],
    ['desktop', 'Safari', 'macOS'],
    ['tablet', 'Safari', 'iOS'],
    ['desktop', 'Microsoft Edge', 'Windows'],
  ],
  country: ['US', 'US', 'DE', 'GB', 'FR', 'NL', 'IN', 'CA', 'BR', 'SE', 'JP', 'ES'],
} as const;

/** A well-mixed hash of (i, salt): each field picked independently of the others. */
function mix(i: number, salt: number): number {
  let x = Math.imul(i ^ Math.imul(salt, 0x9e3779b9), 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

function originOf(i: number): SessionOrigin {
  const pick = <T>(list: readonly T[], salt: number) => list[mix(i, salt) % list.length]!;
  const source = pick(MIX.source, 1);
  const campaign = source === 'Newsletter' ? 'weekly-digest' : pick(MIX.campaign, 2);
  const [device, browser, os] = pick(MIX.device, 3);
  return {
    source,
    sourceCategory: source === null ? 'direct' : source === 'Newsletter' ? 'email' : 'search',
    referrerHost: null,
    utm: {
      source: campaign ? (source ?? 'twitter').toLowerCase() : null,
      medium: campaign ? (source === 'Newsletter' ? 'email' : 'social') : null,
      campaign,
      content: null,
      term: null,
    },
    entryPath: null,
    device,
    browser,
    os,
    country: pick(MIX.country, 4),
    region: null,
  };
}

interface StatsAnswer {
  sessions: number;
}
interface SessionAnswer {
  engagedMs: number;
  origin: SessionOrigin | null;
}

describe('sources in the dashboard', { skip: chromiumSkipReason() }, () => {
  let server: TestServer;
  let browser: Browser;
  let site: Site;
  /** The sessions that came from Hacker News with the campaign: the browser's first. */
  const arrivals: string[] = [];

  const apiGet = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${server.url}/api/v1/${path}`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    assert.equal(response.status, 200, `GET ${path}`);
    return ((await response.json()) as { data: T }).data;
  };
  const ingest = async <T>(path: string, body: unknown): Promise<T> => {
    const response = await fetch(`${server.url}/api/v1/analytics/${path}`, {
      method: 'POST',
      headers: { 'user-agent': BROWSER_UA, 'content-type': 'text/plain' },
      body: JSON.stringify(body),
    });
    assert.ok(response.ok, `POST ${path}: ${response.status} ${await response.clone().text()}`);
    return ((await response.json()) as { data: T }).data;
  };
  /** The rest of the site's readers, with origins, in one import. */
  const seed = async (periods: { count: number; from: number; to: number; seed: number }[]) => {
    const sessions: ImportedSession[] = periods.flatMap((period) =>
      [...generateSessions({ ...period, origin: 'https://site.test' })].map((s, i) => ({
        ...s,
        origin: originOf(i + period.seed * 1000),
      })),
    );
    await server.store.importSessions(sessions);
  };

  const open = async (viewport: { width: number; height: number }) => {
    // bypassCSP: the dashboard forbids eval, which Playwright's string predicates need.
    const context = await browser.newContext({ viewport, userAgent: BROWSER_UA, bypassCSP: true });
    return context.newPage();
  };
  const ready = (page: Page) => page.locator('main[aria-busy="false"]').waitFor();
  const signIn = async (page: Page, path = '/dashboard') => {
    await page.goto(`${server.url}${path}`);
    await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await ready(page);
  };
  const pageWidth = async (page: Page) =>
    (await page.evaluate('document.documentElement.scrollWidth')) as number;
  const kpis = (page: Page) => page.$$eval('.kpi-value', (els) => els.map((e) => e.textContent ?? ''));
  const count = (n: number) => n.toLocaleString('en');
  const rowsOf = (page: Page, panel: string) =>
    page.$$eval(`#panel-${panel} .row-filter`, (els) => els.map((e) => e.textContent ?? ''));
  const filterParam = (page: Page, name: string) => new URL(page.url()).searchParams.get(name);

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    // A one-second interval so the page's beats come quickly; a wide tolerance so the API's sessions
    // are credited their claimed engaged time a moment after they start.
    server = await startServer({
      DWELL_RATE_LIMIT: 'off',
      DWELL_INTERVAL_MS: '1000',
      DWELL_TOLERANCE_MS: '300000',
    });
    const now = Date.now();
    // This period and, fewer, the one before: the key figures have something to compare with.
    await seed([
      { count: 900, from: now - 29 * DAY, to: now - 3_600_000, seed: 1 },
      { count: 600, from: now - 59 * DAY, to: now - 31 * DAY, seed: 2 },
    ]);
    site = await startSite(() => trackedPage(server.url));
    browser = await launchChromium();

    // A real visit: a page with dwell.js, reached from Hacker News with UTM parameters.
    const context = await newContext(browser);
    const visit = await context.newPage();
    await visit.goto(`${site.origin}/blog/launch?${TAGS}`, { referer: HN });
    arrivals.push(await sessionIdOf(visit));
    await sleep(2_500);
    await context.close();

    // And three more through the ingest API, as other browsers would start and beat them.
    for (const engagedMs of [95_000, 62_000, 41_000]) {
      const url = `https://site.test/blog/launch?${TAGS}`;
      const { id, token } = await ingest<{ id: string; token: string }>('session', { url, referrer: HN });
      await sleep(200);
      await ingest(`session/${encodeURIComponent(id)}/heartbeat`, { token, seq: 1, engagedMs, url });
      arrivals.push(id);
    }
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await site?.close();
  });

  it('records the visit from Hacker News with its campaign', async () => {
    const visit = await apiGet<SessionAnswer>(`analytics/sessions/${arrivals[0]}`);
    assert.ok(visit.engagedMs > 0, 'the page was credited engaged time');
    assert.equal(visit.origin?.source, 'Hacker News');
    assert.equal(visit.origin?.utm.campaign, CAMPAIGN);
    assert.equal(visit.origin?.device, 'desktop');
  });

  it('ranks sources and campaigns by engaged time and filters the overview by a click (laptop)', async () => {
    const page = await open(DESKTOP);
    await signIn(page);
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    const all = await apiGet<StatsAnswer>('analytics/stats');
    assert.equal((await kpis(page))[0], count(all.sessions));

    // The panels, each ranked, with sessions and the median beside the engaged time.
    assert.ok((await rowsOf(page, 'sources')).includes('Hacker News'));
    assert.ok((await rowsOf(page, 'sources')).includes('Direct'), 'no source reads "Direct"');
    assert.ok((await rowsOf(page, 'campaigns')).includes(CAMPAIGN));
    assert.ok((await rowsOf(page, 'devices')).includes('Desktop'));
    assert.ok((await rowsOf(page, 'countries')).includes('Germany'));
    const totals = await page.$$eval('#panel-sources tbody .engaged', (els) => els.map((e) => e.textContent));
    assert.ok(totals.length >= 5, `sources: ${totals.join(', ')}`);
    assert.match(
      (await page.locator('#panel-sources tbody .median').first().textContent()) ?? '',
      /^median /,
    );
    // DB-IP's credit under the countries.
    const credit = page.locator('#panel-countries').getByRole('link', { name: 'IP geolocation by DB-IP' });
    assert.equal(await credit.getAttribute('href'), 'https://db-ip.com');
    // The key figures against the previous 30 days: more sessions now than then.
    // (What is seen, without the sentence for screen readers.)
    const deltas = await page.$$eval('.kpi-delta', (els) =>
      els.map((e) => [...e.querySelectorAll('[aria-hidden]')].map((part) => part.textContent).join('')),
    );
    assert.equal(deltas.length, 4);
    assert.match(deltas[0]!, /^▲ [\d.]+% vs previous 30 days$/);
    for (const d of deltas) assert.match(d, /^(▲ [\d.]+%|▼ [\d.]+%|new|no change) vs previous 30 days$/);
    // A campaign panel's other tabs: the campaigns' media.
    await page.locator('#panel-campaigns').getByRole('button', { name: 'Medium' }).click();
    await page.locator('#panel-campaigns table[data-by="utm_medium"]').waitFor();
    assert.ok((await rowsOf(page, 'campaigns')).includes('social'));
    await page.locator('#panel-campaigns').getByRole('button', { name: 'Campaign', exact: true }).click();
    await page.locator('#panel-campaigns table[data-by="utm_campaign"]').waitFor();
    // Once the new tab's table has rendered (on a loaded machine the layout settles a frame later).
    await page
      .waitForFunction(`document.documentElement.scrollWidth <= ${DESKTOP.width}`, null, { timeout: 5_000 })
      .catch(() => undefined);
    assert.ok(
      (await pageWidth(page)) <= DESKTOP.width,
      `the laptop page scrolls sideways: ${await pageWidth(page)}`,
    );
    await page.screenshot({ path: `${SHOTS}/sources-overview.png`, fullPage: true });
    // The picture for the README: key figures, charts, sources and campaigns.
    const panels = await page.locator('#panel-campaigns').boundingBox();
    assert.ok(panels);
    await page.screenshot({
      path: `${SHOTS}/sources-overview-top.png`,
      fullPage: true,
      clip: { x: 0, y: 0, width: DESKTOP.width, height: Math.ceil(panels.y + panels.height + 24) },
    });

    // Click the source: a chip, the filter in the URL, and every figure and panel narrowed to it.
    await page.locator('#panel-sources').getByRole('button', { name: 'Hacker News' }).click();
    await page.locator('.chip[data-filter="source"]').waitFor();
    await ready(page);
    assert.equal(filterParam(page, 'source'), 'Hacker News');
    assert.equal(await page.locator('.chip').textContent(), 'Source: Hacker News×');
    const fromHn = await apiGet<StatsAnswer>('analytics/stats?source=Hacker%20News');
    assert.ok(fromHn.sessions >= arrivals.length && fromHn.sessions < all.sessions);
    assert.equal((await kpis(page))[0], count(fromHn.sessions));
    assert.deepEqual(await rowsOf(page, 'sources'), ['Hacker News']);
    assert.equal(
      await page.locator('#panel-sources .row-filter').getAttribute('aria-pressed'),
      'true',
      'the row filtered by is marked',
    );
    assert.ok((await rowsOf(page, 'campaigns')).includes(CAMPAIGN));
    assert.ok(!(await rowsOf(page, 'campaigns')).includes('weekly-digest'), 'no newsletter campaign left');
    await page.screenshot({ path: `${SHOTS}/sources-filtered.png`, fullPage: true });

    // Kept through a reload: the URL is the view.
    await page.reload();
    await ready(page);
    await page.locator('.chip[data-filter="source"]').waitFor();
    assert.equal((await kpis(page))[0], count(fromHn.sessions));

    // The sessions view reads the same filter; the visit's detail says where it came from.
    await page.getByRole('link', { name: 'Sessions', exact: true }).click();
    await page.getByRole('heading', { name: 'Sessions' }).waitFor();
    await ready(page);
    await page.locator('.chip[data-filter="source"]').waitFor();
    const listed = await page.$$eval('#sessions-table button[data-session]', (els) =>
      els.map((e) => e.getAttribute('data-session')),
    );
    for (const id of arrivals) assert.ok(listed.includes(id), `session ${id} is under Hacker News`);
    await page.locator(`button[data-session="${arrivals[0]}"]`).click();
    await page.getByRole('heading', { name: 'Session timeline' }).waitFor();
    const fact = (name: string) => page.locator(`.detail dd[data-fact="${name}"]`).textContent();
    assert.match((await fact('source')) ?? '', /^Hacker News · /);
    assert.match((await fact('campaign')) ?? '', new RegExp(`^${CAMPAIGN} · hn · social`));
    assert.match((await fact('device')) ?? '', /^Desktop · Chrom(e|ium) · Linux$/);
    assert.ok(await fact('country'));
    // Long campaign tags and visitor keys wrap: the table still fits its card beside the detail.
    const fit = (await page.evaluate(
      "(() => { const card = document.getElementById('sessions-table').closest('.card'); return [card.scrollWidth, card.clientWidth]; })()",
    )) as [number, number];
    assert.ok(fit[0] <= fit[1], `the sessions card scrolls sideways: ${fit}`);
    await page.screenshot({ path: `${SHOTS}/sources-session.png`, fullPage: true });

    // Back to the overview, still filtered; removing the chip shows everyone again.
    await page.getByRole('link', { name: 'Overview', exact: true }).click();
    // (The sessions view, with its own chip, stays on screen until the overview replaces it.)
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await ready(page);
    await page.locator('.chip[data-filter="source"]').waitFor();
    await page.getByRole('button', { name: 'Remove filter Source: Hacker News' }).click();
    await page.locator('.chip').waitFor({ state: 'detached' });
    await ready(page);
    assert.equal(filterParam(page, 'source'), null);
    assert.equal((await kpis(page))[0], count(all.sessions));
    // Back brings the filter back, as any page of a bookmarked view would.
    await page.goBack();
    await page.locator('.chip[data-filter="source"]').waitFor();
    await ready(page);
    assert.equal((await kpis(page))[0], count(fromHn.sessions));
    await page.context().close();
  });

  it('opens a shared filtered view on a phone without sideways scroll', async () => {
    const page = await open(PHONE);
    // A bookmarked view: the campaign's filter in the URL.
    await signIn(page, `/dashboard?utm_campaign=${CAMPAIGN}#/overview`);
    await page.locator('.chip[data-filter="utm_campaign"]').waitFor();
    const fromCampaign = await apiGet<StatsAnswer>(`analytics/stats?utm_campaign=${CAMPAIGN}`);
    assert.equal(fromCampaign.sessions, arrivals.length);
    assert.equal((await kpis(page))[0], count(arrivals.length));
    assert.deepEqual(await rowsOf(page, 'sources'), ['Hacker News']);
    assert.ok((await pageWidth(page)) <= PHONE.width, `filtered: ${await pageWidth(page)} px wide`);
    await page.screenshot({ path: `${SHOTS}/sources-phone-filtered.png` });
    // A second filter from a panel, then both removed.
    await page.locator('#panel-devices').getByRole('button', { name: 'Desktop' }).click();
    await page.locator('.chip[data-filter="device"]').waitFor();
    await ready(page);
    assert.equal(filterParam(page, 'device'), 'desktop');
    assert.equal(filterParam(page, 'utm_campaign'), CAMPAIGN);
    assert.ok((await pageWidth(page)) <= PHONE.width, `two filters: ${await pageWidth(page)} px wide`);
    await page.getByRole('button', { name: 'Clear all' }).click();
    // Every chip gone (a locator's waitFor wants one element; two stand until the view redraws).
    await page.waitForFunction("document.querySelector('.chip') === null");
    await ready(page);
    assert.ok((await rowsOf(page, 'sources')).length > 1);
    assert.ok((await pageWidth(page)) <= PHONE.width, `unfiltered: ${await pageWidth(page)} px wide`);
    await page.screenshot({ path: `${SHOTS}/sources-phone.png`, fullPage: true });
    await page.context().close();
  });
});
