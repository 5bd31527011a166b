// The visitors list is one query for both engines (src/store/queries/list-visitors.ts): on the
// same data, SQLite and PostgreSQL must give the same people, totals and pages, whatever the range
// and page size. The data mixes emails and visitor keys, people seen on several days, and sessions
// of one person that overlap (two tabs) and that do not.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { AccountingRules } from '../../src/accounting/credit-beat.ts';
import type { ImportedSession, VisitorList } from '../../src/store/query-types.ts';
import { engines } from './engines.ts';

const rules: AccountingRules = { intervalMs: 1_000, timeoutMs: 60_000, toleranceMs: 200 };
const DAY = 86_400_000;
const D = Date.UTC(2026, 10, 1);

const sessionArb = fc.record({
  person: fc.integer({ min: 0, max: 11 }),
  day: fc.integer({ min: 0, max: 6 }),
  minute: fc.integer({ min: 0, max: 120 }),
  seconds: fc.integer({ min: 1, max: 600 }),
});

function toImported(
  s: { person: number; day: number; minute: number; seconds: number },
  i: number,
): ImportedSession {
  const startedAt = D + s.day * DAY + s.minute * 60_000;
  const end = startedAt + s.seconds * 1000;
  // People 0–3 sign in (an email); the others are known by their visitor key only.
  return {
    id: `s${i}`,
    startedAt,
    lastActivityAt: end,
    endedAt: end,
    engagedMs: s.seconds * 1000,
    beats: s.seconds,
    email: s.person < 4 ? `p${s.person}@x.test` : null,
    visitorId: `v${s.person}`,
    entryUrl: '/a',
    referrer: null,
    screen: null,
    lang: null,
    pages: [{ url: '/a', engagedMs: s.seconds * 1000, maxScroll: null }],
    spans: [{ url: '/a', start: startedAt, end }],
  };
}

/** Every page of a range, cursors left out (each engine spells its own). */
async function allPages(
  list: (cursor?: string) => Promise<VisitorList>,
): Promise<{ total: number; pages: VisitorList['items'][] }> {
  const pages: VisitorList['items'][] = [];
  let cursor: string | undefined;
  let total = 0;
  for (let guard = 0; guard < 50; guard++) {
    const page = await list(cursor);
    total = page.total;
    pages.push(page.items);
    if (page.nextCursor === null) break;
    cursor = page.nextCursor;
  }
  return { total, pages };
}

describe('visitors list on both engines', async () => {
  const available = (await engines()).filter((engine) => !engine.skip);
  it('answers the same people, totals and pages on SQLite and PostgreSQL, for any data, range and page size', {
    skip: available.length < 2 ? 'needs both engines' : false,
  }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(sessionArb, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 5 }),
        async (sessions, fromDay, days, limit) => {
          const answers = [];
          for (const engine of available) {
            const opened = await engine.open(rules);
            try {
              await opened.store.importSessions(sessions.map(toImported));
              const range = { from: D + fromDay * DAY, to: D + (fromDay + days) * DAY, limit };
              answers.push(
                await allPages((cursor) =>
                  opened.store.listVisitors({ site: { pk: 1, timeZone: 'UTC' }, ...range, cursor }),
                ),
              );
            } finally {
              await opened.dispose();
            }
          }
          assert.deepEqual(answers[1], answers[0]);
        },
      ),
      { numRuns: 15 },
    );
  });
});

/** A session's origin with only a country, which the filtered list below filters on. */
const withCountry = (session: ImportedSession, country: string | null): ImportedSession => ({
  ...session,
  origin: {
    source: null,
    sourceCategory: 'direct',
    referrerHost: null,
    utm: { source: null, medium: null, campaign: null, content: null, term: null },
    entryPath: '/a',
    device: null,
    browser: null,
    os: null,
    country,
    region: null,
  },
});

for (const engine of await engines()) {
  describe(`visitors list with origin filters: ${engine.name}`, { skip: engine.skip }, () => {
    it('counts each person by the matching sessions only: the list of a store that holds only those', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.record({ session: sessionArb, country: fc.constantFrom('DE', 'US', null) }), {
            minLength: 1,
            maxLength: 30,
          }),
          fc.constantFrom('DE', '(none)'),
          fc.integer({ min: 1, max: 7 }),
          fc.integer({ min: 1, max: 4 }),
          async (generated, country, days, limit) => {
            const all = generated.map((g, i) => withCountry(toImported(g.session, i), g.country));
            const matching = all.filter((s) => s.origin?.country === (country === '(none)' ? null : country));
            const range = { site: { pk: 1, timeZone: 'UTC' }, from: D, to: D + days * DAY, limit };
            const answers = [];
            for (const [sessions, filter] of [
              [all, { country }],
              [matching, undefined],
            ] as const) {
              const opened = await engine.open(rules);
              try {
                await opened.store.importSessions(sessions);
                answers.push(
                  await allPages((cursor) => opened.store.listVisitors({ ...range, cursor, filter })),
                );
              } finally {
                await opened.dispose();
              }
            }
            assert.deepEqual(answers[0], answers[1]);
          },
        ),
        { numRuns: 15 },
      );
    });
  });
}
