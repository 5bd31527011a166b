import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildTestApp } from '../helper.ts';
import { beat, browser, startSession } from '../ingest/ingest-helpers.ts';

describe('abuse', () => {
  it('one session beaten 1,000 times a second gains no more than the wall clock', async () => {
    const t = await buildTestApp({ DWELL_RATE_LIMIT: 'off', DWELL_LEGACY_BEATS: 'off' });
    try {
      const { id, token } = await startSession(t.app);
      const started = Date.now();
      let seq = 0;
      // Two seconds of 1,000 beats/s, each claiming a full minute.
      while (Date.now() - started < 2_000) {
        const burst = Array.from({ length: 100 }, () =>
          beat(t.app, id, { token, seq: ++seq, engagedMs: 60_000 }),
        );
        await Promise.all(burst);
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + seq - Date.now())));
      }
      const session = await t.store.getSession(id);
      const wallClock = session!.lastActivityAt - session!.startedAt;
      assert.ok(seq >= 1_500, `sent ${seq} beats`);
      assert.ok(
        session!.engagedMs <= wallClock + t.config.toleranceMs,
        `${session!.engagedMs} ms for ${wallClock} ms`,
      );
    } finally {
      await t.close();
    }
  });

  it('10,000 beats with a wrong or missing token credit nothing when seed beats without a token are off', async () => {
    const t = await buildTestApp({ DWELL_RATE_LIMIT: 'off', DWELL_LEGACY_BEATS: 'off' });
    try {
      const { id } = await startSession(t.app);
      const statuses = new Set<number>();
      for (let i = 0; i < 100; i++) {
        const answers = await Promise.all(
          Array.from({ length: 100 }, (_, j) =>
            beat(
              t.app,
              id,
              j % 2 ? { token: `guess-${i}-${j}`, seq: i * 100 + j + 1, engagedMs: 1_000 } : { seq: 1 },
            ),
          ),
        );
        for (const answer of answers) statuses.add(answer.statusCode);
      }
      assert.deepEqual([...statuses], [403]);
      const session = await t.store.getSession(id);
      assert.equal(session?.engagedMs, 0);
      assert.equal(session?.beats, 0);
    } finally {
      await t.close();
    }
  });

  it('one IP cannot start sessions without bound, but five tabs behind it beat at the normal rate', async () => {
    const t = await buildTestApp();
    try {
      const tabs = await Promise.all(Array.from({ length: 5 }, () => startSession(t.app)));
      // Five tabs × one beat every 15 s for 10 minutes (the default interval), sent back to back.
      for (let round = 1; round <= 40; round++) {
        for (const { id, token } of tabs) {
          assert.equal((await beat(t.app, id, { token, seq: round, engagedMs: 0 })).statusCode, 200);
        }
      }
      let created = 0;
      let limited = false;
      while (!limited && created < 2_000) {
        const response = await t.app.inject({
          method: 'POST',
          url: '/api/v1/analytics/session',
          headers: browser,
        });
        if (response.statusCode === 429) limited = true;
        else created++;
      }
      assert.ok(limited, 'session starts from one IP are limited');
      assert.ok(created >= 100, `but generously: ${created} sessions before the limit`);
    } finally {
      await t.close();
    }
  });
});
