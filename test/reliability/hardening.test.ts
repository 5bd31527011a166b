import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import { buildApp } from '../../src/server/app.ts';
import { openStore } from '../../src/store/index.ts';
import { buildGateApp } from '../gate/gate-helper.ts';
import { ADMIN_TOKEN, buildTestApp } from '../helper.ts';
import { browser, startSession } from '../ingest/ingest-helpers.ts';

/** An app on a fresh SQLite file whose log lines (at `level`) are collected in `lines`. */
async function appWithLog(level: string) {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const dir = mkdtempSync(join(tmpdir(), 'dwell-log-'));
  const config = loadConfig({ DATABASE_URL: `sqlite:${join(dir, 'dwell.db')}`, LOG_LEVEL: level });
  const store = await openStore(config);
  const app = await buildApp({ config, store, adminToken: ADMIN_TOKEN, logStream: sink });
  return { app, store, lines };
}

describe('hardening', () => {
  it('sends a strict Content-Security-Policy and security headers with the dashboard', async () => {
    const t = await buildTestApp();
    try {
      const page = await t.app.inject({ url: '/dashboard' });
      assert.equal(page.statusCode, 200);
      const csp = String(page.headers['content-security-policy']);
      assert.match(csp, /default-src 'self'/);
      assert.match(csp, /script-src 'self'(;|$)/, 'no inline or foreign scripts');
      assert.match(csp, /frame-ancestors 'none'/);
      assert.equal(page.headers['x-content-type-options'], 'nosniff');
      assert.equal(page.headers['x-frame-options'], 'SAMEORIGIN');
      assert.equal(page.headers['referrer-policy'], 'same-origin');
    } finally {
      await t.close();
    }
  });

  it('sends security headers with the gate’s form and confidential pages', async () => {
    const t = await buildGateApp();
    try {
      const form = await t.app.inject({ url: '/access?next=/confidential/' });
      assert.match(String(form.headers['content-security-policy']), /default-src 'none'/);
      assert.equal(form.headers['x-content-type-options'], 'nosniff');
      const redirect = await t.app.inject({ url: '/confidential/deck.html' });
      assert.equal(redirect.statusCode, 303);
      assert.match(String(redirect.headers['content-security-policy']), /frame-ancestors 'none'/);
    } finally {
      await t.close();
    }
  });

  it('never echoes internals of an unexpected error to clients in production', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dwell-prod-'));
    const config = loadConfig({
      NODE_ENV: 'production',
      DATABASE_URL: `sqlite:${join(dir, 'dwell.db')}`,
      LOG_LEVEL: 'silent',
    });
    const store = await openStore(config);
    const app = await buildApp({ config, store, adminToken: ADMIN_TOKEN });
    app.get('/boom', async () => {
      throw new Error('secret internal detail at /srv/dwell/x.ts:12');
    });
    try {
      const response = await app.inject({ url: '/boom' });
      assert.equal(response.statusCode, 500);
      assert.equal(response.json().error.code, 'INTERNAL');
      assert.doesNotMatch(response.body, /secret internal detail|\.ts:|at /);
    } finally {
      await app.close();
      await store.close();
    }
  });

  it('logs no line per session start or beat at the default level, every request at debug', async () => {
    for (const level of ['info', 'debug']) {
      const { app, store, lines } = await appWithLog(level);
      try {
        const { id, token } = await startSession(app);
        const beaten = await app.inject({
          method: 'POST',
          url: `/api/v1/analytics/session/${id}/heartbeat`,
          headers: { ...browser, 'content-type': 'text/plain' },
          payload: JSON.stringify({ token, seq: 1, engagedMs: 1 }),
        });
        assert.equal(beaten.statusCode, 200);
        await app.inject({
          url: '/api/v1/analytics/sessions',
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        });
        const urls = lines
          .map((line) => JSON.parse(line) as { req?: { url: string } })
          .flatMap((l) => l.req?.url ?? []);
        assert.ok(urls.includes('/api/v1/analytics/sessions'), `${level}: other routes log their requests`);
        const ingest = urls.filter(
          (url) => url.startsWith('/api/v1/analytics/session/') || url === '/api/v1/analytics/session',
        );
        if (level === 'info') assert.deepEqual(ingest, [], 'info: ingest requests leave no line');
        else assert.ok(ingest.length >= 2, 'debug: the start and the beat are logged');
      } finally {
        await app.close();
        await store.close();
      }
    }
  });

  it('never logs the admin token, cookies, beat tokens or client IPs', async () => {
    const { app, store, lines } = await appWithLog('debug');
    try {
      const { id, token } = await startSession(app, {}, { 'x-forwarded-for': '203.0.113.9' });
      await app.inject({
        method: 'POST',
        url: `/api/v1/analytics/session/${id}/heartbeat`,
        headers: { ...browser, cookie: 'dwell_access=s3cr3t-cookie', 'content-type': 'text/plain' },
        payload: JSON.stringify({ token, seq: 1, engagedMs: 1 }),
      });
      await app.inject({
        url: '/api/v1/analytics/sessions',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      await app.inject({
        url: '/api/v1/analytics/sessions',
        headers: { authorization: 'Bearer wrong-token-guess' },
      });
      const log = lines.join('');
      assert.ok(log.length > 0, 'something was logged');
      for (const secret of [
        ADMIN_TOKEN,
        token,
        's3cr3t-cookie',
        'wrong-token-guess',
        '203.0.113.9',
        '127.0.0.1',
      ]) {
        assert.ok(!log.includes(secret), `log contains ${secret}`);
      }
    } finally {
      await app.close();
      await store.close();
    }
  });
});
