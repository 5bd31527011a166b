import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUSY_ROUTE_SAMPLE } from '../../src/server/plugins/metrics.ts';
import { newSessionId } from '../../src/server/session-id.ts';
import { buildTestApp, manualClock } from '../helper.ts';
import { beat, browser, startSession } from './ingest-helpers.ts';

const fast = { DWELL_INTERVAL_MS: '15000', DWELL_TIMEOUT_MS: '1800000', DWELL_TOLERANCE_MS: '2000' };

async function withApp(
  env: Record<string, string>,
  run: (t: Awaited<ReturnType<typeof buildTestApp>>, clock: ReturnType<typeof manualClock>) => Promise<void>,
) {
  const clock = manualClock();
  const t = await buildTestApp({ ...fast, ...env }, { clock: clock.now });
  try {
    await run(t, clock);
  } finally {
    await t.close();
  }
}

type TestApp = Awaited<ReturnType<typeof buildTestApp>>;

/**
 * Sends a beat, checks its answer is the bare `{ ok: true }` (the fold credits it), and reads what
 * the fold credited: a read folds first, so it sees the beat.
 */
async function credit(
  t: TestApp,
  id: string,
  body?: Parameters<typeof beat>[2],
  options?: Parameters<typeof beat>[3],
) {
  const before = (await t.store.getSession(id))?.engagedMs ?? 0;
  const response = await beat(t.app, id, body, options);
  assert.equal(response.statusCode, 200);
  assert.deepEqual(response.json(), { success: true, data: { ok: true } });
  const engagedMs = (await t.store.getSession(id))!.engagedMs;
  return { credited: engagedMs - before, engagedMs };
}

