// The gate's way in (API.md "Email-gated access", POST /api/verify-temp-access) and the folder
// behind it, driven through the real app on a real SQLite file.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { signerFactory } from '@fastify/cookie';
import { manualClock, type TestApp } from '../helper.ts';
import { buildGateApp, cookieHeader, cookieNamed } from './gate-helper.ts';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const formBody = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

async function enter(t: TestApp, email: string, next?: string) {
  return t.app.inject({
    method: 'POST',
    url: '/api/verify-temp-access',
    headers: FORM,
    payload: formBody(next === undefined ? { email } : { email, next }),
  });
}

describe('the email form', () => {
  let t: TestApp;
  before(async () => {
    t = await buildGateApp({ DWELL_GATE_ALLOW: 'boss@acme.com,@partner.io', DWELL_RATE_LIMIT: 'off' });
  });
  after(() => t.close());

  test('a gated page without access redirects 303 to the form, with next', async () => {
    const res = await t.app.inject({ url: '/confidential/deck.html?v=2' });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, `/access?next=${encodeURIComponent('/confidential/deck.html?v=2')}`);
    const missing = await t.app.inject({ url: '/confidential/nope.html' });
    assert.equal(missing.statusCode, 303, 'no hint about which files exist');
  });

  test('the form is plain accessible HTML: a labelled email input, the next path, no script', async () => {
    const res = await t.app.inject({ url: '/access?next=/confidential/deck.html' });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/html/);
    assert.match(res.body, /<label for="email">/);
    assert.match(res.body, /<input id="email" name="email" type="email"/);
    assert.match(res.body, /name="next" value="\/confidential\/deck.html"/);
    assert.match(res.body, /action="\/api\/verify-temp-access"/);
    assert.doesNotMatch(res.body, /<script/);
    assert.match(String(res.headers['content-security-policy']), /form-action 'self'/);
  });

  test('an allowed email gets a session, both cookies with the right flags, and a 303 to next', async () => {
    const res = await enter(t, '  Boss@ACME.com ', '/confidential/deck.html');
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/confidential/deck.html');
    const record = cookieNamed(res, 'session_record_id');
    const access = cookieNamed(res, 'dwell_access');
    assert.ok(record && access);
    assert.match(record.value, /^[0-9a-f]{44}$/);
    assert.equal(record.httpOnly, undefined, 'scripts can read the record id');
    assert.equal(access.httpOnly, true);
    for (const cookie of [record, access]) {
      assert.equal(cookie.sameSite, 'Strict');
      assert.equal(cookie.path, '/');
      assert.equal(cookie.maxAge, 86_400);
      assert.equal(cookie.secure, undefined, 'not Secure outside production');
    }
    const session = await t.store.getSession(record.value);
    assert.equal(session?.email, 'boss@acme.com', 'normalised: trimmed, lower-cased');
    assert.equal(session?.entryUrl, 'http://localhost/confidential/deck.html');

    const page = await t.app.inject({
      url: '/confidential/deck.html',
      headers: { cookie: cookieHeader(res) },
    });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<script src="\/dwell.js" defer><\/script>\n<\/body>/);
    assert.equal(page.headers['cache-control'], 'private, no-store');
    assert.equal(Number(page.headers['content-length']), Buffer.byteLength(page.body));
  });

  test('an @domain entry of the allow-list admits the whole domain', async () => {
    const res = await enter(t, 'ann@partner.io');
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/confidential/', 'no next: the gate index');
  });

  test('JSON in, JSON out: scripts get session_record_id and the cookies', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/verify-temp-access',
      payload: { email: 'boss@acme.com', next: '/confidential/deck.html' },
    });
    assert.equal(res.statusCode, 200);
    const { data } = res.json();
    assert.equal(data.next, '/confidential/deck.html');
    assert.equal(data.session_record_id, cookieNamed(res, 'session_record_id')?.value);
    assert.ok(cookieNamed(res, 'dwell_access'));
  });

  test('400 INVALID_EMAIL: inline in the form, as an envelope for JSON', async () => {
    for (const email of ['', 'not-an-email', 'a@b', 'a b@c.com', 'a@-x.com', `${'x'.repeat(65)}@acme.com`]) {
      const res = await enter(t, email);
      assert.equal(res.statusCode, 400, email);
      assert.match(res.body, /role="alert">Enter a valid email address/);
      assert.match(res.body, /aria-invalid="true"/);
    }
    const json = await t.app.inject({
      method: 'POST',
      url: '/api/verify-temp-access',
      payload: { email: 'nope' },
    });
    assert.equal(json.statusCode, 400);
    assert.equal(json.json().error.code, 'INVALID_EMAIL');
  });

  test('403 EMAIL_NOT_ALLOWED for addresses off the allow-list, and no cookie', async () => {
    for (const email of ['eve@acme.com', 'ann@sub.partner.io', 'boss@acme.com.evil.io']) {
      const res = await t.app.inject({ method: 'POST', url: '/api/verify-temp-access', payload: { email } });
      assert.equal(res.statusCode, 403, email);
      assert.equal(res.json().error.code, 'EMAIL_NOT_ALLOWED');
      assert.equal(res.cookies.length, 0);
    }
    const html = await enter(t, 'eve@acme.com');
    assert.equal(html.statusCode, 403);
    assert.match(html.body, /not allowed/);
    assert.match(html.body, /value="eve@acme.com"/, 'the typed email is kept');
  });

  test('no open redirect: off-site or odd next values fall back to the gate', async () => {
    const bad = [
      'https://evil.com/',
      '//evil.com',
      '/\\evil.com',
      '/\\/evil.com',
      '\\\\evil.com',
      '/\t/evil.com',
      '/.//evil.com',
      'javascript:alert(1)',
      'evil.com',
      '/%0d%0aSet-Cookie:x=1',
    ];
    for (const next of bad) {
      const res = await enter(t, 'boss@acme.com', next);
      assert.equal(res.statusCode, 303, next);
      const location = String(res.headers.location);
      assert.ok(location.startsWith('/') && !location.startsWith('//') && !location.includes('\\'), next);
      assert.ok(!/evil\.com/.test(location) || location.startsWith('/%'), `${next} -> ${location}`);
    }
    const fine = await enter(t, 'boss@acme.com', '/confidential/sub/?a=1#p2');
    assert.equal(fine.headers.location, '/confidential/sub/?a=1#p2');
  });

  test('CSRF: a post from another origin is refused 403 CROSS_ORIGIN, same origin passes', async () => {
    const cross = await t.app.inject({
      method: 'POST',
      url: '/api/verify-temp-access',
      headers: { ...FORM, origin: 'https://evil.example' },
      payload: formBody({ email: 'boss@acme.com' }),
    });
    assert.equal(cross.statusCode, 403);
    assert.match(cross.body, /only be sent from a page of this site/);
    assert.equal(cross.cookies.length, 0);
    const nullOrigin = await t.app.inject({
      method: 'POST',
      url: '/api/verify-temp-access',
      headers: { origin: 'null' },
      payload: { email: 'boss@acme.com' },
    });
    assert.equal(nullOrigin.json().error.code, 'CROSS_ORIGIN');
    const crossSite = await t.app.inject({
      method: 'POST',
      url: '/api/verify-temp-access',
      headers: { 'sec-fetch-site': 'cross-site' },
      payload: { email: 'boss@acme.com' },
    });
    assert.equal(crossSite.json().error.code, 'CROSS_ORIGIN');
    const same = await t.app.inject({
      method: 'POST',
      url: '/api/verify-temp-access',
      headers: { ...FORM, origin: 'http://localhost:80' },
      payload: formBody({ email: 'boss@acme.com' }),
    });
    assert.equal(same.statusCode, 303);
  });

  test('the folder: index, sub-folder index, text untouched, tracker never doubled, dotfiles hidden', async () => {
    const cookie = cookieHeader(await enter(t, 'boss@acme.com'));
    const index = await t.app.inject({ url: '/confidential/', headers: { cookie } });
    assert.match(index.body, /<script src="\/dwell.js" defer><\/script>\n<\/head>/);
    const sub = await t.app.inject({ url: '/confidential/sub/', headers: { cookie } });
    assert.match(sub.body, /dwell.js/);
    const text = await t.app.inject({ url: '/confidential/notes.txt', headers: { cookie } });
    assert.equal(text.body, 'plain text </head>');
    const tracked = await t.app.inject({ url: '/confidential/tracked.html', headers: { cookie } });
    assert.equal(tracked.body.match(/dwell\.js/g)?.length, 1);
    const dot = await t.app.inject({ url: '/confidential/.secret', headers: { cookie } });
    assert.equal(dot.statusCode, 404);
    const traversal = await t.app.inject({
      url: '/confidential/..%2f..%2fetc%2fpasswd',
      headers: { cookie },
    });
    assert.notEqual(traversal.statusCode, 200);
    const frame = await t.app.inject({ url: '/confidential/', headers: { cookie } });
    assert.equal(frame.headers['x-frame-options'], 'DENY');
  });

  test('the form with valid access goes straight to next', async () => {
    const cookie = cookieHeader(await enter(t, 'boss@acme.com'));
    const res = await t.app.inject({ url: '/access?next=/confidential/deck.html', headers: { cookie } });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/confidential/deck.html');
  });

  test('tampered, foreign and half cookies are refused', async () => {
    const res = await enter(t, 'boss@acme.com');
    const record = cookieNamed(res, 'session_record_id')!.value;
    const access = cookieNamed(res, 'dwell_access')!.value;
    const [payload, signature] = [
      access.slice(0, access.lastIndexOf('.')),
      access.slice(access.lastIndexOf('.') + 1),
    ];
    const other = cookieNamed(await enter(t, 'ann@partner.io'), 'session_record_id')!.value;
    const forged = payload.replace(record, other);
    const longer = payload.replace(/\|(\d+)\|([^|]+)$/, (_m, _e, tag) => `|${Date.now() + 10 ** 10}|${tag}`);
    const foreign = signerFactory('another-server-secret-0123456789abcdef').sign(payload);
    const cases = {
      'no access cookie': `session_record_id=${record}`,
      'bad signature': `dwell_access=${payload}.${signature.slice(0, -2)}xx`,
      'session swapped': `dwell_access=${forged}.${signature}`,
      'expiry extended': `dwell_access=${longer}.${signature}`,
      'signed by another secret': `dwell_access=${foreign}`,
      'unsigned payload': `dwell_access=${payload}`,
      garbage: 'dwell_access=%%%',
    };
    for (const [name, cookie] of Object.entries(cases)) {
      const page = await t.app.inject({ url: '/confidential/deck.html', headers: { cookie } });
      assert.equal(page.statusCode, 303, name);
    }
  });

  test('arriving from another site bounces once through our own origin instead of losing the cookie', async () => {
    const res = await t.app.inject({
      url: '/confidential/deck.html',
      headers: { 'sec-fetch-site': 'cross-site' },
    });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /http-equiv="refresh" content="0;url=\/confidential\/deck.html"/);
    const same = await t.app.inject({
      url: '/confidential/deck.html',
      headers: { 'sec-fetch-site': 'same-origin' },
    });
    assert.equal(same.statusCode, 303);
  });
});

