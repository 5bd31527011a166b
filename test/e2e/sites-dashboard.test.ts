// Sites in the dashboard (issue #23), in real Chromium against a real server and SQLite file, at a
// laptop's and a phone's size: the site switcher, the Sites page with each site's figures, adding a
// site (and a declined host), a site's settings with its tokens and shared links, removing a site,
// and the shared view at /share/<secret>, which shows aggregates and never a person.
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
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const DAY = 86_400_000;

interface StatsAnswer {
  sessions: number;
  visitors: number;
  engagedMs: { median: number };
}

describe('sites in the dashboard', { skip: chromiumSkipReason() }, () => {
  let server: TestServer;
  let browser: Browser;
  /** The site the test app starts with, and the one added from the Sites page. */
  let first: { id: string; name: string };
  const blog = { id: 'blog.test', name: 'Blog' };
  let blogSessions: ImportedSession[] = [];
  let sharedUrl = '';
  let revokedUrl = '';

  const apiGet = async <T>(path: string, bearer = ADMIN_TOKEN): Promise<{ status: number; data: T }> => {
    const response = await fetch(`${server.url}/api/v1/${path}`, {
      headers: { authorization: `Bearer ${bearer}` },
    });
    const body = (await response.json()) as { data: T };
    return { status: response.status, data: body.data };
  };
  const apiSend = async <T>(method: string, path: string, body: unknown): Promise<T> => {
    const response = await fetch(`${server.url}/api/v1/${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.ok(response.ok, `${method} ${path}: ${response.status}`);
    return ((await response.json()) as { data: T }).data;
  };
  const siteScope = async (id: string) => {
    const site = (await server.store.listSites()).find((s) => s.id === id);
    assert.ok(site, `site ${id} exists`);
    return { pk: site.pk, timeZone: site.timeZone };
  };
  const seed = async (id: string, options: { count: number; seed: number; origin: string; days: number }) => {
    const now = Date.now();
    const site = await siteScope(id);
    const sessions = [
      ...generateSessions({ ...options, from: now - options.days * DAY, to: now - 60_000 }),
    ].map((s) => ({ ...s, site }));
    await server.store.importSessions(sessions);
    return sessions;
  };

  const open = async (viewport: { width: number; height: number }) => {
    // bypassCSP: the dashboard forbids eval, which Playwright's string predicates need.
    const context = await browser.newContext({ viewport, userAgent: BROWSER_UA, bypassCSP: true });
    return context.newPage();
  };
  const signIn = async (page: Page, path = '/dashboard') => {
    await page.goto(`${server.url}${path}`);
    await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('main[aria-busy="false"]').waitFor();
  };
  const ready = (page: Page) => page.locator('main[aria-busy="false"]').waitFor();
  const pageWidth = async (page: Page) =>
    (await page.evaluate('document.documentElement.scrollWidth')) as number;
  const kpis = (page: Page) => page.$$eval('.kpi-value', (els) => els.map((e) => e.textContent ?? ''));
  const count = (n: number) => n.toLocaleString('en');

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await startServer({ DWELL_RATE_LIMIT: 'off' });
    const sites = await apiGet<{ items: { id: string; name: string }[] }>('sites');
    assert.equal(sites.data.items.length, 1);
    first = sites.data.items[0]!;
    await seed(first.id, { count: 400, seed: 3, origin: 'https://example.com', days: 20 });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('hides the site switcher while there is one site', async () => {
    const page = await open(DESKTOP);
    await signIn(page);
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    assert.equal(await page.locator('#site').count(), 0);
    await page.context().close();
  });

  it('adds a site from the Sites page, showing a refusal next to the form', async () => {
    const page = await open(DESKTOP);
    await signIn(page, '/dashboard#/sites');
    await page.getByRole('heading', { name: 'Sites', exact: true }).waitFor();
    const form = page.locator('form', { has: page.getByRole('heading', { name: 'Add a site' }) });
    // A host another site has: 400 naming the host, said next to the form.
    await form.getByLabel('Hosts').fill('example.com');
    await form.getByLabel('Time zone').fill('UTC');
    await form.getByRole('button', { name: 'Add site' }).click();
    await form.getByRole('alert').filter({ hasText: 'already' }).waitFor();
    // A time zone that is none: 400 naming the field, which is marked invalid.
    await form.getByLabel('Hosts').fill('blog.test, www.blog.test');
    await form.getByLabel('Name').fill(blog.name);
    await form.getByLabel('Time zone').fill('Mars/Olympus');
    await form.getByRole('button', { name: 'Add site' }).click();
    await form.getByRole('alert').filter({ hasText: 'timeZone' }).waitFor();
    assert.equal(await form.getByLabel('Time zone').getAttribute('aria-invalid'), 'true');
    await form.getByLabel('Time zone').fill('Europe/Berlin');
    await form.getByRole('button', { name: 'Add site' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `Added ${blog.name}` })
      .waitFor();
    // The page is drawn again with the sites read again: the new one is listed.
    await page.locator(`article[data-site="${blog.id}"]`).waitFor();
    const added = await apiGet<{ hosts: string[]; timeZone: string }>(`sites/${blog.id}`);
    assert.deepEqual(added.data.hosts, ['blog.test', 'www.blog.test']);
    assert.equal(added.data.timeZone, 'Europe/Berlin');
    await page.context().close();
    // Its sessions, on both of its hosts, some by people known by email.
    blogSessions = [
      ...(await seed(blog.id, { count: 60, seed: 11, origin: 'https://blog.test', days: 9 })),
      ...(await seed(blog.id, { count: 30, seed: 12, origin: 'https://www.blog.test', days: 9 })),
    ];
    assert.ok(blogSessions.some((s) => s.email));
  });

  for (const [size, viewport] of [
    ['laptop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    it(`switches sites from the header on a ${size}, the numbers following (kept in the URL)`, async () => {
      const page = await open(viewport);
      await signIn(page);
      await page.getByRole('heading', { name: 'Overview' }).waitFor();
      const switcher = page.locator('#site');
      assert.deepEqual(await switcher.locator('option').allTextContents(), [first.name, blog.name]);
      const from = new Date(Date.now() - 30 * DAY).toISOString();
      const own = (await apiGet<StatsAnswer>(`analytics/stats?site=${first.id}&from=${from}`)).data;
      const theirs = (await apiGet<StatsAnswer>(`analytics/stats?site=${blog.id}&from=${from}`)).data;
      assert.notEqual(own.sessions, theirs.sessions);
      assert.equal((await kpis(page))[0], count(own.sessions));
      // One host's pages: paths only.
      const firstPages = await page.locator('.pages-table tbody a').allTextContents();
      assert.ok(firstPages.length > 3 && firstPages.every((p) => p.startsWith('/')), firstPages.join(' '));

      await switcher.selectOption(blog.id);
      await page.waitForURL(/\?site=blog\.test#\/overview$/);
      await ready(page);
      assert.deepEqual((await kpis(page)).slice(0, 2), [count(theirs.sessions), count(theirs.visitors)]);
      // Pages of two hosts: the host is shown, so /about of one is not /about of the other.
      const blogPages = await page.locator('.pages-table tbody a').allTextContents();
      assert.ok(
        blogPages.some((p) => p.startsWith('blog.test/')) &&
          blogPages.some((p) => p.startsWith('www.blog.test/')),
        blogPages.join(' '),
      );
      // The site stays in the URL from view to view, and a bookmark opens it.
      await page.getByRole('link', { name: 'Sessions', exact: true }).click();
      await page.locator('#sessions-table tbody button.link').first().waitFor();
      assert.match(page.url(), /\?site=blog\.test#\/sessions$/);
      const entries = await page.locator('#sessions-table tbody td.wrap').allTextContents();
      assert.ok(
        entries.every((e) => /^(www\.)?blog\.test\//.test(e)),
        entries.slice(0, 5).join(' '),
      );
      await page.reload();
      await ready(page);
      assert.equal(await page.locator('#site').inputValue(), blog.id);
      if (size === 'phone') {
        for (const view of ['overview', 'sessions', 'people', 'live', 'sites', 'settings']) {
          await page.goto(`${server.url}/dashboard?site=${blog.id}#/${view}`);
          await ready(page);
          const width = await pageWidth(page);
          assert.ok(width <= PHONE.width, `${view}: the page is ${width} px wide on a 390 px screen`);
          // Long lists are shot as the phone shows them, the rest whole.
          const fullPage = !['sessions', 'people'].includes(view);
          await page.screenshot({ path: `${SHOTS}/sites-phone-${view}.png`, fullPage });
        }
      } else {
        await page.screenshot({ path: `${SHOTS}/sites-sessions-laptop.png`, fullPage: true });
      }
      await page.context().close();
    });
  }

  it('fits the sessions table beside the timeline on a laptop, Status included', async () => {
    const page = await open(DESKTOP);
    await signIn(page, '/dashboard#/sessions');
    await page.locator('#sessions-table tbody button.link').first().click();
    await page.getByRole('heading', { name: 'Session timeline' }).waitFor();
    const fit = (await page.evaluate(`(() => {
      const table = document.getElementById('sessions-table');
      const card = table.closest('.card');
      const pills = [...table.querySelectorAll('.pill')].map((p) => p.getBoundingClientRect().right);
      return { table: table.scrollWidth, card: card.clientWidth, cardScroll: card.scrollWidth, right: card.getBoundingClientRect().right, pills: Math.max(...pills) };
    })()`)) as { table: number; card: number; cardScroll: number; right: number; pills: number };
    assert.ok(fit.cardScroll <= fit.card, `the card scrolls sideways: ${JSON.stringify(fit)}`);
    assert.ok(
      fit.pills <= fit.right && fit.right <= DESKTOP.width,
      `status off-screen: ${JSON.stringify(fit)}`,
    );
    assert.ok((await pageWidth(page)) <= DESKTOP.width);
    await page.screenshot({ path: `${SHOTS}/sites-sessions-1280.png` });
    await page.context().close();
  });

  it('lists every site with its sessions, visitors and median engaged time today and this week', async () => {
    const page = await open(DESKTOP);
    await signIn(page, '/dashboard#/sites');
    for (const site of [first, blog]) {
      const card = page.locator(`article[data-site="${site.id}"]`);
      await card.waitFor();
      assert.equal(await card.getByRole('heading').textContent(), site.name);
      const { timeZone } = await siteScope(site.id);
      const today = new Intl.DateTimeFormat('en-CA', { timeZone }).format(new Date());
      const noon = Date.parse(`${today}T12:00:00Z`);
      const monday = new Date(noon - ((new Date(noon).getUTCDay() + 6) % 7) * DAY).toISOString().slice(0, 10);
      for (const [label, from] of [
        ['Today', today],
        ['This week', monday],
      ] as const) {
        const stats = (await apiGet<StatsAnswer>(`analytics/stats?site=${site.id}&from=${from}`)).data;
        const row = card.locator('tr', { has: page.getByRole('rowheader', { name: label }) });
        const shown = await row.locator('td').allTextContents();
        assert.deepEqual(
          shown.slice(0, 2),
          [count(stats.sessions), count(stats.visitors)],
          `${site.id} ${label}`,
        );
        assert.ok(shown[2]!.length > 0);
      }
    }
    await page.screenshot({ path: `${SHOTS}/sites-page.png`, fullPage: true });
    await page.context().close();
  });

  it('adds a recently declined host to an existing site with one click', async () => {
    const declined = await fetch(`${server.url}/api/v1/analytics/session`, {
      method: 'POST',
      headers: { 'user-agent': BROWSER_UA, 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'https://news.blog-mirror.test/post' }),
    });
    assert.equal(((await declined.json()) as { data: { reason?: string } }).data.reason, 'unknown-site');
    const page = await open(DESKTOP);
    await signIn(page, '/dashboard#/sites');
    const host = page.locator('form[data-host="news.blog-mirror.test"]');
    await host.waitFor();
    await host.getByRole('combobox').selectOption(blog.id);
    await host.getByRole('button', { name: 'Add' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `Added news.blog-mirror.test to ${blog.name}` })
      .waitFor();
    const site = await apiGet<{ hosts: string[] }>(`sites/${blog.id}`);
    assert.deepEqual(site.data.hosts, ['blog.test', 'www.blog.test', 'news.blog-mirror.test']);
    await page.context().close();
  });

  it("edits a site's settings, shows its new token once, and makes and revokes shared links", async () => {
    const page = await open(DESKTOP);
    await signIn(page, `/dashboard?site=${blog.id}#/settings`);
    await page.getByRole('heading', { name: `${blog.name}: settings` }).waitFor();

    // A refused change is said next to its form, naming the field.
    const details = page.locator('form', { has: page.getByRole('heading', { name: 'Site', exact: true }) });
    await details.getByLabel('Origins').fill('not an origin');
    await details.getByRole('button', { name: 'Save' }).click();
    await details.getByRole('alert').filter({ hasText: 'origins' }).waitFor();
    assert.equal(await details.getByLabel('Origins').getAttribute('aria-invalid'), 'true');
    await details.getByLabel('Origins').fill('');
    await details.getByLabel('Name').fill('The Blog');
    await details.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved name' }).waitFor();
    assert.equal(await page.locator('#site option:checked').textContent(), 'The Blog');
    blog.name = 'The Blog';

    // The gate: who may read gated pages.
    const gate = page.locator('form', { has: page.getByRole('heading', { name: 'Email gate' }) });
    await gate.getByLabel('Who may read gated pages').fill('@acme.io\nana@example.com');
    await gate.getByLabel('Verify the email').selectOption('link');
    await gate.getByRole('button', { name: 'Save gate' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved the email gate' }).waitFor();
    const saved = await apiGet<{ gate: unknown }>(`sites/${blog.id}`);
    assert.deepEqual(saved.data.gate, { allow: ['@acme.io', 'ana@example.com'], verify: 'link' });

    // A token: shown once, then listed by name with when it was last used.
    const tokens = page.locator('#site-tokens');
    await tokens.getByLabel('Name (optional)').fill('Client API');
    await tokens.getByRole('button', { name: 'Create a token' }).click();
    const secret = (await tokens.locator('.secret-value').textContent()) ?? '';
    assert.ok(secret.length >= 20, secret);
    const read = await apiGet<{ items: { id: string }[] }>('sites', secret);
    assert.deepEqual(
      read.data.items.map((s) => s.id),
      [blog.id],
      'the token reads its own site',
    );
    await page.reload();
    await ready(page);
    assert.equal(await page.getByText(secret).count(), 0, 'the token is not shown again');
    const row = tokens.locator('tbody tr', { hasText: 'Client API' });
    assert.doesNotMatch((await row.textContent()) ?? '', /never/, 'its last use is listed');
    await row.getByRole('button', { name: 'Revoke Client API' }).click();
    await row.getByRole('button', { name: 'Yes, revoke Client API' }).click();
    await tokens.getByRole('status').filter({ hasText: 'Revoked Client API' }).waitFor();
    assert.equal((await apiGet('sites', secret)).status, 401, 'a revoked token is refused at once');

    // Shared links: one kept for the shared view's tests, one revoked.
    const links = page.locator('#site-links');
    for (const name of ['For the client', 'Old link']) {
      await links.getByLabel('Name (optional)').fill(name);
      await links.getByRole('button', { name: 'Create a link' }).click();
      await links.locator('.secret').filter({ hasText: name }).waitFor();
      const url = (await links.locator('.secret-value').textContent()) ?? '';
      assert.match(url, new RegExp(`^${server.url}/share/[A-Za-z0-9_-]{16,}$`));
      if (name === 'For the client') sharedUrl = url;
      else revokedUrl = url;
    }
    const old = links.locator('tbody tr', { hasText: 'Old link' });
    await old.getByRole('button', { name: 'Revoke Old link' }).click();
    await old.getByRole('button', { name: 'Yes, revoke Old link' }).click();
    await links.getByRole('status').filter({ hasText: 'Revoked Old link' }).waitFor();
    assert.deepEqual(await links.locator('tbody tr td:first-child').allTextContents(), ['For the client']);
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: `${SHOTS}/sites-settings.png`, fullPage: true });
    await page.context().close();
  });

  it('opens its one site to a site token, without the Sites pages or the switcher', async () => {
    const { token } = await apiSend<{ token: string }>('POST', `sites/${blog.id}/tokens`, { name: 'Reader' });
    const page = await open(DESKTOP);
    await page.goto(`${server.url}/dashboard#/settings`);
    await page.getByLabel('Admin token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await ready(page);
    const from = new Date(Date.now() - 30 * DAY).toISOString();
    const stats = (await apiGet<StatsAnswer>(`analytics/stats?site=${blog.id}&from=${from}`)).data;
    assert.equal((await kpis(page))[0], count(stats.sessions));
    assert.equal(await page.getByRole('link', { name: 'Sites', exact: true }).count(), 0);
    assert.equal(await page.locator('#site').count(), 0);
    await page.context().close();
  });

  for (const [size, viewport] of [
    ['laptop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    it(`renders the shared view on a ${size}: the site's figures, charts and pages, never a person`, async () => {
      const page = await open(viewport);
      const apiCalls: string[] = [];
      page.on('request', (request) => {
        const path = new URL(request.url()).pathname;
        if (path.startsWith('/api/')) apiCalls.push(path);
      });
      await page.goto(sharedUrl);
      await page.getByRole('heading', { name: blog.name }).waitFor();
      await ready(page);
      const secret = sharedUrl.split('/share/')[1]!;
      const from = new Date(Date.now() - 30 * DAY).toISOString();
      const stats = await fetch(`${server.url}/api/v1/share/${secret}/stats?from=${from}`);
      const data = ((await stats.json()) as { data: StatsAnswer }).data;
      const shown = await kpis(page);
      assert.equal(shown[0], count(data.sessions));
      assert.deepEqual(await page.$$eval('.kpi-label', (els) => els.map((e) => e.textContent)), [
        'Sessions',
        'Engaged time',
        'Median engaged time',
        'p90 engaged time',
      ]);
      await page.waitForFunction("document.querySelectorAll('.chart canvas').length >= 2");
      assert.ok((await page.locator('.pages-table tbody tr').count()) > 3);
      // Where readers came from (issue #24): the origin panels, read-only (no filter buttons).
      await page.locator('.breakdown').first().waitFor();
      assert.equal(await page.locator('.breakdown').count(), 4);
      assert.equal(await page.locator('.breakdown button.row-filter').count(), 0);
      // Nothing of the admin's dashboard: no tabs to people, sessions, live or sites, no switcher.
      for (const tab of ['Sessions', 'People', 'Live', 'Sites'])
        assert.equal(await page.getByRole('link', { name: tab, exact: true }).count(), 0, tab);
      assert.equal(await page.locator('#site').count(), 0);
      await page.screenshot({ path: `${SHOTS}/sites-shared-${size}.png`, fullPage: true });
      if (size === 'phone') assert.ok((await pageWidth(page)) <= PHONE.width);

      // A page's attention map, for everyone (no "one person" filter).
      await page.locator('.pages-table tbody a').first().click();
      await page.getByRole('heading', { name: 'Attention map' }).waitFor();
      await ready(page);
      assert.equal(await page.getByLabel('One person (email)').count(), 0);
      await page.screenshot({ path: `${SHOTS}/sites-shared-${size}-page.png`, fullPage: true });

      // No email and no visitor id anywhere, though the site's sessions have them.
      const text = (await page.evaluate('document.body.innerText')) as string;
      await page.goBack();
      await ready(page);
      const overviewText = (await page.evaluate('document.body.innerText')) as string;
      for (const s of blogSessions) {
        for (const secretish of [s.email, s.visitorId]) {
          if (!secretish) continue;
          assert.ok(!text.includes(secretish) && !overviewText.includes(secretish), `${secretish} shown`);
        }
      }
      assert.ok(apiCalls.length > 0);
      assert.ok(
        apiCalls.every((path) => path.startsWith(`/api/v1/share/${secret}`)),
        `the shared view read only its link's API: ${apiCalls.join(', ')}`,
      );
      await page.context().close();
    });
  }

  it('says a revoked link does not work', async () => {
    const page = await open(PHONE);
    await page.goto(revokedUrl);
    await page.getByRole('alert').filter({ hasText: 'does not exist or was revoked' }).waitFor();
    await page.goto(`${server.url}/share/nosuchlinkatall0000000000`);
    await page.getByRole('alert').filter({ hasText: 'does not exist or was revoked' }).waitFor();
    await page.screenshot({ path: `${SHOTS}/sites-shared-revoked.png` });
    await page.context().close();
  });

  it('asks for the password of a link that has one, and keeps it for the tab', async () => {
    const link = await apiSend<{ url: string }>('POST', `sites/${blog.id}/links`, {
      name: 'With password',
      password: 'correct horse',
    });
    const page = await open(DESKTOP);
    await page.goto(`${server.url}${link.url}`);
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Open' }).click();
    await page.getByRole('alert').filter({ hasText: 'not right' }).waitFor();
    assert.equal(await page.locator('.kpi-value').count(), 0);
    await page.screenshot({ path: `${SHOTS}/sites-shared-password.png` });
    await page.getByLabel('Password').fill('correct horse');
    await page.getByRole('button', { name: 'Open' }).click();
    await page.getByRole('heading', { name: blog.name }).waitFor();
    await ready(page);
    assert.equal((await kpis(page)).length, 4);
    await page.reload();
    await ready(page);
    assert.equal(await page.getByLabel('Password').count(), 0, 'not asked again in this tab');
    await page.context().close();
  });

  it('removes a site after a confirmation that says how many sessions go with it', async () => {
    await apiSend('POST', 'sites', { hosts: ['spare.test'], name: 'Spare' });
    await seed('spare.test', { count: 7, seed: 21, origin: 'https://spare.test', days: 3 });
    const page = await open(PHONE);
    await signIn(page, '/dashboard?site=spare.test#/settings');
    await page.getByRole('button', { name: 'Remove this site…' }).click();
    const confirm = page.getByRole('button', { name: 'Remove Spare and 7 sessions' });
    await confirm.waitFor();
    await page.screenshot({ path: `${SHOTS}/sites-remove-phone.png` });
    await confirm.click();
    await page.getByRole('status').filter({ hasText: 'Removed Spare and its 7 sessions' }).waitFor();
    assert.match(page.url(), /\/dashboard#\/sites$/);
    await page.locator(`article[data-site="${blog.id}"]`).waitFor();
    assert.equal(await page.locator('article[data-site="spare.test"]').count(), 0);
    assert.equal((await apiGet('sites/spare.test')).status, 404);
    await page.context().close();
  });
});
