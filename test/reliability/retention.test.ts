import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import type { ImportedSession } from '../../src/store/query-types.ts';
import { buildTestApp } from '../helper.ts';

const DAY = 86_400_000;

function session(lastActivityAt: number): ImportedSession {
  return {
    id: randomUUID(),
    startedAt: lastActivityAt - 60_000,
    lastActivityAt,
    endedAt: lastActivityAt,
    engagedMs: 60_000,
    beats: 4,
    email: null,
    visitorId: 'v',
    entryUrl: '/a',
    referrer: null,
    screen: null,
    lang: null,
    pages: [{ url: '/a', engagedMs: 60_000, maxScroll: 50 }],
    spans: [{ url: '/a', start: lastActivityAt - 60_000, end: lastActivityAt }],
  };
}

describe('DWELL_RETENTION_DAYS', () => {
  it('deletes sessions older than the retention period at start, and nothing more', async () => {
    const seed = await buildTestApp();
    const now = Date.now();
    const old = [session(now - 40 * DAY), session(now - 31 * DAY)];
    const kept = [session(now - 29 * DAY), session(now - DAY), session(now - 1_000)];
    await seed.store.importSessions([...old, ...kept]);
    await seed.app.close();
    await seed.store.close();

    const t = await buildTestApp({ DWELL_RETENTION_DAYS: '30' }, { dir: seed.dir });
    try {
      const deadline = Date.now() + 5_000;
      while ((await t.store.getSession(old[1]!.id)) !== null) {
        assert.ok(Date.now() < deadline, 'purged within 5 s of start');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      for (const s of old) assert.equal(await t.store.getSession(s.id), null);
      for (const s of kept) assert.equal((await t.store.getSession(s.id))?.engagedMs, 60_000);
    } finally {
      await t.close();
    }
  });
});
