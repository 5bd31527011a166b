// The sites API and what sites change for readers (issue #23, API.md "Sites"): managing sites,
// deciding a session's site (hosts, path prefixes, the explicit site, declined hosts), `site=` on
// the analytics routes, site tokens that read one site only, and visitor keys per site.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ADMIN_TOKEN, BROWSER_UA, buildTestApp, type TestApp } from '../helper.ts';

const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
const browser = { 'user-agent': BROWSER_UA };

// The answers are read loosely: each assertion names the fields it expects.
// biome-ignore lint/suspicious/noExplicitAny: JSON answers of many shapes
type Answer = { success: boolean; data?: any; error?: any };

async function call(
  t: TestApp,
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = admin,
) {
  const response = await t.app.inject({
    method: method as 'GET',
    url,
    headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
  return { status: response.statusCode, body: response.json() as Answer };
}

async function start(t: TestApp, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return call(t, 'POST', '/api/v1/analytics/session', body, { ...browser, ...headers });
}

describe('sites API', () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp({ DWELL_RATE_LIMIT: 'off' });
  });
  after(() => t.close());

  it('starts with one site for the configured hosts, and reads it without site=', async () => {
    const list = await call(t, 'GET', '/api/v1/sites');
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.body.data.items.map((s: { id: string; hosts: string[] }) => [s.id, s.hosts]),
      [['site.test', ['site.test', 'example.com', 'localhost', '127.0.0.1']]],
    );
    assert.equal((await call(t, 'GET', '/api/v1/analytics/stats')).status, 200);
  });

  it('adds a site, and refuses bad input with a 400 naming the field', async () => {
    const created = await call(t, 'POST', '/api/v1/sites', {
      hosts: ['blog.test', 'www.blog.test'],
      name: 'The blog',
      timeZone: 'Europe/Berlin',
    });
    assert.equal(created.status, 201);
    assert.equal(created.body.data.id, 'blog.test');
    assert.deepEqual(created.body.data.origins, ['https://blog.test', 'https://www.blog.test']);
    for (const [body, field] of [
      [{ hosts: ['x.test'], timeZone: 'Mars/Olympus' }, /timeZone/],
      [{ hosts: ['exa mple.test'] }, /hosts\[0\]/],
      [{ hosts: ['https://x.test'] }, /hosts\[0\]/],
      [{ hosts: ['x.test'], id: 'Odd id!' }, /id/],
      [{ hosts: [] }, /hosts/],
      [{ hosts: ['x.test'], origins: ['x.test/path'] }, /origins\[0\]/],
    ] as const) {
      const refused = await call(t, 'POST', '/api/v1/sites', body);
      assert.equal(refused.status, 400, JSON.stringify(body));
      assert.equal(refused.body.success, false);
      assert.match(refused.body.error.message, field);
    }
    const claimed = await call(t, 'POST', '/api/v1/sites', { hosts: ['new.test', 'www.blog.test'] });
    assert.equal(claimed.status, 400);
    assert.equal(claimed.body.error.code, 'INVALID_BODY');
    assert.match(claimed.body.error.message, /www\.blog\.test.*blog\.test/);
    assert.equal((await call(t, 'GET', '/api/v1/sites/new.test')).status, 404, 'nothing half-written');
  });

  it('with several sites, needs site= on every analytics route (400), and 404s an unknown one', async () => {
    for (const path of ['stats', 'sessions', 'visitors', 'sections?url=/x', 'export']) {
      const missing = await call(t, 'GET', `/api/v1/analytics/${path}`);
      assert.equal(missing.status, 400, path);
      assert.equal(missing.body.error.code, 'SITE_REQUIRED');
      assert.match(missing.body.error.message, /blog\.test/);
      const unknown = await call(
        t,
        'GET',
        `/api/v1/analytics/${path}${path.includes('?') ? '&' : '?'}site=nope.test`,
      );
      assert.equal(unknown.status, 404, path);
      assert.equal(unknown.body.error.code, 'SITE_NOT_FOUND');
    }
  });

  it('puts each session in the site that claims its page, and declines a host nobody claims', async () => {
    const blog = await start(t, { url: 'https://www.blog.test/post' });
    const main = await start(t, { url: 'https://site.test/' });
    const explicit = await start(t, { url: 'https://cdn.elsewhere.test/embed', site: 'blog.test' });
    const declined = await start(t, { url: 'https://unknown.test/page' });
    assert.equal(declined.status, 201);
    assert.deepEqual(declined.body.data, { id: null, reason: 'unknown-site' });
    // No URL: the Origin decides.
    const byOrigin = await start(t, {}, { origin: 'https://blog.test' });
    const ids = async (site: string) =>
      (await call(t, 'GET', `/api/v1/analytics/sessions?site=${site}`)).body.data.items
        .map((s: { id: string }) => s.id)
        .sort();
    assert.deepEqual(
      await ids('blog.test'),
      [blog.body.data.id, explicit.body.data.id, byOrigin.body.data.id].sort(),
    );
    assert.deepEqual(await ids('site.test'), [main.body.data.id]);
    const detail = await call(t, 'GET', `/api/v1/analytics/sessions/${blog.body.data.id}`);
    assert.equal(detail.body.data.site, 'blog.test');
    const hosts = await call(t, 'GET', '/api/v1/declined-hosts');
    assert.deepEqual(
      hosts.body.data.items.map((h: { host: string }) => h.host),
      ['unknown.test'],
    );
    // Adding the host makes it a site's at once (this instance reloads its sites on every change).
    await call(t, 'POST', '/api/v1/sites', { hosts: ['unknown.test'] });
    assert.equal(typeof (await start(t, { url: 'https://unknown.test/page' })).body.data.id, 'string');
    assert.deepEqual((await call(t, 'GET', '/api/v1/declined-hosts')).body.data.items, []);
  });

  it('gives two members of one host their own sites by path prefix (the longest wins)', async () => {
    assert.equal((await call(t, 'POST', '/api/v1/sites', { hosts: ['bio.test'] })).status, 201);
    assert.equal((await call(t, 'POST', '/api/v1/sites', { hosts: ['bio.test/alice'] })).status, 201);
    assert.equal((await call(t, 'POST', '/api/v1/sites', { hosts: ['bio.test/bob'] })).status, 201);
    const alice = await start(t, { url: 'https://bio.test/alice/links' });
    const bob = await start(t, { url: 'https://bio.test/bob' });
    const neither = await start(t, { url: 'https://bio.test/alicette' });
    const site = async (id: string) =>
      (await call(t, 'GET', `/api/v1/analytics/sessions/${id}`)).body.data.site;
    assert.equal(await site(alice.body.data.id), 'bio.test-alice');
    assert.equal(await site(bob.body.data.id), 'bio.test-bob');
    assert.equal(await site(neither.body.data.id), 'bio.test');
  });

  it('keys one person differently on two sites (the salt is per site in effect)', async () => {
    const headers = { 'x-forwarded-for': '203.0.113.9' };
    const one = await start(t, { url: 'https://site.test/' }, headers);
    const two = await start(t, { url: 'https://blog.test/' }, headers);
    const again = await start(t, { url: 'https://site.test/other' }, headers);
    const visitor = async (id: string) =>
      (await call(t, 'GET', `/api/v1/analytics/sessions/${id}`)).body.data.visitorId;
    assert.equal(await visitor(one.body.data.id), await visitor(again.body.data.id));
    assert.notEqual(await visitor(one.body.data.id), await visitor(two.body.data.id));
  });

  it('changes and removes a site; removal says how many sessions went with it', async () => {
    const patched = await call(t, 'PATCH', '/api/v1/sites/blog.test', {
      timeZone: 'Asia/Tokyo',
      name: 'Blog',
    });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.data.timeZone, 'Asia/Tokyo');
    assert.equal((await call(t, 'PATCH', '/api/v1/sites/blog.test', { timeZone: '+02:00' })).status, 400);
    assert.equal((await call(t, 'PATCH', '/api/v1/sites/nope.test', { name: 'x' })).status, 404);
    const removed = await call(t, 'DELETE', '/api/v1/sites/unknown.test');
    assert.deepEqual(removed.body.data, { id: 'unknown.test', sessions: 1 });
    assert.equal((await call(t, 'GET', '/api/v1/sites/unknown.test')).status, 404);
  });

  it('lets a site token read its site only, never the settings, and refuses it at once once revoked', async () => {
    const created = await call(t, 'POST', '/api/v1/sites/blog.test/tokens', { name: 'client' });
    assert.equal(created.status, 201);
    const token = created.body.data.token as string;
    assert.match(token, /^dws_/);
    const reader = { authorization: `Bearer ${token}` };
    const own = await call(t, 'GET', '/api/v1/analytics/stats', undefined, reader);
    assert.equal(own.status, 200, 'its own site needs no site=');
    assert.equal(
      (await call(t, 'GET', '/api/v1/analytics/stats?site=blog.test', undefined, reader)).status,
      200,
    );
    for (const other of ['site.test', 'nope.test']) {
      const refused = await call(t, 'GET', `/api/v1/analytics/stats?site=${other}`, undefined, reader);
      assert.equal(refused.status, 404);
      assert.equal(refused.body.error.code, 'SITE_NOT_FOUND');
    }
    const sites = await call(t, 'GET', '/api/v1/sites', undefined, reader);
    assert.deepEqual(Object.keys(sites.body.data.items[0]).sort(), ['hosts', 'id', 'name', 'timeZone']);
    assert.equal(sites.body.data.items.length, 1);
    assert.equal((await call(t, 'GET', '/api/v1/sites/blog.test', undefined, reader)).status, 403);
    assert.equal((await call(t, 'GET', '/api/v1/sites/blog.test/tokens', undefined, reader)).status, 403);
    assert.equal((await call(t, 'POST', '/api/v1/sites', { hosts: ['z.test'] }, reader)).status, 403);
    // Another site's session is as if it did not exist.
    const main = await start(t, { url: 'https://site.test/' });
    assert.equal(
      (await call(t, 'GET', `/api/v1/analytics/sessions/${main.body.data.id}`, undefined, reader)).status,
      404,
    );
    const listed = await call(t, 'GET', '/api/v1/sites/blog.test/tokens');
    assert.equal(listed.body.data.items[0].name, 'client');
    assert.equal(typeof listed.body.data.items[0].lastUsedAt, 'string', 'its use is noted');
    assert.equal(JSON.stringify(listed.body).includes(token), false, 'never the token itself');
    await call(t, 'DELETE', `/api/v1/sites/blog.test/tokens/${created.body.data.id}`);
    assert.equal((await call(t, 'GET', '/api/v1/analytics/stats', undefined, reader)).status, 401);
  });

  it('answers 401 without a token', async () => {
    assert.equal((await call(t, 'GET', '/api/v1/sites', undefined, {})).status, 401);
    assert.equal((await call(t, 'POST', '/api/v1/sites', { hosts: ['q.test'] }, {})).status, 401);
  });
});

describe('DWELL_SITES=auto', () => {
  it('makes a site for a new host on first sight, one per registrable domain', async () => {
    const t = await buildTestApp({ DWELL_SITES: 'auto', DWELL_RATE_LIMIT: 'off' });
    try {
      const first = await start(t, { url: 'https://docs.fresh.test/a' });
      const second = await start(t, { url: 'https://www.fresh.test/b' });
      assert.equal(typeof first.body.data.id, 'string');
      assert.equal(typeof second.body.data.id, 'string');
      const fresh = await call(t, 'GET', '/api/v1/sites/fresh.test');
      assert.deepEqual(fresh.body.data.hosts, ['docs.fresh.test', 'www.fresh.test']);
    } finally {
      await t.close();
    }
  });
});
