// API.md's rule for reads (issue #26): the timer folds a session's beats only when the session is
// due (up to 30 s after its first unfolded beat), and every read still sees every acknowledged
// beat, because it folds the journal first: one session, the sessions list, stats (the rollups),
// visitors, the attention map and the live view. On both engines, with the shipped schedule.

import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import type { AccountingRules } from '../../src/accounting/credit-beat.ts';
import { countRows, engines } from './engines.ts';

const rules: AccountingRules = { intervalMs: 1_000, timeoutMs: 60_000, toleranceMs: 200 };
const TOKEN = createHash('sha256').update('secret').digest();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

for (const engine of await engines()) {
  describe(`reads see beats the timer has not folded yet: ${engine.name}`, { skip: engine.skip }, () => {
    it('one session, the list, stats, visitors, the attention map and the live view', async () => {
      const opened = await engine.open(rules);
      const { store } = opened;
      try {
        const id = randomUUID();
        const { startedAt } = await store.createSession({
          id,
          tokenHash: TOKEN,
          email: 'reader@x.test',
          visitorId: 'v1',
          entryUrl: '/a',
          referrer: null,
          screen: null,
          lang: null,
        });
        await store.fold();
        for (let seq = 1; seq <= 3; seq++) {
          await sleep(400);
          const sections = [{ name: 'intro', engagedMs: 200, position: 0 }];
          await store.recordBeat({
            sessionId: id,
            tokenHash: TOKEN,
            seq,
            engagedMs: 300,
            url: '/a',
            sections,
          });
        }
        // Past the timer's tick, but the session is not due: its beats wait in the journal.
        await sleep(1_200);
        assert.equal(await countRows(store, 'beat_journal'), 3, 'the timer left them journaled');
        const range = { from: startedAt - 86_400_000, to: startedAt + 86_400_000 };
        const site = { pk: 1, timeZone: 'UTC' };
        assert.equal((await store.getSession(id))?.engagedMs, 900);
        assert.equal(await countRows(store, 'beat_journal'), 0, 'the read folded them');

        // Each read right after a beat the timer has not folded: it finds the beat's 100 ms.
        let seq = 3;
        let engaged = 900;
        const afterBeat = async (read: () => Promise<number | undefined>) => {
          await sleep(150);
          seq += 1;
          const sections = [{ name: 'intro', engagedMs: 50, position: 0 }];
          await store.recordBeat({
            sessionId: id,
            tokenHash: TOKEN,
            seq,
            engagedMs: 100,
            url: '/a',
            sections,
          });
          assert.equal(await countRows(store, 'beat_journal'), 1);
          engaged += 100;
          return read();
        };
        const list = await afterBeat(
          async () => (await store.listSessions({ from: range.from, to: range.to }, 10)).items[0]?.engagedMs,
        );
        assert.equal(list, engaged, 'the sessions list');
        assert.equal(
          await afterBeat(async () => (await store.getStats(range)).engagedMs.total),
          engaged,
          'stats',
        );
        const visitors = async () =>
          (await store.listVisitors({ site, ...range, limit: 10 })).items[0]?.engagedMs;
        assert.equal(await afterBeat(visitors), engaged, 'visitors');
        const intro = async () =>
          (await store.getPageSections({ url: '/a', ...range })).sections.find((s) => s.name === 'intro')
            ?.engagedMs;
        assert.equal(await afterBeat(intro), 600 + 4 * 50, 'the attention map');
        const live = async () => (await store.listLiveSessions(startedAt, 10))[0]?.engagedMs;
        assert.equal(await afterBeat(live), engaged, 'the live view');
      } finally {
        await opened.dispose();
      }
    });
  });
}
