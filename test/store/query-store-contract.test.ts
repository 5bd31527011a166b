// The QueryStore contract on every engine: the same fixture (written through importSessions, so
// times are exact) must give the same lists, visitors, stats, exports and purges on SQLite and
// PostgreSQL.

import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import type { AccountingRules } from '../../src/accounting/credit-beat.ts';
import { CSV_COLUMNS, csvHeader, csvRow } from '../../src/query/present.ts';
import type { PostgresStore } from '../../src/store/engines/postgres/store.ts';
import type { SqliteStore } from '../../src/store/engines/sqlite/store.ts';
import { type ImportedSession, InvalidCursorError, type SessionFilter } from '../../src/store/query-types.ts';
import { countRows, engines } from './engines.ts';

const rules: AccountingRules = { intervalMs: 1_000, timeoutMs: 60_000, toleranceMs: 200 };
const DAY = 86_400_000;
const HOUR = 3_600_000;
const D = Date.UTC(2026, 10, 20);

type AnyStore = SqliteStore | PostgresStore;

function imported(
  name: string,
  at: number,
  seconds: number,
  who: { email?: string; visitorId: string },
  pages: [url: string, seconds: number][],
  options: { ended?: boolean; lastAt?: number } = {},
): ImportedSession {
  let cursor = at;
  const spans = pages.map(([url, s]) => {
    const span = { url, start: cursor, end: cursor + s * 1000 };
    cursor = span.end;
    return span;
  });
  const lastActivityAt = options.lastAt ?? at + seconds * 1000;
  return {
    id: `${name}-${randomUUID()}`,
    startedAt: at,
    lastActivityAt,
    endedAt: options.ended ? lastActivityAt : null,
    engagedMs: seconds * 1000,
    beats: seconds,
    email: who.email ?? null,
    visitorId: who.visitorId,
    entryUrl: pages[0]?.[0] ?? null,
    referrer: null,
    screen: null,
    lang: null,
    pages: pages.map(([url, s]) => ({ url, engagedMs: s * 1000, maxScroll: null })),
    spans,
  };
}

/** Five sessions: two overlapping ones of one email, a visitor key, the next day, and an old one. */
function fixture() {
  const a1 = imported(
    'a1',
    D + HOUR,
    50,
    { email: 'a@x.test', visitorId: 'va' },
    [
      ['/p1', 30],
      ['/p2', 20],
    ],
    { ended: true, lastAt: D + HOUR + 60_000 },
  );
  // Opened in a second tab 10 s after a1: 10–40 s overlaps a1's 0–50 s.
  const a2: ImportedSession = {
    ...imported('a2', D + HOUR + 10_000, 30, { email: 'a@x.test', visitorId: 'va' }, [['/p1', 30]]),
  };
  const b1 = imported('b1', D + 2 * HOUR, 12, { visitorId: 'vb' }, [['/p2', 12]], { ended: true });
  const c1 = imported('c1', D + DAY + 5 * HOUR, 5, { visitorId: 'vc' }, [['/p1', 5]]);
  const old = imported('old', D - 10 * DAY, 3, { visitorId: 'vo' }, [['/p3', 3]]);
  return { a1, a2, b1, c1, old };
}

async function listAll(store: AnyStore, filter: SessionFilter, limit = 2): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 20; guard++) {
    const page = await store.listSessions(filter, limit, cursor);
    assert.ok(page.items.length <= limit);
    ids.push(...page.items.map((s) => s.id));
    if (page.nextCursor === null) return ids;
    cursor = page.nextCursor;
  }
  throw new Error('pagination did not end');
}

