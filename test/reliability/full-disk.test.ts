import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SqliteStore } from '../../src/store/engines/sqlite/store.ts';
import { buildTestApp } from '../helper.ts';
import { beat, browser } from '../ingest/ingest-helpers.ts';
import { admin } from '../query/query-helpers.ts';

describe('a full disk', () => {
  it('answers 503, never a 200 for an unwritten beat, and resumes by itself once space is free', async () => {
    const t = await buildTestApp({ DWELL_RATE_LIMIT: 'off' });
    const db = (t.store as SqliteStore).db;
    try {
      // Leave a handful of free pages, then fill them with sessions and beats on long URLs.
      const used = Number(db.pragma('page_count', { simple: true }));
      db.pragma(`max_page_count = ${used + 8}`);
      const acknowledged = new Map<string, number>();
      let fullAnswers = 0;
      for (let i = 0; i < 400 && fullAnswers < 5; i++) {
        const started = await t.app.inject({
          method: 'POST',
          url: '/api/v1/analytics/session',
          headers: browser,
          payload: { url: `https://site.test/${'long-path/'.repeat(100)}${i}` },
        });
        if (started.statusCode === 503) {
          assert.equal(started.json().error.code, 'UNAVAILABLE');
          assert.ok(started.headers['retry-after']);
          fullAnswers++;
          continue;
        }
        assert.equal(started.statusCode, 201);
        const { id, token } = started.json().data;
        const answer = await beat(t.app, id, {
          token,
          seq: 1,
          engagedMs: 0,
          url: `https://site.test/${'x'.repeat(1500)}${i}`,
        });
        if (answer.statusCode === 200) acknowledged.set(id, 1);
        else {
          assert.equal(answer.statusCode, 503);
          fullAnswers++;
        }
      }
      assert.ok(fullAnswers > 0, 'the quota was reached');
      // Reading needs no space: stats and visitors still answer, whatever is left to fold.
      for (const url of ['/api/v1/analytics/stats', '/api/v1/analytics/visitors']) {
        const read = await t.app.inject({ url, headers: admin });
        assert.equal(read.statusCode, 200, `${url} on a full disk`);
      }
      // Every acknowledged beat is in the file.
      for (const [id, seq] of acknowledged) assert.equal((await t.store.getSession(id))?.lastSeq, seq);

      // Space is freed (the quota raised): the very next requests succeed, no restart needed.
      db.pragma('max_page_count = 1073741823');
      const again = await t.app.inject({
        method: 'POST',
        url: '/api/v1/analytics/session',
        headers: browser,
        payload: {},
      });
      assert.equal(again.statusCode, 201);
      const { id, token } = again.json().data;
      assert.equal((await beat(t.app, id, { token, seq: 1, engagedMs: 0 })).statusCode, 200);
      assert.equal((await t.app.inject({ url: '/readyz' })).statusCode, 200);
    } finally {
      await t.close();
    }
  });
});
