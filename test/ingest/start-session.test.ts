import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { buildTestApp } from '../helper.ts';
import { browser, startSession } from './ingest-helpers.ts';

describe('POST /api/v1/analytics/session', () => {
  it('starts a session with an unguessable id, a token, the interval and the timeout', async () => {
    const t = await buildTestApp({ DWELL_INTERVAL_MS: '5000', DWELL_TIMEOUT_MS: '600000' });
    try {
      const data = await startSession(t.app, {
        url: 'https://site.test/a',
        referrer: 'https://ref.test/',
        screen: '1920x1080',
        lang: 'en',
      });
      assert.match(data.id, /^[0-9a-f]{44}$/);
      assert.ok(Buffer.from(data.token, 'base64url').length >= 16, 'token has at least 128 bits');
      assert.equal(data.interval, 5000);
      assert.equal(data.timeout, 600000);
      const stored = await t.store.getSession(data.id);
      assert.equal(stored?.entryUrl, 'https://site.test/a');
      assert.equal(stored?.referrer, 'https://ref.test/');
      assert.equal(stored?.screen, '1920x1080');
      assert.equal(stored?.engagedMs, 0);
    } finally {
      await t.close();
    }
  });

  it('stores only the hash of the token, and no raw IP or user agent', async () => {
    const t = await buildTestApp();
    try {
      const data = await startSession(t.app, {}, { 'x-forwarded-for': '203.0.113.77' });
      await t.store.close();
      const db = new Database(join(t.dir, 'dwell.db'), { readonly: true });
      const dump = JSON.stringify(db.prepare('SELECT * FROM sessions').all(), (_k, v) =>
        v && v.type === 'Buffer' ? Buffer.from(v.data).toString('latin1') : v,
      );
      db.close();
      assert.ok(!dump.includes(data.token), 'the token itself is not stored');
      assert.ok(!dump.includes('127.0.0.1') && !dump.includes('203.0.113.77'), 'no raw IP');
      assert.ok(!dump.includes('Mozilla'), 'no user agent');
    } finally {
      await t.close().catch(() => {});
    }
  });

  it('uses the client visitorId when given, else a daily-salted visitor key', async () => {
    const t = await buildTestApp();
    try {
      const own = await startSession(t.app, { visitorId: 'user-42' });
      assert.equal((await t.store.getSession(own.id))?.visitorId, 'user-42');
      const a = await startSession(t.app);
      const b = await startSession(t.app);
      const keyA = (await t.store.getSession(a.id))?.visitorId;
      assert.ok(keyA && keyA.length >= 16);
      assert.equal(
        (await t.store.getSession(b.id))?.visitorId,
        keyA,
        'same IP and agent, same day: same key',
      );
      const other = await startSession(t.app, {}, { 'user-agent': `${browser['user-agent']} Other` });
      assert.notEqual((await t.store.getSession(other.id))?.visitorId, keyA);
    } finally {
      await t.close();
    }
  });

  it('declines bots, Global Privacy Control and (when configured) Do-Not-Track with id: null', async () => {
    const t = await buildTestApp({ DWELL_HONOR_DNT: 'on' });
    try {
      const cases: [Record<string, string>, string][] = [
        [{ 'user-agent': 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' }, 'bot'],
        [{ 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/130.0.0.0 Safari/537.36' }, 'bot'],
        [{ ...browser, 'sec-gpc': '1' }, 'gpc'],
        [{ ...browser, dnt: '1' }, 'dnt'],
      ];
      for (const [headers, reason] of cases) {
        const response = await t.app.inject({ method: 'POST', url: '/api/v1/analytics/session', headers });
        assert.equal(response.statusCode, 201);
        assert.deepEqual(response.json(), { success: true, data: { id: null, reason } });
      }
      const metrics = (await t.app.inject({ url: '/metrics' })).body;
      assert.match(metrics, /dwell_sessions_declined_total\{reason="bot"\} 2/);
    } finally {
      await t.close();
    }
  });

  it('tracks GPC and DNT senders when told not to honour them', async () => {
    const t = await buildTestApp({ DWELL_HONOR_GPC: 'off' });
    try {
      const data = await startSession(t.app, {}, { 'sec-gpc': '1', dnt: '1' });
      assert.ok(data.id);
    } finally {
      await t.close();
    }
  });

  it('answers 400 INVALID_BODY for invalid fields and malformed JSON, 413 for an oversized body', async () => {
    const t = await buildTestApp();
    try {
      const bad = [
        { url: 'x'.repeat(2049) },
        { screen: 'big' },
        { visitorId: 'v'.repeat(65) },
        { url: { nested: true } },
      ];
      for (const payload of bad) {
        const response = await t.app.inject({
          method: 'POST',
          url: '/api/v1/analytics/session',
          headers: browser,
          payload,
        });
        assert.equal(response.statusCode, 400, JSON.stringify(payload));
        assert.equal(response.json().error.code, 'INVALID_BODY');
        assert.equal(response.json().success, false);
      }
      const malformed = await t.app.inject({
        method: 'POST',
        url: '/api/v1/analytics/session',
        headers: { ...browser, 'content-type': 'text/plain' },
        payload: '{"url":',
      });
      assert.equal(malformed.statusCode, 400);
      assert.equal(malformed.json().error.code, 'INVALID_BODY');
      const huge = await t.app.inject({
        method: 'POST',
        url: '/api/v1/analytics/session',
        headers: { ...browser, 'content-type': 'application/json' },
        payload: JSON.stringify({ url: 'x'.repeat(40_000) }),
      });
      assert.equal(huge.statusCode, 413);
      assert.equal(huge.json().error.code, 'BODY_TOO_LARGE');
    } finally {
      await t.close();
    }
  });

  it('accepts a body sent as text/plain JSON (no CORS preflight) and an empty body', async () => {
    const t = await buildTestApp();
    try {
      const text = await t.app.inject({
        method: 'POST',
        url: '/api/v1/analytics/session',
        headers: { ...browser, 'content-type': 'text/plain;charset=UTF-8' },
        payload: JSON.stringify({ url: 'https://site.test/t' }),
      });
      assert.equal(text.statusCode, 201);
      assert.equal((await t.store.getSession(text.json().data.id))?.entryUrl, 'https://site.test/t');
      const empty = await t.app.inject({
        method: 'POST',
        url: '/api/v1/analytics/session',
        headers: browser,
      });
      assert.equal(empty.statusCode, 201);
    } finally {
      await t.close();
    }
  });

  it("allows CORS from the sites' own origins by default, from any with *, and only from DWELL_ALLOWED_ORIGINS when set", async () => {
    const sites = await buildTestApp();
    const open = await buildTestApp({ DWELL_ALLOWED_ORIGINS: '*' });
    const strict = await buildTestApp({ DWELL_ALLOWED_ORIGINS: 'https://good.test' });
    try {
      const start = (app: typeof sites, origin: string) =>
        app.app.inject({ method: 'POST', url: '/api/v1/analytics/session', headers: { ...browser, origin } });
      // The test site's hosts: site.test over https, localhost over http on any port.
      assert.equal(
        (await start(sites, 'https://site.test')).headers['access-control-allow-origin'],
        'https://site.test',
      );
      assert.equal(
        (await start(sites, 'http://localhost:5173')).headers['access-control-allow-origin'],
        'http://localhost:5173',
      );
      assert.equal(
        (await start(sites, 'http://site.test')).headers['access-control-allow-origin'],
        undefined,
      );
      assert.equal((await start(sites, 'https://x.test')).headers['access-control-allow-origin'], undefined);
      // A site with origins of its own allows those only.
      await sites.store.updateSite('site.test', { origins: ['https://cdn.site.test'] }, Date.now());
      await sites.app.sites.reload();
      assert.equal(
        (await start(sites, 'https://cdn.site.test')).headers['access-control-allow-origin'],
        'https://cdn.site.test',
      );
      assert.equal(
        (await start(sites, 'https://site.test')).headers['access-control-allow-origin'],
        undefined,
      );
      const any = await start(open, 'https://x.test');
      assert.equal(any.headers['access-control-allow-origin'], '*');
      const good = await strict.app.inject({
        method: 'POST',
        url: '/api/v1/analytics/session',
        headers: { ...browser, origin: 'https://good.test' },
      });
      assert.equal(good.headers['access-control-allow-origin'], 'https://good.test');
      const evil = await strict.app.inject({
        method: 'POST',
        url: '/api/v1/analytics/session',
        headers: { ...browser, origin: 'https://evil.test' },
      });
      assert.equal(evil.headers['access-control-allow-origin'], undefined);
      const preflight = await strict.app.inject({
        method: 'OPTIONS',
        url: '/api/v1/analytics/session/abc/heartbeat',
        headers: { origin: 'https://good.test', 'access-control-request-method': 'PATCH' },
      });
      assert.equal(preflight.statusCode, 204);
      assert.match(String(preflight.headers['access-control-allow-methods']), /PATCH/);
    } finally {
      await sites.close();
      await open.close();
      await strict.close();
    }
  });
});
