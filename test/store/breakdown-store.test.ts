// Breakdowns by origin (issue #24) on both engines: for any sessions, each dimension's rows are the
// sessions grouped by that value — sessions, distinct people, engaged time (total and nearest-rank
// median of whole seconds) and engaged sessions — whatever the filters, and every session of the
// range is in exactly one row. The days are read from built segments, from stale ones' sessions and
// from unbuilt days' sessions at once: sessions arrive in two batches with segments built between
// (and some rebuilt after), and pages of any size add up to the whole answer.

import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { AccountingRules } from '../../src/accounting/credit-beat.ts';
import { DIMENSIONS, type Dimension, ENGAGED_SESSION_MS, NONE } from '../../src/store/breakdown-types.ts';
import type { ImportedSession } from '../../src/store/query-types.ts';
import type { SessionOrigin } from '../../src/store/types.ts';
import { countRows, engines } from './engines.ts';

const rules: AccountingRules = { intervalMs: 1_000, timeoutMs: 60_000, toleranceMs: 200 };
const D = Date.UTC(2026, 10, 2);
const DAY = 86_400_000;
const site = { pk: 1, timeZone: 'UTC' };

const pick = <T>(values: readonly T[]) => fc.constantFrom(...values);
const originArb = fc.record({
  source: pick(['Google', 'Hacker News', 'newsletter', null]),
  referrerHost: pick(['google.com', 'news.ycombinator.com', null]),
  campaign: pick(['launch', 'spring', null]),
  device: pick(['desktop', 'mobile', null]),
  country: pick(['DE', 'US', 'FR', null]),
  entry: pick(['/', '/pricing', '/blog/a']),
});
const sessionArb = fc.record({
  origin: originArb,
  person: fc.integer({ min: 0, max: 5 }),
  day: fc.integer({ min: 0, max: 3 }),
  seconds: fc.integer({ min: 0, max: 40 }),
});

type Generated = {
  origin: {
    source: string | null;
    referrerHost: string | null;
    campaign: string | null;
    device: string | null;
    country: string | null;
    entry: string;
  };
  person: number;
  day: number;
  seconds: number;
};

function toOrigin(o: Generated['origin']): SessionOrigin {
  return {
    source: o.source,
    sourceCategory: o.source ? 'other-site' : 'direct',
    referrerHost: o.referrerHost,
    utm: {
      source: o.source === 'newsletter' ? 'newsletter' : null,
      medium: null,
      campaign: o.campaign,
      content: null,
      term: null,
    },
    entryPath: o.entry,
    device: o.device,
    browser: o.device ? 'Firefox' : null,
    os: null,
    country: o.country,
    region: null,
  };
}

const dimensionValue = (s: SessionOrigin, by: Dimension): string | null =>
  ({
    source: s.source,
    referrer: s.referrerHost,
    utm_source: s.utm.source,
    utm_medium: s.utm.medium,
    utm_campaign: s.utm.campaign,
    utm_content: s.utm.content,
    utm_term: s.utm.term,
    entry: s.entryPath,
    device: s.device,
    browser: s.browser,
    os: s.os,
    country: s.country,
  })[by];

function median(seconds: number[]): number {
  const sorted = [...seconds].sort((a, b) => a - b);
  return (sorted[Math.max(0, Math.ceil(0.5 * sorted.length) - 1)] ?? 0) * 1000;
}

