// Shared links (issue #23, API.md "Shared links"): a read-only view of one site's aggregates. It
// carries no personal data, cannot reach the sessions, the export, another site or the admin routes,
// asks for its password when it has one, and is refused at once when revoked.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ADMIN_TOKEN, BROWSER_UA, buildTestApp, type TestApp } from '../helper.ts';

const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

async function call(
  t: TestApp,
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const response = await t.app.inject({
    method: method as 'GET',
    url,
    headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
  return { status: response.statusCode, text: response.body, json: () => response.json() };
}

describe('shared links', () => {
  let t: TestApp;
  let secret = '';
  let linkId = '';
  before(async () => {
    t = await buildTestApp({ DWELL_RATE_LIMIT: 'off' });
    await call(t, 'POST', '/api/v1/sites', { hosts: ['other.test'] }, admin);
    // A session with an email on the shared site, and one on the other site.
    await t.store.createSession({
      site: t.app.sites.get('site.test')!,
      id: 'shared-1',
      tokenHash: null,
      email: 'secret.person@example.com',
      visitorId: 'visitor-key-1',
      entryUrl: 'https://site.test/deck',
      referrer: null,
      screen: null,
      lang: null,
    });
    const started = await call(
      t,
      'POST',
      '/api/v1/analytics/session',
      { url: 'https://other.test/private' },
      { 'user-agent': BROWSER_UA },
    );
    assert.equal(typeof (started.json() as { data: { id: string } }).data.id, 'string');
    const link = await call(t, 'POST', '/api/v1/sites/site.test/links', { name: 'client' }, admin);
    assert.equal(link.status, 201);
    const data = (link.json() as { data: { url: string; id: string } }).data;
    secret = data.url.replace('/share/', '');
    linkId = data.id;
  });
  after(() => t.close());

  it("shows the site's aggregates and pages, with no personal data in any answer", async () => {
    const info = await call(t, 'GET', `/api/v1/share/${secret}`);
    assert.equal(info.status, 200);
    assert.deepEqual(
      (info.json() as { data: { site: { id: string }; hasPassword: boolean } }).data.site.id,
      'site.test',
    );
    const stats = await call(t, 'GET', `/api/v1/share/${secret}/stats`);
    assert.equal(stats.status, 200);
    const data = (stats.json() as { data: { sessions: number; byPage: { url: string }[] } }).data;
    assert.equal(data.sessions, 1, "the shared site's session only");
    const sections = await call(t, 'GET', `/api/v1/share/${secret}/sections?url=https://site.test/deck`);
    assert.equal(sections.status, 200);
    const breakdown = await call(t, 'GET', `/api/v1/share/${secret}/breakdown?by=entry`);
    assert.equal(breakdown.status, 200);
    assert.deepEqual(
      (breakdown.json() as { data: { items: { sessions: number }[] } }).data.items.map((r) => r.sessions),
      [1],
      "the shared site's breakdown only",
    );
    assert.equal((await call(t, 'GET', `/api/v1/share/${secret}/breakdown?by=email`)).status, 400);
    for (const answer of [info, stats, sections, breakdown]) {
      assert.equal(answer.text.includes('secret.person'), false);
      assert.equal(answer.text.includes('visitor-key-1'), false);
      assert.equal(answer.text.includes('other.test'), false);
    }
    const page = await call(t, 'GET', `/share/${secret}`);
    assert.equal(page.status, 200);
    assert.match(page.text, /<div id="app">/);
  });

  it('cannot reach the sessions, the export, the visitors, another site or the admin routes', async () => {
    const tries: Record<string, string>[] = [
      { authorization: `Bearer ${secret}` },
      { 'x-dwell-share-key': secret },
    ];
    for (const headers of tries) {
      for (const url of [
        '/api/v1/analytics/sessions',
        '/api/v1/analytics/export',
        '/api/v1/analytics/visitors',
        '/api/v1/analytics/stats?site=other.test',
        '/api/v1/sites',
        '/api/v1/sites/site.test/links',
      ]) {
        assert.equal((await call(t, 'GET', url, undefined, headers)).status, 401, url);
      }
    }
    // No route of the link's API takes a site or lists sessions.
    assert.equal((await call(t, 'GET', `/api/v1/share/${secret}/sessions`)).status, 404);
    const otherSite = await call(t, 'GET', `/api/v1/share/${secret}/stats?site=other.test`);
    assert.equal((otherSite.json() as { data: { sessions: number } }).data.sessions, 1, 'site= is ignored');
  });

  it('is listed with when it was last used, and refused at once when revoked', async () => {
    const links = await call(t, 'GET', '/api/v1/sites/site.test/links', undefined, admin);
    const [link] = (links.json() as { data: { items: { id: string; lastUsedAt: string | null }[] } }).data
      .items;
    assert.equal(link!.id, linkId);
    assert.equal(typeof link!.lastUsedAt, 'string');
    assert.equal(links.text.includes(secret), false, 'the secret is never listed');
    assert.equal(
      (await call(t, 'DELETE', `/api/v1/sites/site.test/links/${linkId}`, undefined, admin)).status,
      200,
    );
    for (const url of [`/api/v1/share/${secret}`, `/api/v1/share/${secret}/stats`]) {
      const refused = await call(t, 'GET', url);
      assert.equal(refused.status, 404);
      assert.equal((refused.json() as { error: { code: string } }).error.code, 'SHARE_NOT_FOUND');
    }
  });

  it('asks for the password of a link that has one', async () => {
    const created = await call(
      t,
      'POST',
      '/api/v1/sites/site.test/links',
      { password: 'correct horse' },
      admin,
    );
    const locked = (created.json() as { data: { url: string; hasPassword: boolean } }).data;
    assert.equal(locked.hasPassword, true);
    const id = locked.url.replace('/share/', '');
    const refused = await call(t, 'GET', `/api/v1/share/${id}/stats`);
    assert.equal(refused.status, 401);
    assert.equal((refused.json() as { error: { code: string } }).error.code, 'SHARE_PASSWORD');
    assert.equal(
      (await call(t, 'POST', `/api/v1/share/${id}/unlock`, { password: 'wrong one' })).status,
      401,
    );
    const unlocked = await call(t, 'POST', `/api/v1/share/${id}/unlock`, { password: 'correct horse' });
    const key = (unlocked.json() as { data: { key: string } }).data.key;
    assert.equal(
      (await call(t, 'GET', `/api/v1/share/${id}/stats`, undefined, { 'x-dwell-share-key': key })).status,
      200,
    );
    assert.equal(
      (await call(t, 'GET', `/api/v1/share/${id}/stats`, undefined, { 'x-dwell-share-key': `${key}x` }))
        .status,
      401,
    );
  });

  it('answers 400 for a malformed secret and 404 for an unknown one', async () => {
    assert.equal((await call(t, 'GET', '/api/v1/share/short')).status, 400);
    assert.equal((await call(t, 'GET', `/api/v1/share/${'a'.repeat(32)}`)).status, 404);
  });
});