describe('access lifetime and production flags', () => {
  test('access expires after DWELL_GATE_TTL on the server clock', async () => {
    const clock = manualClock();
    const t = await buildGateApp({ DWELL_GATE_TTL: '2h' }, { clock: clock.now });
    try {
      const res = await enter(t, 'jo@example.com');
      assert.equal(cookieNamed(res, 'dwell_access')?.maxAge, 7200);
      const cookie = cookieHeader(res);
      clock.advance(7_199_000);
      assert.equal((await t.app.inject({ url: '/confidential/', headers: { cookie } })).statusCode, 200);
      clock.advance(1_000);
      assert.equal((await t.app.inject({ url: '/confidential/', headers: { cookie } })).statusCode, 303);
    } finally {
      await t.close();
    }
  });

  test('in production both cookies are Secure', async () => {
    const t = await buildGateApp({ NODE_ENV: 'production' });
    try {
      const res = await enter(t, 'jo@example.com');
      assert.equal(cookieNamed(res, 'session_record_id')?.secure, true);
      assert.equal(cookieNamed(res, 'dwell_access')?.secure, true);
    } finally {
      await t.close();
    }
  });

  test('the generated cookie secret is kept in the data folder and survives a restart', async () => {
    const first = await buildGateApp();
    const cookie = cookieHeader(await enter(first, 'jo@example.com'));
    const { dir } = first;
    await first.app.close();
    await first.store.close();
    const second = await buildGateApp({ DWELL_GATE_DIR: first.config.gate.dir! }, { dir });
    try {
      assert.equal((await second.app.inject({ url: '/confidential/', headers: { cookie } })).statusCode, 200);
    } finally {
      await second.close();
    }
  });

  test('without DWELL_GATE_DIR there is no gate at all', async () => {
    const { buildTestApp } = await import('../helper.ts');
    const t = await buildTestApp({ DWELL_DEMO: 'off' });
    try {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/verify-temp-access',
        payload: { email: 'a@b.co' },
      });
      assert.equal(res.statusCode, 404);
    } finally {
      await t.close();
    }
  });
});