for (const engine of await engines()) {
  describe(`breakdowns: ${engine.name}`, { skip: engine.skip }, () => {
    it('group every session of the range by its value, with any filter', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(sessionArb, { minLength: 1, maxLength: 30 }),
          pick(DIMENSIONS),
          pick([undefined, 'DE', NONE]),
          fc.nat(),
          fc.integer({ min: 1, max: 4 }),
          fc.integer({ min: 0, max: 2 }),
          fc.integer({ min: 1, max: 3 }),
          async (generated, by, country, split, pageSize, rebuilt, pageRows) => {
            const opened = await engine.open(rules);
            try {
              const sessions: ImportedSession[] = generated.map((g, i) => ({
                id: `s${i}`,
                site,
                origin: toOrigin(g.origin),
                startedAt: D + g.day * DAY + i * 1000,
                lastActivityAt: D + g.day * DAY + i * 1000 + g.seconds * 1000,
                endedAt: null,
                engagedMs: g.seconds * 1000 + 123,
                beats: 1,
                email: null,
                visitorId: `v${g.person}`,
                entryUrl: `https://a.test${g.origin.entry}`,
                referrer: null,
                screen: null,
                lang: null,
                pages: [],
                spans: [],
              }));
              const first = split % (sessions.length + 1);
              await opened.store.importSessions(sessions.slice(0, first));
              // Days built from pages of 1–3 sessions: paged or not, the columns are the same.
              const built = await opened.store.buildBreakdowns({ includeToday: true, pageRows });
              assert.equal(built, new Set(generated.slice(0, first).map((g) => g.day)).size);
              assert.equal(await countRows(opened.store, 'breakdown_days'), built);
              await opened.store.importSessions(sessions.slice(first));
              await opened.store.buildBreakdowns({ includeToday: true, limit: rebuilt, pageRows });
              const filter = country === undefined ? undefined : { country };
              const query = { site, by, from: D, to: D + 4 * DAY, filter };
              const breakdown = await opened.store.getBreakdown({ ...query, limit: 1000 });
              const pages = [];
              let cursor: string | undefined;
              do {
                const page = await opened.store.getBreakdown({ ...query, limit: pageSize, cursor });
                pages.push(...page.items);
                cursor = page.nextCursor ?? undefined;
              } while (cursor);
              assert.deepEqual(pages, breakdown.items, 'pages add up to the whole answer');
              const kept = sessions.filter((s) =>
                country === undefined
                  ? true
                  : country === NONE
                    ? s.origin!.country === null
                    : s.origin!.country === country,
              );
              const expected = new Map<string | null, ImportedSession[]>();
              for (const s of kept) {
                const value = dimensionValue(s.origin!, by);
                expected.set(value, [...(expected.get(value) ?? []), s]);
              }
              assert.equal(breakdown.items.length, expected.size);
              for (const row of breakdown.items) {
                const group = expected.get(row.value)!;
                assert.ok(group, `${by}=${row.value}`);
                assert.equal(row.sessions, group.length);
                assert.equal(row.visitors, new Set(group.map((s) => s.visitorId)).size);
                assert.equal(
                  row.engagedMs.total,
                  group.reduce((n, s) => n + s.engagedMs, 0),
                );
                assert.equal(row.engagedMs.median, median(group.map((s) => Math.floor(s.engagedMs / 1000))));
                assert.equal(
                  row.engagedSessions,
                  group.filter((s) => s.engagedMs >= ENGAGED_SESSION_MS).length,
                );
              }
              const totals = breakdown.items.map((r) => r.engagedMs.total);
              assert.deepEqual(
                totals,
                [...totals].sort((a, b) => b - a),
                'most engaged first',
              );
            } finally {
              await opened.dispose();
            }
          },
        ),
        { numRuns: 15 },
      );
    });

    it('lets two instances build the same days at once', async () => {
      const opened = await engine.openPair(rules);
      try {
        const [a, b] = opened.store;
        await a.importSessions(
          Array.from({ length: 40 }, (_, i) => ({
            id: `s${i}`,
            site,
            origin: toOrigin({
              source: i % 3 ? 'Google' : null,
              referrerHost: null,
              campaign: null,
              device: 'desktop',
              country: i % 2 ? 'DE' : 'US',
              entry: '/',
            }),
            startedAt: D + (i % 4) * DAY + i * 1000,
            lastActivityAt: D + (i % 4) * DAY + i * 1000 + 5_000,
            endedAt: null,
            engagedMs: 1_000 * i,
            beats: 1,
            email: null,
            visitorId: `v${i % 7}`,
            entryUrl: 'https://a.test/',
            referrer: null,
            screen: null,
            lang: null,
            pages: [],
            spans: [],
          })),
        );
        const query = { site, by: 'country' as const, from: D, to: D + 4 * DAY, limit: 10 };
        const scanned = await a.getBreakdown(query);
        const built = await Promise.all([
          a.buildBreakdowns({ includeToday: true }),
          b.buildBreakdowns({ includeToday: true }),
        ]);
        assert.ok(built[0] + built[1] >= 4);
        assert.equal(await countRows(a, 'breakdown_days'), 4);
        assert.deepEqual(await b.getBreakdown(query), scanned);
      } finally {
        await opened.dispose();
      }
    });

    it("reads a day from its sessions once a beat changed it after its segment was built, and a purge takes the segment's data away", async () => {
      const opened = await engine.open(rules);
      const store = opened.store;
      const hash = (token: string) => createHash('sha256').update(token).digest();
      const id = randomUUID();
      try {
        await store.createSession({
          site,
          id,
          tokenHash: hash(id),
          email: null,
          visitorId: 'v1',
          entryUrl: 'https://a.test/?utm_source=newsletter',
          referrer: null,
          screen: null,
          lang: null,
          origin: toOrigin({
            source: 'newsletter',
            referrerHost: null,
            campaign: 'launch',
            device: 'desktop',
            country: 'DE',
            entry: '/',
          }),
        });
        await new Promise((resolve) => setTimeout(resolve, 1_100));
        const beat = (seq: number, engagedMs: number) =>
          store.recordBeat({ sessionId: id, tokenHash: hash(id), seq, engagedMs, url: 'https://a.test/' });
        assert.equal((await beat(1, 1_000)).kind, 'accepted');
        const range = {
          site,
          by: 'source' as const,
          from: Date.now() - DAY,
          to: Date.now() + DAY,
          limit: 10,
        };
        const before = (await store.getBreakdown(range)).items;
        assert.equal(await store.buildBreakdowns({ includeToday: true }), 1);
        assert.deepEqual(
          (await store.getBreakdown(range)).items,
          before,
          'the segment says what the sessions said',
        );
        await new Promise((resolve) => setTimeout(resolve, 1_100));
        assert.equal((await beat(2, 1_000)).kind, 'accepted');
        const after = (await store.getBreakdown(range)).items;
        assert.equal(after[0]!.value, 'newsletter');
        assert.ok(after[0]!.engagedMs.total > before[0]!.engagedMs.total, 'the later beat counts');
        assert.equal(await countRows(store, 'breakdown_days'), 1, 'the stale segment stays until rebuilt');
        await store.purgeSessions(Date.now() + DAY);
        assert.equal(await countRows(store, 'breakdown_days'), 0, 'purged with its sessions');
        assert.deepEqual((await store.getBreakdown(range)).items, []);
      } finally {
        await opened.dispose();
      }
    });
  });
}
