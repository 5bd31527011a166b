// Sources through the real app (issue #24): a session's origin is decided at its start (source,
// campaign, device, country behind a trusted proxy), shown in its detail, broken down by every
// dimension and usable as a filter on stats, sessions, sections and exports; bad input is a 400 for
// a query and an empty field for ingest.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ADMIN_TOKEN, BROWSER_UA, buildTestApp, type TestApp } from '../helper.ts';

const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
// biome-ignore lint/suspicious/noExplicitAny: JSON answers, read field by field in each assertion
type Answer = { success: boolean; data?: any; error?: any };

async function get(t: TestApp, url: string) {
  const response = await t.app.inject({ url, headers: admin });
  const json = response.headers['content-type']?.toString().startsWith('application/json');
  return { status: response.statusCode, body: (json ? response.json() : {}) as Answer, text: response.body };
}

async function start(t: TestApp, body: Record<string, unknown>, headers: Record<string, string>) {
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/v1/analytics/session',
    headers: { 'content-type': 'application/json', 'user-agent': BROWSER_UA, ...headers },
    payload: JSON.stringify(body),
  });
  return (response.json() as Answer).data.id as string;
}

describe('sources through the app', () => {
  let t: TestApp;
  const ids: Record<string, string> = {};
  before(async () => {
    t = await buildTestApp({ DWELL_RATE_LIMIT: 'off', DWELL_TRUST_PROXY: 'on' });
    ids.hn = await start(
      t,
      {
        url: 'https://site.test/post?utm_source=hn&utm_medium=social&utm_campaign=launch',
        referrer: 'https://news.ycombinator.com/item?id=1',
      },
      { 'x-forwarded-for': '81.2.69.142' },
    );
    ids.google = await start(
      t,
      { url: 'https://site.test/pricing', referrer: 'https://www.google.co.uk/' },
      { 'user-agent': IPHONE, 'x-forwarded-for': '2a03:2880:f003::1' },
    );
    ids.direct = await start(t, { url: 'https://site.test/' }, {});
    ids.internal = await start(t, { url: 'https://site.test/b', referrer: 'https://site.test/a' }, {});
    ids.huge = await start(
      t,
      { url: 'https://site.test/' },
      { 'user-agent': `${BROWSER_UA} ${'x'.repeat(10_000)}` },
    );
  });
  after(() => t.close());

  it("records each session's source, campaign, device and country at its start", async () => {
    const hn = (await get(t, `/api/v1/analytics/sessions/${ids.hn}`)).body.data.origin;
    assert.equal(hn.source, 'Hacker News');
    assert.equal(hn.referrerHost, 'news.ycombinator.com');
    assert.deepEqual(hn.utm, {
      source: 'hn',
      medium: 'social',
      campaign: 'launch',
      content: null,
      term: null,
    });
    assert.equal(hn.entryPath, '/post', 'the campaign tags stay out of the entry page');
    assert.equal(hn.device, 'desktop');
    assert.equal(hn.browser, 'Chrome');
    assert.equal(hn.country, 'GB');
    const google = (await get(t, `/api/v1/analytics/sessions/${ids.google}`)).body.data.origin;
    assert.deepEqual(
      [google.source, google.sourceCategory, google.device, google.os],
      ['Google', 'search', 'mobile', 'iOS'],
    );
    assert.equal(google.country, 'US');
    const internal = (await get(t, `/api/v1/analytics/sessions/${ids.internal}`)).body.data.origin;
    assert.deepEqual([internal.source, internal.sourceCategory], [null, 'direct']);
    const huge = await get(t, `/api/v1/analytics/sessions/${ids.huge}`);
    assert.equal(huge.status, 200, 'a 10 kB User-Agent still starts a session');
    assert.ok(JSON.stringify(huge.body.data.origin).length < 1_000, 'nothing unbounded is stored');
    const text = JSON.stringify(huge.body);
    assert.equal(text.includes('81.2.69.142'), false, 'the address is never stored');
  });

  it('breaks engaged time down by every dimension', async () => {
    const expected: Record<string, (string | null)[]> = {
      source: ['Hacker News', 'Google', null],
      referrer: ['news.ycombinator.com', 'google.co.uk', null],
      utm_source: ['hn', null],
      utm_medium: ['social', null],
      utm_campaign: ['launch', null],
      utm_content: [null],
      utm_term: [null],
      entry: ['/post', '/pricing', '/', '/b'],
      device: ['desktop', 'mobile'],
      browser: ['Chrome', 'Safari'],
      os: ['Linux', 'iOS'],
      country: ['GB', 'US', null],
    };
    for (const [by, values] of Object.entries(expected)) {
      const answer = await get(t, `/api/v1/analytics/breakdown?by=${by}`);
      assert.equal(answer.status, 200, by);
      const rows = answer.body.data.items as { value: string | null; sessions: number; visitors: number }[];
      assert.deepEqual(new Set(rows.map((r) => r.value)), new Set(values), by);
      assert.equal(
        rows.reduce((sum, r) => sum + r.sessions, 0),
        5,
        `${by}: every session once`,
      );
      for (const row of rows) assert.ok(row.visitors >= 1 && row.visitors <= row.sessions);
    }
  });

  it('filters stats, sessions, visitors, sections and the export by any dimension, combined', async () => {
    const stats = await get(t, '/api/v1/analytics/stats?source=Hacker%20News');
    assert.equal(stats.body.data.sessions, 1);
    const both = await get(t, '/api/v1/analytics/stats?device=mobile&country=US');
    assert.equal(both.body.data.sessions, 1);
    const none = await get(t, '/api/v1/analytics/stats?device=mobile&country=GB');
    assert.equal(none.body.data.sessions, 0);
    const direct = await get(t, '/api/v1/analytics/sessions?source=(none)');
    assert.equal(direct.body.data.items.length, 3);
    const exported = await get(t, '/api/v1/analytics/export?format=ndjson&utm_campaign=launch');
    assert.equal(exported.text.trim().split('\n').length, 1);
    const csv = await get(t, '/api/v1/analytics/export?format=csv&country=US');
    assert.equal(csv.text.trim().split('\n').length, 2, 'a header and one row');
    const sections = await get(t, '/api/v1/analytics/sections?url=https://site.test/post&source=Google');
    assert.equal(sections.body.data.sessions, 0);
    const everyone = await get(t, '/api/v1/analytics/visitors');
    const fromHn = await get(t, '/api/v1/analytics/visitors?source=Hacker%20News&device=desktop');
    assert.equal(fromHn.status, 200);
    assert.equal(fromHn.body.data.total, 1);
    assert.equal(fromHn.body.data.items[0].sessions, 1, 'counted by the matching session only');
    const nobody = await get(t, '/api/v1/analytics/visitors?source=Hacker%20News&country=US');
    assert.deepEqual([nobody.body.data.total, nobody.body.data.items], [0, []]);
    assert.ok(everyone.body.data.total >= fromHn.body.data.total);
    const breakdown = await get(t, '/api/v1/analytics/breakdown?by=source&device=desktop');
    assert.equal(
      breakdown.body.data.items.reduce((n: number, r: { sessions: number }) => n + r.sessions, 0),
      4,
    );
  });

  it('answers 400 for a by= that does not exist or a bad cursor, and pages by cursor', async () => {
    const bad = await get(t, '/api/v1/analytics/breakdown?by=planet');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'INVALID_QUERY');
    assert.equal((await get(t, '/api/v1/analytics/breakdown?by=source&cursor=zz')).status, 400);
    const first = await get(t, '/api/v1/analytics/breakdown?by=entry&limit=2');
    assert.equal(first.body.data.items.length, 2);
    const second = await get(
      t,
      `/api/v1/analytics/breakdown?by=entry&limit=2&cursor=${first.body.data.nextCursor}`,
    );
    assert.equal(second.body.data.items.length, 2);
    assert.equal(second.body.data.nextCursor, null);
  });
});

