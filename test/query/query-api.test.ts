import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { generateSessions } from '../../src/demo/generate.ts';
import { buildTestApp, manualClock, type TestApp } from '../helper.ts';
import { beat, startSession } from '../ingest/ingest-helpers.ts';
import { query, queryError, readFor, type SessionJson } from './query-helpers.ts';

const T0 = Date.parse('2026-11-23T10:00:00Z');
const HOME = 'https://site.test/';
const PRICING = 'https://site.test/pricing';

describe('query API', () => {
  let t: TestApp;
  const clock = manualClock(T0);
  const ids: Record<string, string> = {};

  before(async () => {
    t = await buildTestApp({ DWELL_RATE_LIMIT: 'off' }, { clock: clock.now });
    ids.a = await readFor(t.app, clock, { url: HOME, visitorId: 'visitor-a', beats: 3, final: true }); // 30 s
    ids.b = await readFor(t.app, clock, { url: PRICING, visitorId: 'visitor-b', beats: 6 }); // 60 s
    ids.c = await readFor(t.app, clock, { url: HOME, visitorId: 'visitor-a', beats: 1 }); // 10 s, active
    // A known reader, as the email gate records them.
    await t.store.createSession({
      id: 'gate-session-1',
      tokenHash: null,
      email: 'ana@example.com',
      visitorId: null,
      entryUrl: PRICING,
      referrer: null,
      screen: null,
      lang: null,
    });
  });
  after(() => t.close());

  describe('authentication', () => {
    const routes = [
      '/api/v1/analytics/sessions',
      '/api/v1/analytics/sessions/x',
      '/api/v1/analytics/visitors',
      '/api/v1/analytics/stats',
      '/api/v1/analytics/live',
      '/api/v1/analytics/export',
    ];
    it('answers 401 UNAUTHORIZED without a token, with a wrong one and with another scheme', async () => {
      for (const url of routes) {
        for (const headers of [
          {} as Record<string, string>,
          { authorization: 'Bearer wrong-token-0123456789' },
          { authorization: 'Basic dGVzdA==' },
        ]) {
          assert.deepEqual(await queryError(t.app, url, headers), { status: 401, code: 'UNAUTHORIZED' }, url);
        }
      }
    });
  });

  describe('GET /sessions', () => {
    it('lists sessions newest first, as API.md shapes them', async () => {
      const data = await query<{ items: SessionJson[]; nextCursor: string | null }>(
        t.app,
        '/api/v1/analytics/sessions',
      );
      assert.deepEqual(
        data.items.map((s) => s.id),
        ['gate-session-1', ids.c, ids.b, ids.a],
      );
      assert.equal(data.nextCursor, null);
      const a = data.items.find((s) => s.id === ids.a)!;
      assert.equal(a.status, 'ended');
      assert.equal(a.engagedMs, 30_000);
      assert.equal(a.duration, 30);
      assert.equal(a.visitorId, 'visitor-a');
      assert.equal(a.startedAt, new Date(T0).toISOString());
      assert.equal(a.visibleMs, 30_000, 'beats without visibleMs were visible for what they claimed');
      assert.deepEqual(a.pages, [
        { url: HOME, engagedMs: 30_000, visibleMs: 30_000, maxScroll: null, sections: [] },
      ]);
    });

    it('filters by email, visitorId, url, status and time', async () => {
      const ids_ = async (qs: string) =>
        (await query<{ items: SessionJson[] }>(t.app, `/api/v1/analytics/sessions?${qs}`)).items.map(
          (s) => s.id,
        );
      assert.deepEqual(await ids_('email=ana@example.com'), ['gate-session-1']);
      assert.deepEqual(await ids_('visitorId=visitor-a'), [ids.c, ids.a]);
      assert.deepEqual(await ids_(`url=${encodeURIComponent(PRICING)}`), [ids.b]);
      assert.deepEqual(await ids_('status=ended'), [ids.a]);
      assert.deepEqual(await ids_('status=active'), ['gate-session-1', ids.c, ids.b]);
      assert.deepEqual(await ids_('status=expired'), []);
      const bStart = new Date(T0 + 30_000).toISOString();
      assert.deepEqual(await ids_(`from=${bStart}&to=${new Date(T0 + 31_000).toISOString()}`), [ids.b]);
      assert.deepEqual(await ids_('to=2026-11-23'), []);
    });

    it('reports sessions without a beat for longer than the timeout as expired', async () => {
      clock.advance(31 * 60_000);
      const data = await query<{ items: SessionJson[] }>(t.app, '/api/v1/analytics/sessions?status=expired');
      assert.equal(data.items.length, 3);
      clock.advance(-31 * 60_000);
    });

    it('pages with an opaque cursor until nextCursor is null', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const qs = `limit=1${cursor ? `&cursor=${cursor}` : ''}`;
        const page: { items: SessionJson[]; nextCursor: string | null } = await query(
          t.app,
          `/api/v1/analytics/sessions?${qs}`,
        );
        seen.push(...page.items.map((s) => s.id));
        cursor = page.nextCursor;
      } while (cursor);
      assert.deepEqual(seen, ['gate-session-1', ids.c, ids.b, ids.a]);
    });

    it('refuses bad parameters with 400', async () => {
      assert.deepEqual(await queryError(t.app, '/api/v1/analytics/sessions?limit=1001'), {
        status: 400,
        code: 'INVALID_QUERY',
      });
      assert.deepEqual(await queryError(t.app, '/api/v1/analytics/sessions?limit=0'), {
        status: 400,
        code: 'INVALID_QUERY',
      });
      assert.deepEqual(await queryError(t.app, '/api/v1/analytics/sessions?status=gone'), {
        status: 400,
        code: 'INVALID_QUERY',
      });
      assert.deepEqual(await queryError(t.app, '/api/v1/analytics/sessions?from=yesterday'), {
        status: 400,
        code: 'INVALID_QUERY',
      });
      assert.deepEqual(await queryError(t.app, '/api/v1/analytics/sessions?cursor=bm9wZQ'), {
        status: 400,
        code: 'INVALID_CURSOR',
      });
    });

    it('treats filter values as data, never as SQL', async () => {
      const data = await query<{ items: SessionJson[] }>(
        t.app,
        `/api/v1/analytics/sessions?email=${encodeURIComponent("x' OR '1'='1")}`,
      );
      assert.deepEqual(data.items, []);
    });
  });

  describe('GET /sessions/:id', () => {
    it('returns the session with its timeline of engaged spans', async () => {
      const data = await query<SessionJson & { timeline: { url: string; start: string; end: string }[] }>(
        t.app,
        `/api/v1/analytics/sessions/${ids.b}`,
      );
      assert.equal(data.engagedMs, 60_000);
      assert.deepEqual(data.timeline, [
        {
          url: PRICING,
          start: new Date(T0 + 30_000).toISOString(),
          end: new Date(T0 + 90_000).toISOString(),
        },
      ]);
    });

    it('answers 404 SESSION_NOT_FOUND for an unknown id', async () => {
      assert.deepEqual(await queryError(t.app, '/api/v1/analytics/sessions/nope'), {
        status: 404,
        code: 'SESSION_NOT_FOUND',
      });
    });
  });

  describe('GET /stats', () => {
    it('sums, ranks and buckets engaged time over the range', async () => {
      const data = await query<{
        sessions: number;
        visitors: number;
        engagedMs: { total: number; median: number; p90: number };
        histogram: { le: number | null; count: number }[];
        byDay: { day: string; sessions: number; engagedMs: number }[];
        byPage: { url: string; sessions: number; engagedMs: number }[];
      }>(t.app, '/api/v1/analytics/stats?from=2026-11-22&to=2026-11-24');
      assert.equal(data.sessions, 4);
      assert.equal(data.visitors, 3);
      assert.deepEqual(data.engagedMs, { total: 100_000, median: 10_000, p90: 60_000 });
      assert.deepEqual(data.histogram.slice(0, 3), [
        { le: 10_000, count: 2 },
        { le: 30_000, count: 1 },
        { le: 60_000, count: 1 },
      ]);
      assert.deepEqual(data.byDay, [
        { day: '2026-11-22', sessions: 0, engagedMs: 0 },
        { day: '2026-11-23', sessions: 4, engagedMs: 100_000 },
      ]);
      assert.deepEqual(data.byPage, [
        { url: PRICING, sessions: 1, engagedMs: 60_000 },
        { url: HOME, sessions: 2, engagedMs: 40_000 },
      ]);
    });

    it('narrows to one page or one email', async () => {
      const home = await query<{ sessions: number; engagedMs: { total: number } }>(
        t.app,
        `/api/v1/analytics/stats?from=2026-11-23&to=2026-11-24&url=${encodeURIComponent(HOME)}`,
      );
      assert.equal(home.sessions, 2);
      assert.equal(home.engagedMs.total, 40_000);
      const ana = await query<{ sessions: number; visitors: number }>(
        t.app,
        '/api/v1/analytics/stats?from=2026-11-23&to=2026-11-24&email=ana@example.com',
      );
      assert.deepEqual([ana.sessions, ana.visitors], [1, 1]);
    });

    it('refuses a range that ends before it starts', async () => {
      assert.deepEqual(await queryError(t.app, '/api/v1/analytics/stats?from=2026-11-24&to=2026-11-23'), {
        status: 400,
        code: 'INVALID_QUERY',
      });
    });
  });

  describe('GET /visitors', () => {
    it('totals sessions per email, else per visitor key, most recently seen first', async () => {
      const data = await query<{
        total: number;
        items: { email: string | null; visitorId: string | null; sessions: number; engagedMs: number }[];
      }>(t.app, '/api/v1/analytics/visitors?from=2026-11-23&to=2026-11-24');
      assert.equal(data.total, 3);
      assert.deepEqual(
        data.items.map((v) => [v.email ?? v.visitorId, v.sessions, v.engagedMs]),
        [
          // Ana and visitor-a were last seen at the same instant: the person key breaks the tie.
          ['visitor-a', 2, 40_000],
          ['ana@example.com', 1, 0],
          ['visitor-b', 1, 60_000],
        ],
      );
    });
  });
});

