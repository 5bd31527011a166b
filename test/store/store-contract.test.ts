// One suite, every engine (the Kysely way): the same semantics on SQLite and PostgreSQL.

import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import type { AccountingRules } from '../../src/accounting/credit-beat.ts';
import type { NewSession } from '../../src/store/types.ts';
import { engines } from './engines.ts';

const rules: AccountingRules = { intervalMs: 1_000, timeoutMs: 60_000, toleranceMs: 200 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const hash = (token: string) => createHash('sha256').update(token).digest();

function newSession(overrides: Partial<NewSession> = {}): NewSession {
  return {
    id: randomUUID(),
    tokenHash: hash('secret'),
    email: null,
    visitorId: 'v1',
    entryUrl: '/a',
    referrer: null,
    screen: null,
    lang: null,
    ...overrides,
  };
}

for (const engine of await engines()) {
  describe(`store contract: ${engine.name}`, { skip: engine.skip }, () => {
    const withStore =
      (run: (store: Awaited<ReturnType<typeof engine.open>>['store']) => Promise<void>, custom = rules) =>
      async () => {
        const opened = await engine.open(custom);
        try {
          await run(opened.store);
        } finally {
          await opened.dispose();
        }
      };

    it(
      'creates a session and reads it back',
      withStore(async (store) => {
        const session = newSession({
          email: 'a@b.test',
          referrer: 'https://r.test',
          screen: '800x600',
          lang: 'de',
        });
        const { startedAt } = await store.createSession(session);
        const read = await store.getSession(session.id);
        assert.equal(read?.id, session.id);
        assert.equal(read?.startedAt, startedAt);
        assert.equal(read?.lastActivityAt, startedAt);
        assert.equal(read?.email, 'a@b.test');
        assert.equal(read?.entryUrl, '/a');
        assert.equal(read?.currentUrl, '/a');
        assert.equal(read?.engagedMs, 0);
        assert.equal(await store.getSession(randomUUID()), null);
      }),
    );

    it(
      'appends beats and folds them: credits within the wall clock, per page, a retry once',
      withStore(async (store) => {
        const session = newSession();
        await store.createSession(session);
        await sleep(300);
        const first = await store.recordBeat({
          sessionId: session.id,
          tokenHash: hash('secret'),
          seq: 1,
          engagedMs: 250,
          url: '/a',
          scroll: 30,
        });
        assert.deepEqual(first, { kind: 'accepted' });
        assert.equal((await store.getSession(session.id))?.engagedMs, 250, 'a read folds first');
        const retry = await store.recordBeat({
          sessionId: session.id,
          tokenHash: hash('secret'),
          seq: 1,
          engagedMs: 250,
        });
        assert.deepEqual(retry, { kind: 'accepted' });
        assert.equal((await store.getSession(session.id))?.engagedMs, 250, 'the retry credits nothing');
        const greedy = await store.recordBeat({
          sessionId: session.id,
          tokenHash: hash('secret'),
          seq: 2,
          engagedMs: 60_000,
          url: '/b',
          scroll: 80,
        });
        assert.equal(greedy.kind, 'accepted');
        const read = await store.getSession(session.id);
        assert.ok(
          read!.engagedMs <= read!.lastActivityAt - read!.startedAt + rules.toleranceMs,
          'capped by the wall clock',
        );
        assert.equal(read?.lastSeq, 2);
        assert.equal(read?.beats, 2);
        assert.deepEqual(read?.pages.map((p) => [p.url, p.maxScroll]).sort(), [
          ['/a', 30],
          ['/b', 80],
        ]);
        assert.equal(
          read?.pages.reduce((sum, p) => sum + p.engagedMs, 0),
          read?.engagedMs,
        );
        assert.equal(read?.timeline.length, 2);
        assert.equal(read?.timeline[0]?.url, '/a');
        assert.equal(read?.timeline[1]?.url, '/b');
      }),
    );

    it(
      'refuses a wrong token, an unknown id, and a seed beat on a cookie-only session',
      withStore(async (store) => {
        const session = newSession();
        await store.createSession(session);
        assert.deepEqual(
          await store.recordBeat({ sessionId: session.id, tokenHash: hash('wrong'), seq: 1 }),
          { kind: 'forbidden' },
        );
        assert.deepEqual(await store.recordBeat({ sessionId: randomUUID(), tokenHash: hash('secret') }), {
          kind: 'not_found',
        });
        const gated = newSession({ tokenHash: null, cookieOnly: true, email: 'x@y.test' });
        await store.createSession(gated);
        assert.deepEqual(await store.recordBeat({ sessionId: gated.id }), { kind: 'forbidden' });
        assert.equal((await store.recordBeat({ sessionId: gated.id, trusted: true })).kind, 'accepted');
        assert.equal((await store.getSession(gated.id))?.beats, 1);
        assert.equal((await store.getSession(session.id))?.beats, 0);
      }),
    );

    it(
      'expires a session after the timeout and ends and resumes it with final',
      withStore(
        async (store) => {
          const session = newSession();
          await store.createSession(session);
          const ended = await store.recordBeat({
            sessionId: session.id,
            tokenHash: hash('secret'),
            seq: 1,
            engagedMs: 10,
            final: true,
          });
          assert.equal(ended.kind, 'accepted');
          assert.notEqual((await store.getSession(session.id))?.endedAt, null);
          const resumed = await store.recordBeat({
            sessionId: session.id,
            tokenHash: hash('secret'),
            seq: 2,
            engagedMs: 10,
          });
          assert.equal(resumed.kind, 'accepted');
          assert.equal((await store.getSession(session.id))?.endedAt, null);
          await sleep(700);
          assert.deepEqual(
            await store.recordBeat({
              sessionId: session.id,
              tokenHash: hash('secret'),
              seq: 3,
              engagedMs: 10,
            }),
            {
              kind: 'expired',
            },
          );
        },
        { ...rules, timeoutMs: 500 },
      ),
    );

    it(
      'never loses an update under concurrent beats on one session and across sessions',
      withStore(async (store) => {
        const sessions = Array.from({ length: 10 }, () => newSession());
        for (const s of sessions) await store.createSession(s);
        await sleep(1_200);
        // 10 sessions × 10 distinct seqs of 100 ms each, all sent at once.
        const results = await Promise.all(
          sessions.flatMap((s) =>
            Array.from({ length: 10 }, (_, i) =>
              store.recordBeat({
                sessionId: s.id,
                tokenHash: hash('secret'),
                seq: i + 1,
                engagedMs: 100,
                url: `/p${i % 2}`,
              }),
            ),
          ),
        );
        assert.ok(results.every((r) => r.kind === 'accepted'));
        for (const s of sessions) {
          const read = await store.getSession(s.id);
          assert.equal(read?.engagedMs, 1_000);
          assert.equal(read?.beats, 10);
          assert.equal(read?.lastSeq, 10);
          assert.equal(
            read?.pages.reduce((sum, p) => sum + p.engagedMs, 0),
            1_000,
          );
        }
      }),
    );

    it('loses no update when two instances beat the same sessions at once', async () => {
      const pair = await engine.openPair(rules);
      const [first, second] = pair.store;
      try {
        const sessions = Array.from({ length: 3 }, () => newSession());
        for (const s of sessions) await first.createSession(s);
        await sleep(1_500);
        // Body-less beats need no seq order, so every one must count: 3 sessions × 60 beats, spread
        // over both instances and sent at once, conflicting on every row.
        const results = await Promise.all(
          sessions.flatMap((s) =>
            Array.from({ length: 60 }, (_, i) =>
              (i % 2 ? first : second).recordBeat({
                sessionId: s.id,
                tokenHash: hash('secret'),
                url: `/p${i % 3}`,
              }),
            ),
          ),
        );
        assert.ok(results.every((r) => r.kind === 'accepted'));
        for (const s of sessions) {
          const read = await first.getSession(s.id);
          assert.equal(read?.beats, 60, 'every beat was applied once');
          assert.ok(read!.engagedMs <= read!.lastActivityAt - read!.startedAt + rules.toleranceMs);
          assert.equal(
            read?.pages.reduce((sum, p) => sum + p.engagedMs, 0),
            read?.engagedMs,
          );
        }
      } finally {
        await pair.dispose();
      }
    });

    it(
      'keeps one salt a day and forgets the previous day',
      withStore(async (store) => {
        const monday = await store.dailySalt('2026-11-23');
        assert.equal(monday.length, 32);
        assert.deepEqual(await store.dailySalt('2026-11-23'), monday);
        const tuesday = await store.dailySalt('2026-11-24');
        assert.notDeepEqual(tuesday, monday);
        assert.notDeepEqual(
          await store.dailySalt('2026-11-23'),
          monday,
          'yesterday’s salt cannot be recovered',
        );
      }),
    );

    it(
      'reports its clock and answers ping',
      withStore(async (store) => {
        const now = await store.now();
        assert.ok(Math.abs(now - Date.now()) < 5_000);
        await store.ping();
      }),
    );
  });
}
