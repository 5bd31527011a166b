// The attention map through the query API (issue #17): GET /sections per page, for the period and
// for one person, and pages[].sections in the session list, the session detail and the NDJSON export.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildTestApp, manualClock, type TestApp } from '../helper.ts';
import { beat, startSession } from '../ingest/ingest-helpers.ts';
import { admin, query, queryError } from './query-helpers.ts';

interface SessionJson {
  id: string;
  pages: { url: string; sections: { name: string; engagedMs: number }[] }[];
}

const T0 = Date.parse('2026-11-23T10:00:00Z');
const DECK = 'https://site.test/deck';

describe('the attention map through the query API', () => {
  let t: TestApp;
  const clock = manualClock(T0);
  const ids: string[] = [];

  /** One reader of the deck: one beat of 10 s with these sections ([name, ms, position]). */
  async function read(sections: [string, number, number][]) {
    const { id, token } = await startSession(t.app, { url: DECK });
    clock.advance(10_000);
    const response = await beat(t.app, id, { token, seq: 1, engagedMs: 10_000, url: DECK, sections });
    assert.equal(response.statusCode, 200, response.body);
    ids.push(id);
  }

  before(async () => {
    t = await buildTestApp({ DWELL_RATE_LIMIT: 'off' }, { clock: clock.now });
    await read([
      ['intro', 4_000, 0],
      ['pricing', 6_000, 2],
    ]);
    await read([['intro', 10_000, 0]]);
    // Claims more than the beat's 10 s: scaled down to it.
    await read([
      ['team', 10_000, 1],
      ['pricing', 10_000, 2],
    ]);
  });
  after(() => t.close());

  it('sums engaged time and reach per section, in page order', async () => {
    const map = await query<{ url: string; sessions: number; sections: unknown[] }>(
      t.app,
      `/api/v1/analytics/sections?url=${encodeURIComponent(DECK)}&from=2026-11-23&to=2026-11-24`,
    );
    assert.deepEqual(map, {
      url: DECK,
      sessions: 3,
      sections: [
        { name: 'intro', position: 0, engagedMs: 14_000, sessions: 2, reach: 2 / 3 },
        { name: 'team', position: 1, engagedMs: 5_000, sessions: 1, reach: 1 / 3 },
        { name: 'pricing', position: 2, engagedMs: 11_000, sessions: 2, reach: 2 / 3 },
      ],
    });
    const elsewhere = await query(t.app, `/api/v1/analytics/sections?url=${encodeURIComponent(`${DECK}/x`)}`);
    assert.deepEqual(elsewhere, { url: `${DECK}/x`, sessions: 0, sections: [] });
  });

  it('narrows to one person with email', async () => {
    const nobody = await query(
      t.app,
      `/api/v1/analytics/sections?url=${encodeURIComponent(DECK)}&email=joe@example.com`,
    );
    assert.deepEqual(nobody, { url: DECK, sessions: 0, sections: [] });
  });

  it('answers 400 without a url or with a bad range, 401 without the admin token', async () => {
    assert.deepEqual(await queryError(t.app, '/api/v1/analytics/sections'), {
      status: 400,
      code: 'INVALID_QUERY',
    });
    assert.deepEqual(
      await queryError(t.app, `/api/v1/analytics/sections?url=x&from=2026-11-24&to=2026-11-23`),
      { status: 400, code: 'INVALID_QUERY' },
    );
    assert.deepEqual(await queryError(t.app, '/api/v1/analytics/sections?url=x', {}), {
      status: 401,
      code: 'UNAUTHORIZED',
    });
  });

  it('gives every page its sections in the list, the detail and the NDJSON export', async () => {
    const expected = [
      { name: 'intro', engagedMs: 4_000 },
      { name: 'pricing', engagedMs: 6_000 },
    ];
    const list = await query<{ items: SessionJson[] }>(t.app, '/api/v1/analytics/sessions');
    const first = list.items.find((s) => s.id === ids[0]);
    assert.deepEqual(first?.pages[0]?.sections, expected);
    const detail = await query<SessionJson>(t.app, `/api/v1/analytics/sessions/${ids[0]}`);
    assert.deepEqual(detail.pages[0]?.sections, expected);
    const response = await t.app.inject({
      method: 'GET',
      url: '/api/v1/analytics/export?format=ndjson',
      headers: admin,
    });
    const lines = response.body
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as SessionJson);
    assert.deepEqual(lines.find((s) => s.id === ids[0])?.pages[0]?.sections, expected);
    assert.deepEqual(lines.find((s) => s.id === ids[2])?.pages[0]?.sections, [
      { name: 'team', engagedMs: 5_000 },
      { name: 'pricing', engagedMs: 5_000 },
    ]);
  });
});