describe('visitors with two tabs open at once', () => {
  it('counts the time of overlapping sessions once', async () => {
    const clock = manualClock(T0);
    const t = await buildTestApp({ DWELL_RATE_LIMIT: 'off' }, { clock: clock.now });
    try {
      const tab1 = await startSession(t.app, { url: HOME, visitorId: 'two-tabs' });
      const tab2 = await startSession(t.app, { url: PRICING, visitorId: 'two-tabs' });
      for (let seq = 1; seq <= 6; seq++) {
        clock.advance(10_000);
        for (const [tab, url] of [
          [tab1, HOME],
          [tab2, PRICING],
        ] as const) {
          const response = await beat(t.app, tab.id, { token: tab.token, seq, engagedMs: 10_000, url });
          assert.equal(response.statusCode, 200);
        }
      }
      // Then the first tab alone for another 20 s.
      for (let seq = 7; seq <= 8; seq++) {
        clock.advance(10_000);
        await beat(t.app, tab1.id, { token: tab1.token, seq, engagedMs: 10_000, url: HOME });
      }
      const data = await query<{ items: { visitorId: string; sessions: number; engagedMs: number }[] }>(
        t.app,
        '/api/v1/analytics/visitors?from=2026-11-23&to=2026-11-24',
      );
      assert.deepEqual(data.items, [
        {
          email: null,
          visitorId: 'two-tabs',
          sessions: 2,
          engagedMs: 80_000,
          firstSeen: new Date(T0).toISOString(),
          lastSeen: new Date(T0 + 80_000).toISOString(),
        },
      ]);
      // Each session still reports its own time.
      const sessions = await query<{ items: SessionJson[] }>(t.app, '/api/v1/analytics/sessions');
      assert.deepEqual(sessions.items.map((s) => s.engagedMs).sort(), [60_000, 80_000]);
    } finally {
      await t.close();
    }
  });

  it('agrees with a recount from raw data after a bulk import', async () => {
    const t = await buildTestApp({ DWELL_RATE_LIMIT: 'off' });
    try {
      const from = Date.parse('2026-11-01T00:00:00Z');
      const sessions = [...generateSessions({ count: 2_000, from, to: from + 7 * 86_400_000, seed: 7 })];
      await t.store.importSessions(sessions);
      const stats = await query<{ sessions: number; visitors: number; engagedMs: { total: number } }>(
        t.app,
        '/api/v1/analytics/stats?from=2026-11-01&to=2026-11-08',
      );
      assert.equal(stats.sessions, 2_000);
      assert.equal(
        stats.engagedMs.total,
        sessions.reduce((sum, s) => sum + s.engagedMs, 0),
      );
      const people = new Set(sessions.map((s) => s.email ?? s.visitorId));
      assert.equal(stats.visitors, people.size);
      const visitors = await query<{ total: number }>(
        t.app,
        '/api/v1/analytics/visitors?from=2026-11-01&to=2026-11-08',
      );
      assert.equal(visitors.total, people.size);
      // A three-day window: distinct people of those days only.
      const window = sessions.filter(
        (s) => s.startedAt >= from + 86_400_000 && s.startedAt < from + 4 * 86_400_000,
      );
      const mid = await query<{ visitors: number; sessions: number }>(
        t.app,
        '/api/v1/analytics/stats?from=2026-11-02&to=2026-11-05',
      );
      assert.equal(mid.sessions, window.length);
      assert.equal(mid.visitors, new Set(window.map((s) => s.email ?? s.visitorId)).size);
    } finally {
      await t.close();
    }
  });
});

