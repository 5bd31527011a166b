import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { csvHeader, csvRow } from '../../src/query/present.ts';
import { buildTestApp } from '../helper.ts';
import { admin } from './query-helpers.ts';

describe('CSV export', () => {
  it('escapes like RFC 4180 and defuses formulas, the same in SQL as in csvRow', async () => {
    const now = Date.parse('2026-11-23T12:00:00Z');
    const t = await buildTestApp({}, { clock: () => now });
    try {
      const tricky = [
        { email: 'o"brien,jr@example.com', url: '=HYPERLINK("http://evil")', referrer: 'line\nbreak' },
        { email: null, url: 'https://site.test/a,b', referrer: '@mention' },
        { email: '-minus@example.com', url: 'https://site.test/', referrer: null },
      ];
      await t.store.importSessions(
        tricky.map((x, i) => ({
          id: `csv-${i}`,
          startedAt: now - 3_600_000 + i * 1000,
          lastActivityAt: now - (i === 1 ? 60_000 : 3_000_000),
          endedAt: i === 2 ? now - 3_000_000 : null,
          engagedMs: 12_345 * (i + 1),
          beats: 3,
          email: x.email,
          visitorId: `v${i}`,
          entryUrl: x.url,
          referrer: x.referrer,
          screen: null,
          lang: null,
          pages: [],
          spans: [],
        })),
      );
      const response = await t.app.inject({
        method: 'GET',
        url: '/api/v1/analytics/export?format=csv',
        headers: admin,
      });
      assert.equal(response.statusCode, 200);
      const expected = [csvHeader()];
      const page = await t.store.listSessions({}, 10);
      for (const s of [...page.items].reverse()) expected.push(csvRow(s, now, t.config.timeoutMs));
      assert.equal(response.body, expected.join(''));
      assert.match(response.body, /"o""brien,jr@example.com"/);
      assert.match(response.body, /"'=HYPERLINK\(""http:\/\/evil""\)"/);
      // Imported without an origin: the origin's columns after it are empty.
      assert.match(response.body, /,'@mention,{13}\r\n/);
      assert.match(response.body, /csv-0,expired,/);
      assert.match(response.body, /csv-1,active,/);
      assert.match(response.body, /csv-2,ended,/);
    } finally {
      await t.close();
    }
  });
});