describe('rate limits on the form', () => {
  test('per email: the sixth attempt in ten minutes is 429 with Retry-After, other emails still pass', async () => {
    const t = await buildGateApp();
    try {
      for (let i = 0; i < 5; i++) assert.equal((await enter(t, 'jo@example.com')).statusCode, 303);
      const limited = await enter(t, 'JO@example.com');
      assert.equal(limited.statusCode, 429);
      assert.ok(Number(limited.headers['retry-after']) > 0);
      assert.match(limited.body, /Too many requests/);
      const json = await t.app.inject({
        method: 'POST',
        url: '/api/verify-temp-access',
        payload: { email: 'jo@example.com' },
      });
      assert.equal(json.json().error.code, 'RATE_LIMITED');
      assert.equal((await enter(t, 'other@example.com')).statusCode, 303);
    } finally {
      await t.close();
    }
  });

  test('per IP: the 31st attempt from one address is 429, invalid emails count too', async () => {
    const t = await buildGateApp();
    try {
      for (let i = 0; i < 30; i++) await enter(t, i % 2 ? `p${i}@example.com` : 'broken');
      assert.equal((await enter(t, 'fresh@example.com')).statusCode, 429);
      const elsewhere = await t.app.inject({
        method: 'POST',
        url: '/api/verify-temp-access',
        remoteAddress: '10.0.0.9',
        payload: { email: 'fresh@example.com' },
      });
      assert.equal(elsewhere.statusCode, 200);
    } finally {
      await t.close();
    }
  });
});
