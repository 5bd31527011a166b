// POST /api/session-heartbeat (API.md): the blueprint's cookie beat, counted only with the signed
// access cookie of that same session; engaged time lands per page on the email's session.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { manualClock, type TestApp } from '../helper.ts';
import { buildGateApp, cookieHeader, cookieNamed } from './gate-helper.ts';

const PAGE = 'http://localhost/confidential/deck.html';

async function enter(t: TestApp, email: string) {
  const res = await t.app.inject({ method: 'POST', url: '/api/verify-temp-access', payload: { email } });
  assert.equal(res.statusCode, 200);
  return { id: cookieNamed(res, 'session_record_id')!.value, cookie: cookieHeader(res), res };
}

const beat = (
  t: TestApp,
  cookie: string | undefined,
  payload?: unknown,
  headers: Record<string, string> = {},
) =>
  t.app.inject({
    method: 'POST',
    url: '/api/session-heartbeat',
    headers: { ...(cookie ? { cookie } : {}), ...headers },
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

describe('the cookie heartbeat', () => {
  const clock = manualClock();
  let t: TestApp;
  before(async () => {
    t = await buildGateApp({ DWELL_INTERVAL_MS: '15000' }, { clock: clock.now });
  });
  after(() => t.close());

  test('400 NO_SESSION without session_record_id', async () => {
    const res = await beat(t, undefined);
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error.code, 'NO_SESSION');
  });

  test('403 FORBIDDEN with the record id alone: knowing an id proves nothing (the blueprint flaw)', async () => {
    const { id } = await enter(t, 'ann@example.com');
    clock.advance(10_000);
    const res = await beat(t, `session_record_id=${id}`);
    assert.equal(res.statusCode, 403);
    assert.equal(res.json().error.code, 'FORBIDDEN');
    assert.equal((await t.store.getSession(id))?.engagedMs, 0);
  });

  test("403 FORBIDDEN with a valid access cookie of another person's session", async () => {
    const victim = await enter(t, 'victim@example.com');
    const attacker = await enter(t, 'attacker@example.com');
    const access = attacker.cookie.split('; ').find((c) => c.startsWith('dwell_access='));
    clock.advance(10_000);
    const res = await beat(t, `session_record_id=${victim.id}; ${access}`);
    assert.equal(res.statusCode, 403);
    assert.equal((await t.store.getSession(victim.id))?.engagedMs, 0);
  });

  test('the session cannot be beaten through the token route either (cookie-only)', async () => {
    const { id } = await enter(t, 'ann@example.com');
    clock.advance(5_000);
    const res = await t.app.inject({ method: 'POST', url: `/api/v1/analytics/session/${id}/heartbeat` });
    assert.equal(res.statusCode, 403);
  });

  test("the blueprint's seed beat is credited by the seed-beat rule, to the page in its Referer", async () => {
    const { id, cookie } = await enter(t, 'bo@example.com');
    clock.advance(10_000);
    const first = await beat(t, cookie, undefined, { referer: PAGE });
    assert.equal(first.statusCode, 200);
    assert.deepEqual(first.json().data, { ok: true }, 'committed; the fold credits it');
    assert.equal((await t.store.getSession(id))?.engagedMs, 10_000);
    clock.advance(60_000);
    const capped = await beat(t, cookie, undefined, { referer: PAGE, 'content-type': 'application/json' });
    assert.equal(capped.statusCode, 200);
    assert.equal((await t.store.getSession(id))?.engagedMs, 27_000, 'at most one interval + tolerance');
    const foreign = await beat(t, cookie, undefined, { referer: 'https://evil.example/x' });
    assert.equal(foreign.statusCode, 200);
    const session = await t.store.getSession(id);
    assert.equal(session?.email, 'bo@example.com');
    assert.deepEqual(
      session?.pages.map((p) => [p.url, p.engagedMs]),
      [[PAGE, 27_000]],
    );
  });

  test("the tracker's beats (text/plain JSON, engagedMs, url, scroll, seq) land per page", async () => {
    const { id, cookie } = await enter(t, 'cy@example.com');
    const send = (payload: object) =>
      beat(t, cookie, JSON.stringify(payload), { 'content-type': 'text/plain;charset=UTF-8' });
    clock.advance(15_000);
    assert.equal((await send({ seq: 1, engagedMs: 12_000, url: PAGE, scroll: 40 })).statusCode, 200);
    clock.advance(15_000);
    await send({ seq: 2, engagedMs: 9_000, url: 'http://localhost/confidential/', scroll: 100 });
    const retry = await send({ seq: 2, engagedMs: 9_000, url: 'http://localhost/confidential/' });
    assert.equal(retry.statusCode, 200, 'a repeated seq is a retry: accepted, credited once (below)');
    const invalid = await send({ seq: 0 });
    assert.equal(invalid.statusCode, 400);
    assert.equal(invalid.json().error.code, 'INVALID_BODY');
    const session = await t.store.getSession(id);
    assert.equal(session?.engagedMs, 21_000);
    assert.deepEqual(
      session?.pages.map((p) => [p.url, p.engagedMs, p.maxScroll]),
      [
        [PAGE, 12_000, 40],
        ['http://localhost/confidential/', 9_000, 100],
      ],
    );
  });

  test('a final beat ends the session; 410 SESSION_EXPIRED after the timeout', async () => {
    const { id, cookie } = await enter(t, 'di@example.com');
    clock.advance(5_000);
    await beat(t, cookie, { seq: 1, engagedMs: 5_000, final: true });
    assert.notEqual((await t.store.getSession(id))?.endedAt, null);
    clock.advance(1_800_001);
    const res = await beat(t, cookie, { seq: 2, engagedMs: 1_000 });
    assert.equal(res.statusCode, 410);
    assert.equal(res.json().error.code, 'SESSION_EXPIRED');
  });

  test('404 SESSION_NOT_FOUND is impossible to reach with a forged id: the cookie check comes first', async () => {
    const { cookie } = await enter(t, 'ed@example.com');
    const res = await beat(t, cookie.replace(/session_record_id=[^;]+/, 'session_record_id=nope'));
    assert.equal(res.statusCode, 403);
  });
});
