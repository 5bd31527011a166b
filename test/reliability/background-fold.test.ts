// A fold on the store's timer that fails (here a trigger makes the journal's delete abort, as a
// corrupt page or a bug would) is not swallowed: the server logs it and counts it in /metrics, the
// beats stay journaled, and the next fold that can run credits them, exactly once.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SqliteStore } from '../../src/store/engines/sqlite/store.ts';
import { buildTestApp } from '../helper.ts';
import { beat, startSession } from '../ingest/ingest-helpers.ts';
import { query } from '../query/query-helpers.ts';

async function failures(app: Parameters<typeof query>[0]): Promise<number> {
  const metrics = await app.inject({ method: 'GET', url: '/metrics' });
  const line = metrics.body.split('\n').find((l) => l.startsWith('dwell_background_fold_failures_total'));
  return Number(line?.split(' ')[1] ?? Number.NaN);
}

describe('a background fold that fails', () => {
  it('is logged and counted, keeps its beats journaled, and they are credited once it can run', async () => {
    const t = await buildTestApp({ DWELL_RATE_LIMIT: 'off' });
    const db = (t.store as SqliteStore).db;
    try {
      assert.equal(await failures(t.app), 0);
      const { id, token } = await startSession(t.app, { url: 'https://site.test/a' });
      db.exec(`CREATE TEMP TRIGGER broken_fold BEFORE DELETE ON main.beat_journal
        BEGIN SELECT RAISE(ABORT, 'the fold cannot delete its beats'); END`);
      // A final beat is due at the timer's next tick (a session's beats otherwise wait until it is
      // quiet or its first unfolded beat is 30 s old: issue #26).
      assert.equal((await beat(t.app, id, { token, seq: 1, engagedMs: 400, final: true })).statusCode, 200);
      const deadline = Date.now() + 3_000;
      while ((await failures(t.app)) === 0 && Date.now() < deadline) await sleep(50);
      assert.ok((await failures(t.app)) >= 1, 'the failed timed folds are counted');
      assert.equal(
        db.prepare('SELECT count(*) FROM beat_journal').pluck().get(),
        1,
        'the beat is still journaled',
      );

      db.exec('DROP TRIGGER temp.broken_fold');
      const session = await query<{ engagedMs: number }>(t.app, `/api/v1/analytics/sessions/${id}`);
      assert.equal(session.engagedMs, 400, 'credited once the fold could run');
      assert.equal(db.prepare('SELECT count(*) FROM beat_journal').pluck().get(), 0);
    } finally {
      await t.close();
    }
  });
});