describe('heartbeat accounting through the real server', () => {
  it('answers { ok: true } once the beat is committed, and the fold credits the measured time', () =>
    withApp({}, async (t, clock) => {
      const { id, token } = await startSession(t.app, { url: 'https://site.test/a' });
      clock.advance(15_000);
      const { credited } = await credit(t, id, {
        token,
        seq: 1,
        engagedMs: 14_500,
        url: 'https://site.test/a',
      });
      assert.equal(credited, 14_500);
      assert.equal((await t.store.getSession(id))?.engagedMs, 14_500);
    }));

  it('gives two quick seed beats about one second, not 60 (the BIO.RE seed flaw)', () =>
    withApp({}, async (t, clock) => {
      const { id } = await startSession(t.app);
      clock.advance(500);
      await credit(t, id, undefined, { method: 'PATCH' });
      clock.advance(500);
      const second = await credit(t, id, undefined, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(second.engagedMs, 1_000);
    }));

  it('caps a claim at the wall-clock time that passed plus the tolerance', () =>
    withApp({}, async (t, clock) => {
      const { id, token } = await startSession(t.app);
      clock.advance(1_000);
      assert.equal((await credit(t, id, { token, seq: 1, engagedMs: 60_000 })).credited, 3_000);
      clock.advance(1_000);
      const flood = await credit(t, id, { token, seq: 2, engagedMs: 60_000 });
      assert.equal(flood.engagedMs, 4_000, 'total never exceeds wall clock + tolerance');
    }));

  it('counts a seq retried after a timeout once', () =>
    withApp({}, async (t, clock) => {
      const { id, token } = await startSession(t.app);
      clock.advance(15_000);
      const sent = { token, seq: 1, engagedMs: 15_000 };
      assert.equal((await credit(t, id, sent)).credited, 15_000);
      // The client never saw that answer (timeout) and sends the same beat again.
      clock.advance(10_000);
      const retry = await credit(t, id, sent);
      assert.equal(retry.credited, 0);
      assert.equal(retry.engagedMs, 15_000);
      const lower = await credit(t, id, { token, seq: 0 + 1, engagedMs: 5_000 });
      assert.equal(lower.credited, 0);
      const next = await credit(t, id, { token, seq: 2, engagedMs: 10_000 });
      assert.equal(next.credited, 10_000);
    }));

  it('attributes credit per page with the deepest scroll, and records the timeline', () =>
    withApp({}, async (t, clock) => {
      const { id, token } = await startSession(t.app, { url: 'https://site.test/a' });
      clock.advance(10_000);
      await beat(t.app, id, { token, seq: 1, engagedMs: 10_000, url: 'https://site.test/a', scroll: 40 });
      clock.advance(5_000);
      await beat(t.app, id, { token, seq: 2, engagedMs: 5_000, url: 'https://site.test/a', scroll: 20 });
      clock.advance(8_000);
      await beat(t.app, id, { token, seq: 3, engagedMs: 8_000, url: 'https://site.test/b', scroll: 90 });
      const session = await t.store.getSession(id);
      assert.deepEqual(session?.pages, [
        { url: 'https://site.test/a', engagedMs: 15_000, visibleMs: 15_000, maxScroll: 40, sections: [] },
        { url: 'https://site.test/b', engagedMs: 8_000, visibleMs: 8_000, maxScroll: 90, sections: [] },
      ]);
      const start = session!.startedAt;
      assert.deepEqual(session?.timeline, [
        { url: 'https://site.test/a', start, end: start + 15_000 },
        { url: 'https://site.test/b', start: start + 15_000, end: start + 23_000 },
      ]);
    }));

  it('ends a session on a final beat and resumes it on a later one (back-forward cache)', () =>
    withApp({}, async (t, clock) => {
      const { id, token } = await startSession(t.app);
      clock.advance(5_000);
      await beat(t.app, id, { token, seq: 1, engagedMs: 5_000, final: true });
      const ended = await t.store.getSession(id);
      assert.equal(ended?.endedAt, ended!.startedAt + 5_000);
      clock.advance(60_000);
      const resumed = await credit(t, id, { token, seq: 2, engagedMs: 3_000 });
      assert.equal((await t.store.getSession(id))?.endedAt, null);
      assert.equal(resumed.engagedMs, 8_000);
    }));

  it('ends a session when the in-flight beat is resent as final at tab close, counting its time once', () =>
    withApp({}, async (t, clock) => {
      const { id, token } = await startSession(t.app);
      clock.advance(5_000);
      await beat(t.app, id, { token, seq: 1, engagedMs: 5_000 });
      const resent = await credit(t, id, { token, seq: 1, engagedMs: 5_000, final: true });
      assert.equal(resent.credited, 0);
      const session = await t.store.getSession(id);
      assert.equal(session?.engagedMs, 5_000);
      assert.equal(session?.endedAt, session!.startedAt + 5_000);
    }));

  it('answers 410 SESSION_EXPIRED after the timeout and credits nothing', () =>
    withApp({ DWELL_TIMEOUT_MS: '60000' }, async (t, clock) => {
      const { id, token } = await startSession(t.app);
      clock.advance(60_001);
      const response = await beat(t.app, id, { token, seq: 1, engagedMs: 1_000 });
      assert.equal(response.statusCode, 410);
      assert.equal(response.json().error.code, 'SESSION_EXPIRED');
      assert.equal((await t.store.getSession(id))?.engagedMs, 0);
    }));

  it('answers 404 SESSION_NOT_FOUND for an unknown id', () =>
    withApp({}, async (t) => {
      for (const id of ['00000000-0000-4000-8000-000000000000', 'ses-uuid', 'x'.repeat(128)]) {
        const response = await beat(t.app, id, undefined, { method: 'PATCH' });
        assert.equal(response.statusCode, 404, id);
        assert.deepEqual(Object.keys(response.json().error), ['code', 'message']);
        assert.equal(response.json().error.code, 'SESSION_NOT_FOUND');
      }
      for (const id of ['y'.repeat(129), 'z'.repeat(5_000)]) {
        const response = await beat(t.app, id, undefined, { method: 'PATCH' });
        assert.equal(response.statusCode, 400);
        assert.equal(response.json().error.code, 'INVALID_PARAMS');
      }
    }));

  it('refuses a wrong token with 403 FORBIDDEN and credits nothing', () =>
    withApp({}, async (t, clock) => {
      const { id } = await startSession(t.app);
      clock.advance(10_000);
      const response = await beat(t.app, id, { token: 'not-the-token', seq: 1, engagedMs: 10_000 });
      assert.equal(response.statusCode, 403);
      assert.equal(response.json().error.code, 'FORBIDDEN');
      assert.equal((await t.store.getSession(id))?.engagedMs, 0);
    }));

  it('keeps 404 and 403 distinct: an unknown id is 404 whatever its token, a known id with a wrong token 403', () =>
    // API.md: ids carry ≥ 80 random bits, so the difference tells a guesser nothing, and the client
    // needs it (404: start a new session; 403: stop).
    withApp({ DWELL_LEGACY_BEATS: 'off' }, async (t, clock) => {
      const { id, token } = await startSession(t.app);
      clock.advance(10_000);
      const unknown = await beat(t.app, newSessionId(clock.now()), { token, seq: 1, engagedMs: 1_000 });
      assert.equal(unknown.statusCode, 404);
      assert.equal(unknown.json().error.code, 'SESSION_NOT_FOUND');
      const otherToken = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
      const wrongToken = await beat(t.app, id, { token: otherToken, seq: 1, engagedMs: 1_000 });
      assert.equal(wrongToken.statusCode, 403);
      assert.equal(wrongToken.json().error.code, 'FORBIDDEN');
      assert.equal((await t.store.getSession(id))?.engagedMs, 0);
    }));

  it('accepts seed beats by the seed-beat rule only while DWELL_LEGACY_BEATS is on', async () => {
    await withApp({}, async (t, clock) => {
      const { id } = await startSession(t.app);
      clock.advance(10_000);
      // A claim without a token is ignored: the seed-beat rule credits the elapsed time instead.
      assert.equal((await credit(t, id, { engagedMs: 999_999 })).credited, 10_000);
    });
    await withApp({ DWELL_LEGACY_BEATS: 'off' }, async (t, clock) => {
      const { id, token } = await startSession(t.app);
      clock.advance(10_000);
      const refused = await beat(t.app, id, undefined, { method: 'PATCH' });
      assert.equal(refused.statusCode, 403);
      assert.equal(refused.json().error.code, 'FORBIDDEN');
      assert.equal((await beat(t.app, id, { token, seq: 1, engagedMs: 10_000 })).statusCode, 200);
    });
  });

  it('answers 400 INVALID_BODY for bad fields and 413 BODY_TOO_LARGE for an oversized beat', () =>
    withApp({}, async (t) => {
      const { id, token } = await startSession(t.app);
      for (const body of [
        { token, seq: 0 },
        { token, seq: 1.5 },
        { token, engagedMs: -1 },
        { token, scroll: 101 },
        { token, final: 'yes' },
      ]) {
        const response = await beat(t.app, id, body);
        assert.equal(response.statusCode, 400, JSON.stringify(body));
        assert.equal(response.json().error.code, 'INVALID_BODY');
      }
      const big = await beat(t.app, id, { token, url: 'x'.repeat(20_000) });
      assert.equal(big.statusCode, 413);
      assert.equal(big.json().error.code, 'BODY_TOO_LARGE');
    }));

  it('accepts application/json and text/plain bodies on PATCH and POST alike', () =>
    withApp({}, async (t, clock) => {
      const { id, token } = await startSession(t.app);
      let seq = 0;
      for (const method of ['PATCH', 'POST'] as const) {
        for (const contentType of ['application/json', 'text/plain;charset=UTF-8']) {
          clock.advance(1_000);
          const response = await beat(
            t.app,
            id,
            { token, seq: ++seq, engagedMs: 1_000 },
            { method, contentType },
          );
          assert.equal(response.statusCode, 200, `${method} ${contentType}`);
        }
      }
      assert.equal((await t.store.getSession(id))?.engagedMs, 4_000);
    }));

  it('counts every refused beat by reason in /metrics', () =>
    withApp({}, async (t) => {
      const { id } = await startSession(t.app);
      await beat(t.app, 'nope', undefined);
      await beat(t.app, id, { token: 'wrong' });
      await beat(t.app, id, { seq: -1 });
      // Beats are timed one in BUSY_ROUTE_SAMPLE (metrics.ts): send enough for one to be timed.
      for (let i = 0; i < BUSY_ROUTE_SAMPLE; i++) await beat(t.app, id, { seq: -1 });
      const metrics = (await t.app.inject({ url: '/metrics' })).body;
      assert.match(metrics, /dwell_beats_refused_total\{reason="SESSION_NOT_FOUND"\} 1/);
      assert.match(metrics, /dwell_beats_refused_total\{reason="FORBIDDEN"\} 1/);
      assert.match(metrics, /dwell_beats_refused_total\{reason="INVALID_BODY"\} 17/);
      assert.match(
        metrics,
        /dwell_http_request_duration_seconds_count\{method="POST",route="\/api\/v1\/analytics\/session\/:id\/heartbeat",status="400"\} 1\n/,
      );
    }));
});

describe('concurrent beats on one session', () => {
  it('never lose an update: 200 beats sent at once all count', () =>
    withApp({ DWELL_RATE_LIMIT: 'off' }, async (t, clock) => {
      const { id } = await startSession(t.app);
      clock.advance(1_000_000);
      // Seed beats arriving together: the first credits the elapsed time (capped at one
      // interval + tolerance), the rest nothing more, but every one is counted as a beat.
      const answers = await Promise.all(
        Array.from({ length: 200 }, () => beat(t.app, id, undefined, { method: 'PATCH' })),
      );
      assert.ok(answers.every((a) => a.statusCode === 200));
      const session = await t.store.getSession(id);
      assert.equal(session?.beats, 200);
      assert.equal(session?.engagedMs, 17_000);
    }));

  it('sum distinct seqs sent at once without losing one', () =>
    withApp({}, async (t, clock) => {
      const sessions = await Promise.all(Array.from({ length: 20 }, () => startSession(t.app)));
      clock.advance(60_000);
      await Promise.all(
        sessions.flatMap(({ id, token }) =>
          [1, 2, 3].map((seq) => beat(t.app, id, { token, seq, engagedMs: 10_000 })),
        ),
      );
      for (const { id } of sessions) {
        const session = await t.store.getSession(id);
        assert.equal(session?.engagedMs, 30_000);
        assert.equal(session?.lastSeq, 3);
      }
    }));
});

describe('rate limits', () => {
  it('limit session starts per IP with 429 RATE_LIMITED, Retry-After and RateLimit headers', async () => {
    const t = await buildTestApp({ DWELL_RATE_LIMIT: 'sessions=3/1m,beats=5/1m' });
    try {
      for (let i = 0; i < 3; i++) await startSession(t.app);
      const limited = await t.app.inject({
        method: 'POST',
        url: '/api/v1/analytics/session',
        headers: browser,
      });
      assert.equal(limited.statusCode, 429);
      assert.equal(limited.json().error.code, 'RATE_LIMITED');
      assert.ok(Number(limited.headers['retry-after']) >= 1);
      assert.ok(limited.headers['ratelimit-limit'] !== undefined);
      // Another client IP has its own budget.
      const other = await t.app.inject({
        method: 'POST',
        url: '/api/v1/analytics/session',
        headers: browser,
        remoteAddress: '10.9.8.7',
      });
      assert.equal(other.statusCode, 201);
    } finally {
      await t.close();
    }
  });

  it('limit beats per session, so tabs behind one IP never share a budget', async () => {
    const t = await buildTestApp({ DWELL_RATE_LIMIT: 'sessions=100/1m,beats=5/1m' });
    try {
      const tabs = await Promise.all(Array.from({ length: 5 }, () => startSession(t.app)));
      for (const { id, token } of tabs) {
        for (let seq = 1; seq <= 5; seq++) {
          assert.equal((await beat(t.app, id, { token, seq, engagedMs: 0 })).statusCode, 200);
        }
      }
      const sixth = await beat(t.app, tabs[0]!.id, { token: tabs[0]!.token, seq: 6, engagedMs: 0 });
      assert.equal(sixth.statusCode, 429);
      assert.equal(sixth.json().error.code, 'RATE_LIMITED');
      const metrics = (await t.app.inject({ url: '/metrics' })).body;
      assert.match(metrics, /dwell_beats_refused_total\{reason="RATE_LIMITED"\} 1/);
    } finally {
      await t.close();
    }
  });

  it('keep counting a session while thousands of others beat before its next beat', async () => {
    // More sessions than @fastify/rate-limit's in-process LRU holds (5,000): that store forgot a
    // session between two of its beats. 50,000 sessions are counted against the store itself in
    // src/server/plugins/in-process-limit-store.test.ts; here, the real route, in a few seconds.
    const t = await buildTestApp({ DWELL_RATE_LIMIT: 'sessions=100/1m,beats=3/1m' });
    try {
      const { id, token } = await startSession(t.app);
      for (let seq = 1; seq <= 3; seq++) {
        assert.equal((await beat(t.app, id, { token, seq, engagedMs: 0 })).statusCode, 200);
      }
      // Beats of sessions this server does not know (404) count against their own ids all the same.
      for (let other = 0; other < 6_000; other++) {
        const response = await beat(t.app, newSessionId(), { token, seq: 1, engagedMs: 0 });
        assert.equal(response.statusCode, 404);
      }
      const fourth = await beat(t.app, id, { token, seq: 4, engagedMs: 0 });
      assert.equal(fourth.statusCode, 429);
      assert.equal(fourth.json().error.code, 'RATE_LIMITED');
    } finally {
      await t.close();
    }
  });

  it('ignore X-Forwarded-For unless DWELL_TRUST_PROXY trusts the sender', async () => {
    for (const [trust, expectLimited] of [
      ['off', true],
      ['127.0.0.1', false],
    ] as const) {
      const t = await buildTestApp({ DWELL_RATE_LIMIT: 'sessions=2/1m', DWELL_TRUST_PROXY: trust });
      try {
        const statuses: number[] = [];
        for (let i = 0; i < 3; i++) {
          const response = await t.app.inject({
            method: 'POST',
            url: '/api/v1/analytics/session',
            headers: { ...browser, 'x-forwarded-for': `198.51.100.${i}` },
          });
          statuses.push(response.statusCode);
        }
        assert.equal(statuses.includes(429), expectLimited, `trust=${trust}: ${statuses}`);
      } finally {
        await t.close();
      }
    }
  });

  it('are off with DWELL_RATE_LIMIT=off', async () => {
    const t = await buildTestApp({ DWELL_RATE_LIMIT: 'off' });
    try {
      for (let i = 0; i < 400; i++) await startSession(t.app);
    } finally {
      await t.close();
    }
  });
});