for (const engine of await engines()) {
  describe(`query store contract: ${engine.name}`, { skip: engine.skip }, () => {
    const withFixture =
      (run: (store: AnyStore, f: ReturnType<typeof fixture>) => Promise<void>) => async () => {
        const opened = await engine.open(rules);
        try {
          const f = fixture();
          assert.equal(await opened.store.importSessions([f.old, f.a1, f.a2, f.b1, f.c1]), 5);
          await run(opened.store, f);
        } finally {
          await opened.dispose();
        }
      };

    it(
      'lists sessions newest first through the cursor, with every filter',
      withFixture(async (store, { a1, a2, b1, c1, old }) => {
        assert.deepEqual(await listAll(store, {}), [c1.id, b1.id, a2.id, a1.id, old.id]);
        assert.deepEqual(await listAll(store, {}, 100), [c1.id, b1.id, a2.id, a1.id, old.id]);
        assert.deepEqual(await listAll(store, { email: 'a@x.test' }), [a2.id, a1.id]);
        assert.deepEqual(await listAll(store, { visitorId: 'vb' }), [b1.id]);
        assert.deepEqual(await listAll(store, { url: '/p2' }), [b1.id, a1.id]);
        assert.deepEqual(await listAll(store, { from: D, to: D + DAY }), [b1.id, a2.id, a1.id]);
        const now = c1.lastActivityAt + 1_000;
        assert.deepEqual(await listAll(store, { status: 'ended', now, timeoutMs: 60_000 }), [b1.id, a1.id]);
        assert.deepEqual(await listAll(store, { status: 'active', now, timeoutMs: 60_000 }), [c1.id]);
        assert.deepEqual(await listAll(store, { status: 'expired', now, timeoutMs: 60_000 }), [
          a2.id,
          old.id,
        ]);
        assert.deepEqual(
          await listAll(store, { email: "a@x.test' OR '1'='1" }),
          [],
          'filters are bound, not spliced',
        );

        const [first] = (await store.listSessions({ email: 'a@x.test' }, 2)).items.slice(1);
        assert.equal(first?.id, a1.id);
        // Imported like rows stored before Dwell measured visible time: unknown, not invented.
        assert.equal(first?.visibleMs, null);
        assert.deepEqual(first?.pages, [
          { url: '/p1', engagedMs: 30_000, visibleMs: null, maxScroll: null },
          { url: '/p2', engagedMs: 20_000, visibleMs: null, maxScroll: null },
        ]);
        assert.equal(first?.endedAt, a1.lastActivityAt);
        assert.equal(first?.currentUrl, '/p2');
        await assert.rejects(store.listSessions({}, 2, 'bm90LWEtY3Vyc29y'), InvalidCursorError);
      }),
    );

    // PostgreSQL only: SQLite gathers its own (PRAGMA optimize, engines/sqlite/connect.ts).
    if (engine.name === 'postgres')
      it(
        'leaves the planner fresh statistics after a bulk import',
        withFixture(async (store) => {
          const { rows } = await (store as PostgresStore).pool.query<{ relname: string }>(
            `SELECT relname FROM pg_stat_user_tables
           WHERE schemaname = current_schema() AND last_analyze IS NOT NULL ORDER BY relname`,
          );
          // The rollups and their queues too: the import's deltas are folded and vacuumed at once.
          assert.deepEqual(
            rows.map((r) => r.relname),
            [
              'rollup_days',
              'rollup_durations',
              'rollup_first_days',
              'rollup_pages',
              'rollup_pages_pending',
              'rollup_pending',
              'rollup_visitor_days',
              'session_pages',
              'session_sections',
              'sessions',
              'spans',
            ],
          );
        }),
      );

    it(
      'reads one session with its timeline in time order',
      withFixture(async (store, { a1 }) => {
        const read = await store.getSession(a1.id);
        assert.deepEqual(read?.timeline, a1.spans);
        assert.equal(read?.engagedMs, 50_000);
        assert.equal(read?.email, 'a@x.test');
      }),
    );

    it(
      'lists visitors most recent first, counting overlapping sessions of one person once',
      withFixture(async (store) => {
        const list = await store.listVisitors({
          site: { pk: 1, timeZone: 'UTC' },
          from: D,
          to: D + 2 * DAY,
          limit: 10,
        });
        assert.equal(list.total, 3);
        assert.equal(list.nextCursor, null);
        assert.deepEqual(list.items, [
          {
            email: null,
            visitorId: 'vc',
            sessions: 1,
            engagedMs: 5_000,
            firstSeen: D + DAY + 5 * HOUR,
            lastSeen: D + DAY + 5 * HOUR + 5_000,
          },
          {
            email: null,
            visitorId: 'vb',
            sessions: 1,
            engagedMs: 12_000,
            firstSeen: D + 2 * HOUR,
            lastSeen: D + 2 * HOUR + 12_000,
          },
          // 50 s + 30 s of sessions, 30 s of which in both tabs at once: 50 s engaged.
          {
            email: 'a@x.test',
            visitorId: null,
            sessions: 2,
            engagedMs: 50_000,
            firstSeen: D + HOUR,
            lastSeen: D + HOUR + 60_000,
          },
        ]);
        const paged: (string | null)[] = [];
        let cursor: string | undefined;
        do {
          const page = await store.listVisitors({
            site: { pk: 1, timeZone: 'UTC' },
            from: D,
            to: D + 2 * DAY,
            limit: 1,
            cursor,
          });
          assert.equal(page.total, 3);
          paged.push(...page.items.map((v) => v.email ?? v.visitorId));
          cursor = page.nextCursor ?? undefined;
        } while (cursor !== undefined);
        assert.deepEqual(paged, ['vc', 'vb', 'a@x.test']);
        assert.equal(
          (
            await store.listVisitors({
              site: { pk: 1, timeZone: 'UTC' },
              from: D + DAY,
              to: D + 2 * DAY,
              limit: 10,
            })
          ).total,
          1,
        );
        await assert.rejects(
          store.listVisitors({
            site: { pk: 1, timeZone: 'UTC' },
            from: D,
            to: D + DAY,
            limit: 1,
            cursor: 'eA',
          }),
          InvalidCursorError,
        );
      }),
    );

    it(
      'computes stats: totals, percentiles, histogram, days and pages, filtered or not',
      withFixture(async (store) => {
        const stats = await store.getStats({ from: D, to: D + 2 * DAY });
        assert.deepEqual(stats, {
          sessions: 4,
          visitors: 3,
          engagedMs: { total: 97_000, median: 12_000, p90: 50_000 },
          histogram: [
            { le: 10_000, count: 1 },
            { le: 30_000, count: 2 },
            { le: 60_000, count: 1 },
            { le: 120_000, count: 0 },
            { le: 300_000, count: 0 },
            { le: 600_000, count: 0 },
            { le: 1_800_000, count: 0 },
            { le: null, count: 0 },
          ],
          byDay: [
            { day: '2026-11-20', sessions: 3, engagedMs: 92_000 },
            { day: '2026-11-21', sessions: 1, engagedMs: 5_000 },
          ],
          byPage: [
            { url: '/p1', sessions: 3, engagedMs: 65_000 },
            { url: '/p2', sessions: 2, engagedMs: 32_000 },
          ],
        });
        const ana = await store.getStats({ from: D, to: D + 2 * DAY, email: 'a@x.test' });
        assert.equal(ana.sessions, 2);
        assert.equal(ana.visitors, 1);
        assert.equal(ana.engagedMs.total, 80_000);
        const page = await store.getStats({ from: D, to: D + 2 * DAY, url: '/p2' });
        assert.equal(page.sessions, 2);
        assert.equal(page.engagedMs.total, 32_000);
        assert.deepEqual(page.byPage, [{ url: '/p2', sessions: 2, engagedMs: 32_000 }]);
        const empty = await store.getStats({ from: D + 5 * DAY, to: D + 6 * DAY });
        assert.equal(empty.sessions, 0);
        assert.deepEqual(empty.engagedMs, { total: 0, median: 0, p90: 0 });
      }),
    );

    it('sums engaged time and reach per section of a page, for the period and for one person', async () => {
      const opened = await engine.open(rules);
      const store = opened.store;
      try {
        const tokenHash = createHash('sha256').update('token').digest();
        const visits: [email: string | null, url: string, sections: [string, number, number][]][] = [
          [
            'joe@x.test',
            '/deck',
            [
              ['intro', 100, 0],
              ['pricing', 200, 2],
            ],
          ],
          [
            'ana@x.test',
            '/deck',
            [
              ['intro', 150, 0],
              ['team', 50, 1],
            ],
          ],
          [null, '/deck', []],
          ['joe@x.test', '/other', [['intro', 300, 0]]],
        ];
        const ids = visits.map(() => randomUUID());
        for (const [i, [email, url]] of visits.entries()) {
          await store.createSession({
            id: ids[i]!,
            tokenHash,
            email,
            visitorId: `v${i}`,
            entryUrl: url,
            referrer: null,
            screen: null,
            lang: null,
          });
        }
        await new Promise((resolve) => setTimeout(resolve, 400));
        for (const [i, [, url, sections]] of visits.entries()) {
          const result = await store.recordBeat({
            sessionId: ids[i]!,
            tokenHash,
            seq: 1,
            engagedMs: 300,
            url,
            sections: sections.map(([name, engagedMs, position]) => ({ name, engagedMs, position })),
          });
          assert.equal(result.kind, 'accepted');
        }
        const now = await store.now();
        const range = { url: '/deck', from: now - DAY, to: now + 1 };
        assert.deepEqual(await store.getPageSections(range), {
          url: '/deck',
          sessions: 3,
          sections: [
            { name: 'intro', position: 0, engagedMs: 250, sessions: 2, reach: 2 / 3 },
            { name: 'team', position: 1, engagedMs: 50, sessions: 1, reach: 1 / 3 },
            { name: 'pricing', position: 2, engagedMs: 200, sessions: 1, reach: 1 / 3 },
          ],
        });
        assert.deepEqual(await store.getPageSections({ ...range, email: 'joe@x.test' }), {
          url: '/deck',
          sessions: 1,
          sections: [
            { name: 'intro', position: 0, engagedMs: 100, sessions: 1, reach: 1 },
            { name: 'pricing', position: 2, engagedMs: 200, sessions: 1, reach: 1 },
          ],
        });
        // The list and the export give each page its sections, in page order.
        const joeSections = [
          { name: 'intro', engagedMs: 100 },
          { name: 'pricing', engagedMs: 200 },
        ];
        const [joe] = (await store.listSessions({ email: 'joe@x.test', url: '/deck' }, 10)).items;
        assert.deepEqual(joe?.pages[0]?.sections, joeSections);
        for await (const batch of store.exportSessions({ email: 'joe@x.test', url: '/deck' }))
          assert.deepEqual(batch[0]?.pages[0]?.sections, joeSections);
        const nobody = { url: '/deck', sessions: 0, sections: [] };
        assert.deepEqual(await store.getPageSections({ ...range, email: "joe@x.test' OR '1'='1" }), nobody);
        assert.deepEqual(
          await store.getPageSections({ ...range, from: now - 9 * DAY, to: now - 8 * DAY }),
          nobody,
        );
      } finally {
        await opened.dispose();
      }
    });

    it('lists and exports the three clocks: engaged and visible time per session and page, null where unknown', async () => {
      const opened = await engine.open(rules);
      const store = opened.store;
      try {
        const tokenHash = createHash('sha256').update('clocks').digest();
        const id = randomUUID();
        await store.createSession({
          id,
          tokenHash,
          email: 'clocks@x.test',
          visitorId: 'clocks',
          entryUrl: '/a',
          referrer: null,
          screen: null,
          lang: null,
        });
        await new Promise((resolve) => setTimeout(resolve, 600));
        for (const [seq, url, engagedMs, visibleMs] of [
          [1, '/a', 200, 300],
          [2, '/b', 100, 250],
        ] as const) {
          const result = await store.recordBeat({ sessionId: id, tokenHash, seq, engagedMs, visibleMs, url });
          assert.equal(result.kind, 'accepted');
        }
        const pages = [
          { url: '/a', engagedMs: 200, visibleMs: 300, maxScroll: null },
          { url: '/b', engagedMs: 100, visibleMs: 250, maxScroll: null },
        ];
        const [listed] = (await store.listSessions({ email: 'clocks@x.test' }, 10)).items;
        assert.equal(listed?.engagedMs, 300);
        assert.equal(listed?.visibleMs, 550);
        assert.deepEqual(listed?.pages, pages);
        for await (const batch of store.exportSessions({ email: 'clocks@x.test' })) {
          assert.equal(batch[0]?.visibleMs, 550);
          assert.deepEqual(batch[0]?.pages, pages);
        }
        // The CSV fast path writes the same row as csvRow, visibleMs beside engagedMs.
        const now = await store.now();
        const context = { now, timeoutMs: rules.timeoutMs };
        let csv = '';
        for await (const chunk of store.exportSessionsCsv!({ email: 'clocks@x.test' }, context)) csv += chunk;
        assert.equal(csv, csvRow(listed!, now, rules.timeoutMs));
        const row = Object.fromEntries(
          csv
            .trim()
            .split(',')
            .map((v, i) => [CSV_COLUMNS[i], v]),
        );
        assert.equal(row.engagedMs, '300');
        assert.equal(row.visibleMs, '550');
        assert.match(csvHeader(), /,engagedMs,visibleMs,duration,/);
      } finally {
        await opened.dispose();
      }
    });

    it('imports sections in page order, leaving out the unread ones', async () => {
      const opened = await engine.open(rules);
      try {
        const deck = imported('deck', D + HOUR, 30, { visitorId: 'vd' }, [['/deck', 30]]);
        deck.pages[0]!.sections = [
          { name: 'intro', engagedMs: 10_000 },
          { name: 'skipped', engagedMs: 0 },
          { name: 'pricing', engagedMs: 15_000 },
        ];
        await opened.store.importSessions([deck]);
        assert.deepEqual(await opened.store.getPageSections({ url: '/deck', from: D, to: D + DAY }), {
          url: '/deck',
          sessions: 1,
          sections: [
            { name: 'intro', position: 0, engagedMs: 10_000, sessions: 1, reach: 1 },
            { name: 'pricing', position: 2, engagedMs: 15_000, sessions: 1, reach: 1 },
          ],
        });
      } finally {
        await opened.dispose();
      }
    });

    it('keeps stats and visitors in step with live beats, two tabs of one visitor counted once', async () => {
      const opened = await engine.open(rules);
      const store = opened.store;
      try {
        const ids = [randomUUID(), randomUUID(), randomUUID()];
        const visitors = ['two-tabs', 'two-tabs', 'solo'];
        for (const [i, id] of ids.entries()) {
          await store.createSession({
            id,
            tokenHash: null,
            email: null,
            visitorId: visitors[i]!,
            entryUrl: '/x',
            referrer: null,
            screen: null,
            lang: null,
          });
        }
        await new Promise((resolve) => setTimeout(resolve, 400));
        // Legacy (token-less) beats, all in one batch: the two tabs are engaged at the same moment.
        const results = await Promise.all(
          ids.map((sessionId) => store.recordBeat({ sessionId, seq: 1, engagedMs: 300, url: '/x' })),
        );
        assert.ok(results.every((r) => r.kind === 'accepted'));
        const now = await store.now();
        const stats = await store.getStats({ from: now - DAY, to: now + 1 });
        assert.equal(stats.sessions, 3);
        assert.equal(stats.visitors, 2);
        assert.equal(stats.engagedMs.total, 900);
        assert.deepEqual(stats.byPage, [{ url: '/x', sessions: 3, engagedMs: 900 }]);
        const list = await store.listVisitors({
          site: { pk: 1, timeZone: 'UTC' },
          from: now - DAY,
          to: now + 1,
          limit: 10,
        });
        assert.equal(list.total, 2);
        const twoTabs = list.items.find((v) => v.visitorId === 'two-tabs');
        assert.equal(twoTabs?.sessions, 2);
        assert.equal(twoTabs?.engagedMs, 300, 'the same 300 ms in both tabs counts once');
      } finally {
        await opened.dispose();
      }
    });

    it(
      'lists live sessions: open ones with a recent beat, most recent first',
      withFixture(async (store) => {
        const id = randomUUID();
        await store.createSession({
          id,
          tokenHash: null,
          email: null,
          visitorId: 'live',
          entryUrl: '/now',
          referrer: null,
          screen: null,
          lang: null,
        });
        const now = await store.now();
        const live = await store.listLiveSessions(now - 60_000, 10);
        assert.deepEqual(
          live.map((s) => [s.id, s.url, s.visitorId]),
          [[id, '/now', 'live']],
        );
      }),
    );

    it(
      'purges exactly the sessions inactive before the cutoff, with their pages and spans',
      withFixture(async (store, f) => {
        const straddle = imported('straddle', D - HOUR, 10, { visitorId: 'vs' }, [['/p4', 10]], {
          lastAt: D + 10 * 60_000,
        });
        await store.importSessions([straddle]);
        const pagesBefore = await countRows(store, 'session_pages');
        const spansBefore = await countRows(store, 'spans');
        assert.equal(await store.purgeSessions(D), 1);
        assert.equal(await store.getSession(f.old.id), null);
        assert.notEqual(await store.getSession(straddle.id), null, 'active after the cutoff: kept');
        assert.equal(await countRows(store, 'sessions'), 5);
        assert.equal(await countRows(store, 'session_pages'), pagesBefore - 1);
        assert.equal(await countRows(store, 'spans'), spansBefore - 1);
        const oldDay = await store.getStats({ from: D - 10 * DAY, to: D - 9 * DAY });
        assert.equal(oldDay.sessions, 0);
        assert.deepEqual(oldDay.byPage, []);
        assert.equal(await store.purgeSessions(D), 0);
      }),
    );

    it(
      'exports every session of a filter oldest first, in bounded batches',
      withFixture(async (store, f) => {
        const many = Array.from({ length: 6_000 }, (_, i) =>
          imported(`bulk${i}`, D + 3 * DAY + i * 1_000, 1, { visitorId: `bulk${i % 50}` }, [['/bulk', 1]]),
        );
        assert.equal(await store.importSessions(many), 6_000);
        let count = 0;
        let batches = 0;
        let previous = Number.NEGATIVE_INFINITY;
        const seen = new Set<string>();
        for await (const batch of store.exportSessions({}, { pages: false })) {
          batches++;
          assert.ok(batch.length > 0 && batch.length <= 5_000, `batch of ${batch.length}`);
          for (const s of batch) {
            assert.ok(s.startedAt >= previous, 'oldest first');
            assert.deepEqual(s.pages, []);
            previous = s.startedAt;
            seen.add(s.id);
            count++;
          }
        }
        assert.equal(count, 6_005);
        assert.equal(seen.size, 6_005);
        assert.ok(batches >= 2, 'streamed in more than one batch');

        const ana: string[] = [];
        for await (const batch of store.exportSessions({ email: 'a@x.test' })) {
          for (const s of batch) {
            ana.push(s.id);
            assert.ok(s.pages.length > 0);
          }
        }
        assert.deepEqual(ana, [f.a1.id, f.a2.id]);
        let inRange = 0;
        for await (const batch of store.exportSessions({ from: D + 3 * DAY, to: D + 3 * DAY + 10_000 }))
          inRange += batch.length;
        assert.equal(inRange, 10);

        // The engine's CSV rows are byte for byte csvRow's, escaping and formula defusing included.
        const at = D + 4 * DAY;
        await store.importSessions([
          {
            ...imported('q1', at, 12, { email: 'o"brien,jr@example.com', visitorId: 'q' }, [
              ['=HYPERLINK("x")', 12],
            ]),
            referrer: 'line\nbreak',
          },
          {
            ...imported('q2', at + 1_000, 7, { visitorId: 'q2' }, [['https://site.test/a,b', 7]], {
              ended: true,
            }),
            referrer: '@mention',
          },
          {
            ...imported('q3', at + 2_000, 0, { email: '-minus@example.com', visitorId: 'q3' }, []),
            referrer: '\tx',
          },
        ]);
        const context = { now: at + 30_000, timeoutMs: 20_000 };
        for (const filter of [{}, { email: 'o"brien,jr@example.com' }, { from: at, to: at + 10_000 }]) {
          let expected = '';
          for await (const batch of store.exportSessions(filter, { pages: false }))
            for (const s of batch) expected += csvRow(s, context.now, context.timeoutMs);
          let actual = '';
          for await (const chunk of store.exportSessionsCsv(filter, context)) actual += chunk;
          assert.equal(actual, expected, `CSV of ${JSON.stringify(filter)}`);
        }
      }),
    );
  });
}