describe('query API: the three clocks', () => {
  it('reports duration (open), visibleMs and engagedMs per session and per page; null where unknown', async () => {
    const clock = manualClock(T0);
    const t = await buildTestApp({ DWELL_RATE_LIMIT: 'off' }, { clock: clock.now });
    try {
      const { id, token } = await startSession(t.app, { url: HOME });
      clock.advance(20_000);
      await beat(t.app, id, { token, seq: 1, engagedMs: 5_000, visibleMs: 15_000, url: HOME });
      clock.advance(10_000);
      await beat(t.app, id, { token, seq: 2, engagedMs: 2_000, visibleMs: 4_000, url: PRICING, final: true });
      const s = await query<SessionJson>(t.app, `/api/v1/analytics/sessions/${id}`);
      assert.deepEqual([s.engagedMs, s.visibleMs, s.duration], [7_000, 19_000, 30]);
      assert.deepEqual(
        s.pages.map((p) => [p.url, p.engagedMs, p.visibleMs]),
        [
          [HOME, 5_000, 15_000],
          [PRICING, 2_000, 4_000],
        ],
      );
      const listed = await query<{ items: SessionJson[] }>(t.app, '/api/v1/analytics/sessions');
      assert.deepEqual(listed.items[0]?.pages, s.pages);
      // A session imported as stored before visible time was measured: unknown, never invented.
      await t.store.importSessions([
        {
          id: 'old-session',
          startedAt: T0 - 60_000,
          lastActivityAt: T0 - 30_000,
          endedAt: null,
          engagedMs: 10_000,
          beats: 2,
          email: null,
          visitorId: 'old',
          entryUrl: HOME,
          referrer: null,
          screen: null,
          lang: null,
          pages: [{ url: HOME, engagedMs: 10_000, maxScroll: null }],
          spans: [],
        },
      ]);
      const old = await query<SessionJson>(t.app, '/api/v1/analytics/sessions/old-session');
      assert.equal(old.visibleMs, null);
      assert.equal(old.pages[0]?.visibleMs, null);
      assert.equal(old.duration, 30);
    } finally {
      await t.close();
    }
  });
});