describe('DWELL_GEO=off, and an untrusted X-Forwarded-For', () => {
  it('records no country', async () => {
    const envs: Record<string, string>[] = [{ DWELL_GEO: 'off', DWELL_TRUST_PROXY: 'on' }, {}];
    for (const env of envs) {
      const t = await buildTestApp({ DWELL_RATE_LIMIT: 'off', ...env });
      try {
        const id = await start(t, { url: 'https://site.test/' }, { 'x-forwarded-for': '81.2.69.142' });
        const origin = (await get(t, `/api/v1/analytics/sessions/${id}`)).body.data.origin;
        assert.equal(origin.country, null, JSON.stringify(env));
        assert.equal(origin.browser, 'Chrome');
      } finally {
        await t.close();
      }
    }
  });
});

describe('pages and campaigns', () => {
  it('keeps a page one page whichever campaign brought the reader', async () => {
    const t = await buildTestApp({ DWELL_RATE_LIMIT: 'off' });
    try {
      const url = 'https://site.test/launch?utm_source=hn&utm_campaign=x&ref=7';
      const started = await t.app.inject({
        method: 'POST',
        url: '/api/v1/analytics/session',
        headers: { 'content-type': 'application/json', 'user-agent': BROWSER_UA },
        payload: JSON.stringify({ url }),
      });
      const { id, token } = (started.json() as Answer).data as { id: string; token: string };
      await new Promise((resolve) => setTimeout(resolve, 300));
      const beat = await t.app.inject({
        method: 'POST',
        url: `/api/v1/analytics/session/${id}/heartbeat`,
        headers: { 'content-type': 'application/json', 'user-agent': BROWSER_UA },
        payload: JSON.stringify({ token, seq: 1, engagedMs: 200, url }),
      });
      assert.equal(beat.statusCode, 200);
      const session = (await get(t, `/api/v1/analytics/sessions/${id}`)).body.data;
      assert.deepEqual(
        session.pages.map((p: { url: string }) => p.url),
        ['https://site.test/launch?ref=7'],
      );
      assert.equal(session.origin.utm.campaign, 'x', 'the campaign is the session’s');
    } finally {
      await t.close();
    }
  });
});
