// The GateStore contract on every engine: access grants and revocation, single-use links under
// concurrency, "session ended" claims made once even by two instances at the same moment, and the
// webhook outbox: written with the event it announces, leased to one deliverer at a time, retried
// at its persisted time under the same id.

import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import type { AccountingRules } from '../../src/accounting/credit-beat.ts';
import type { PostgresStore } from '../../src/store/engines/postgres/store.ts';
import type { SqliteStore } from '../../src/store/engines/sqlite/store.ts';
import { countRows, engines } from './engines.ts';

const rules: AccountingRules = { intervalMs: 1_000, timeoutMs: 60_000, toleranceMs: 200 };
const HOUR = 3_600_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const sha = (token: string) => createHash('sha256').update(token).digest();

type AnyStore = SqliteStore | PostgresStore;

async function gateSession(store: AnyStore, email: string): Promise<string> {
  const id = randomUUID();
  await store.createSession({
    id,
    tokenHash: null,
    cookieOnly: true,
    email,
    visitorId: null,
    entryUrl: '/deck.html',
    referrer: null,
    screen: null,
    lang: null,
  });
  return id;
}

const message = (id: string, event = 'gate.first_visit') => ({ id, event, body: `{"event":"${event}"}` });

/** `count` first visits, each announced with an outbox message `msg_<i>`. */
async function firstVisits(store: AnyStore, count: number, now: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const email = `v${i}@firm.test`;
    const sessionId = await gateSession(store, email);
    await store.grantGateAccess(
      { sessionId, email, issuedAt: now, expiresAt: now + HOUR },
      message(`msg_${i}`),
    );
  }
}

for (const engine of await engines()) {
  describe(`gate store contract: ${engine.name}`, { skip: engine.skip }, () => {
    const withStore = (run: (store: AnyStore) => Promise<void>) => async () => {
      const opened = await engine.open(rules);
      try {
        await run(opened.store);
      } finally {
        await opened.dispose();
      }
    };
    const withPair = (run: (a: AnyStore, b: AnyStore) => Promise<void>) => async () => {
      const opened = await engine.openPair(rules);
      try {
        await run(...opened.store);
      } finally {
        await opened.dispose();
      }
    };

    it(
      'grants access, reports the first visit once per email, and revokes every access of that email',
      withStore(async (store) => {
        const now = await store.now();
        const first = await gateSession(store, 'ana@firm.test');
        const second = await gateSession(store, 'ana@firm.test');
        const other = await gateSession(store, 'bo@firm.test');
        const grant = (sessionId: string, email: string) =>
          store.grantGateAccess({ sessionId, email, issuedAt: now, expiresAt: now + HOUR });
        assert.deepEqual(await grant(first, 'ana@firm.test'), { firstVisit: true });
        assert.deepEqual(await grant(second, 'ana@firm.test'), { firstVisit: false });
        assert.deepEqual(await grant(other, 'bo@firm.test'), { firstVisit: true });
        assert.deepEqual(await store.getGateAccess(first), {
          email: 'ana@firm.test',
          expiresAt: now + HOUR,
          revokedBefore: null,
        });
        assert.equal(await store.getGateAccess(randomUUID()), null);

        assert.deepEqual(await store.revokeGateAccess('ana@firm.test', now + 10), { sessionsEnded: 2 });
        assert.equal((await store.getGateAccess(second))?.revokedBefore, now + 10);
        assert.equal((await store.getSession(first))?.endedAt, now + 10);
        assert.equal((await store.getSession(other))?.endedAt, null, 'another email keeps its session');
        assert.equal((await store.getGateAccess(other))?.revokedBefore, null);
        // Revoking again ends nothing, and an earlier revocation never moves the cutoff back.
        assert.deepEqual(await store.revokeGateAccess('ana@firm.test', now + 5), { sessionsEnded: 0 });
        assert.equal((await store.getGateAccess(first))?.revokedBefore, now + 10);
      }),
    );

    it(
      'counts a first visit for an email that was revoked before it ever opened',
      withStore(async (store) => {
        const now = await store.now();
        await store.revokeGateAccess('cy@firm.test', now);
        const id = await gateSession(store, 'cy@firm.test');
        assert.deepEqual(
          await store.grantGateAccess({
            sessionId: id,
            email: 'cy@firm.test',
            issuedAt: now + 1,
            expiresAt: now + HOUR,
          }),
          { firstVisit: true },
        );
        assert.equal((await store.getGateAccess(id))?.revokedBefore, now);
      }),
    );

    it(
      'redeems a link once: of many concurrent redemptions on two instances exactly one wins',
      withPair(async (a, b) => {
        const now = await a.now();
        await a.createGateLink(
          { tokenHash: sha('link'), email: 'ana@firm.test', next: '/deck.html', expiresAt: now + HOUR },
          now,
        );
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? a : b).redeemGateLink(sha('link'), now + 1)),
        );
        const won = results.filter((r) => r.kind === 'redeemed');
        assert.equal(won.length, 1, JSON.stringify(results));
        assert.deepEqual(won[0], { kind: 'redeemed', email: 'ana@firm.test', next: '/deck.html' });
        assert.ok(results.filter((r) => r.kind !== 'redeemed').every((r) => r.kind === 'used'));
        assert.deepEqual(await b.redeemGateLink(sha('link'), now + 2), { kind: 'used' });
      }),
    );

    it(
      'refuses an unknown link and an expired one, and forgets links a day after they expire',
      withStore(async (store) => {
        const now = await store.now();
        assert.deepEqual(await store.redeemGateLink(sha('nope'), now), { kind: 'not_found' });
        await store.createGateLink(
          { tokenHash: sha('old'), email: 'a@f.test', next: '/', expiresAt: now + 1_000 },
          now,
        );
        assert.deepEqual(await store.redeemGateLink(sha('old'), now + 1_000), { kind: 'expired' });
        // A later link made more than a day after expiry sweeps the expired one away.
        await store.createGateLink(
          { tokenHash: sha('new'), email: 'a@f.test', next: '/', expiresAt: now + 100_000_000 },
          now + 1_000 + 86_400_001,
        );
        assert.deepEqual(await store.redeemGateLink(sha('old'), now), { kind: 'not_found' });
      }),
    );

    it(
      'claims each ended or expired gate session once, even with two instances claiming at once',
      withPair(async (a, b) => {
        const now = await a.now();
        const ids: string[] = [];
        for (let i = 0; i < 30; i++) {
          const id = await gateSession(a, `p${i % 3}@firm.test`);
          await a.grantGateAccess({
            sessionId: id,
            email: `p${i % 3}@firm.test`,
            issuedAt: now,
            expiresAt: now + HOUR,
          });
          ids.push(id);
        }
        await sleep(300);
        assert.equal(
          (
            await a.recordBeat({
              sessionId: ids[0]!,
              trusted: true,
              seq: 1,
              engagedMs: 200,
              url: '/deck.html',
              sections: [{ name: 'pricing', engagedMs: 150, position: 0 }],
            })
          ).kind,
          'accepted',
        );
        assert.deepEqual(await a.claimEndedGateSessions({ now, timeoutMs: HOUR }), [], 'nothing ended yet');

        await a.revokeGateAccess('p0@firm.test', now + 1); // ends 10 sessions
        const claims = await Promise.all([
          a.claimEndedGateSessions({ now: now + 2, timeoutMs: HOUR }),
          b.claimEndedGateSessions({ now: now + 2, timeoutMs: HOUR }),
          a.claimEndedGateSessions({ now: now + 2, timeoutMs: HOUR }),
          b.claimEndedGateSessions({ now: now + 2, timeoutMs: HOUR }),
        ]);
        const ended = claims.flat();
        assert.equal(ended.length, 10, 'each revoked session announced once');
        assert.equal(new Set(ended.map((e) => e.sessionId)).size, 10);
        const withBeat = ended.find((e) => e.sessionId === ids[0]);
        assert.equal(withBeat?.email, 'p0@firm.test');
        assert.equal(withBeat?.endedAt, now + 1);
        assert.equal(withBeat?.engagedMs, 200);
        // The session-ended webhook carries each page's sections (the attention map of that reader).
        assert.deepEqual(withBeat?.pages, [
          {
            url: '/deck.html',
            engagedMs: 200,
            maxScroll: null,
            sections: [{ name: 'pricing', engagedMs: 150 }],
          },
        ]);

        // The other 20 expire (no beat for timeoutMs): claimed once, with no end time.
        const later = now + HOUR + 1_000;
        const expired = (
          await Promise.all([
            a.claimEndedGateSessions({ now: later, timeoutMs: HOUR }),
            b.claimEndedGateSessions({ now: later, timeoutMs: HOUR }),
          ])
        ).flat();
        assert.equal(expired.length, 20);
        assert.equal(new Set([...ended, ...expired].map((e) => e.sessionId)).size, 30);
        assert.ok(expired.every((e) => e.endedAt === null));
        assert.deepEqual(await b.claimEndedGateSessions({ now: later, timeoutMs: HOUR }), []);
      }),
    );

    it(
      'writes a webhook to the outbox in the transaction of the event it announces, and only then',
      withStore(async (store) => {
        const now = await store.now();
        const first = await gateSession(store, 'ana@firm.test');
        const again = await gateSession(store, 'ana@firm.test');
        const grant = (sessionId: string) => ({
          sessionId,
          email: 'ana@firm.test',
          issuedAt: now,
          expiresAt: now + HOUR,
        });
        await store.grantGateAccess(grant(first), message('msg_first'));
        await store.grantGateAccess(grant(again), message('msg_again'));
        assert.deepEqual(await store.claimWebhooks({ now, limit: 10, leaseMs: 1_000 }), [
          { ...message('msg_first'), attempt: 1 },
        ]);
        await store.deleteWebhook('msg_first');

        // A claim whose outbox write fails commits nothing: the sessions stay unannounced.
        await store.revokeGateAccess('ana@firm.test', now + 1);
        await assert.rejects(
          store.claimEndedGateSessions({
            now: now + 2,
            timeoutMs: HOUR,
            announce: () => message('msg_same'),
          }),
        );
        assert.equal(await countRows(store, 'webhook_outbox'), 0);
        const ended = await store.claimEndedGateSessions({
          now: now + 2,
          timeoutMs: HOUR,
          announce: (session) => message(`end_${session.sessionId}`, 'gate.session_ended'),
        });
        assert.equal(ended.length, 2);
        const claimed = await store.claimWebhooks({ now: now + 2, limit: 10, leaseMs: 1_000 });
        assert.deepEqual(
          claimed.map((m) => m.id).sort(),
          [`end_${first}`, `end_${again}`].sort(),
          'one message per ended session',
        );
        assert.ok(claimed.every((m) => m.event === 'gate.session_ended' && m.attempt === 1));
      }),
    );

    it(
      'leases each due webhook to one of two instances, and retries it at its persisted time under its id',
      withPair(async (a, b) => {
        const now = await a.now();
        await firstVisits(a, 30, now);
        const claims = await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            (i % 2 === 0 ? a : b).claimWebhooks({ now, limit: 7, leaseMs: 10_000 }),
          ),
        );
        const ids = claims.flat().map((m) => m.id);
        assert.equal(ids.length, 30, 'every message claimed');
        assert.equal(new Set(ids).size, 30, 'none twice');
        assert.deepEqual(
          await b.claimWebhooks({ now: now + 9_999, limit: 50, leaseMs: 10_000 }),
          [],
          'leased',
        );

        // A failed attempt is due again at the time it was given, not before; a stale outcome (its
        // lease ran out and another attempt took it) changes nothing.
        await a.rescheduleWebhook('msg_0', 1, now + 500, 'HTTP 503');
        assert.deepEqual(await b.claimWebhooks({ now: now + 499, limit: 50, leaseMs: 10_000 }), []);
        const retry = await b.claimWebhooks({ now: now + 500, limit: 50, leaseMs: 10_000 });
        assert.deepEqual(retry, [{ ...message('msg_0'), attempt: 2 }], 'the same id and body, attempt 2');
        await a.rescheduleWebhook('msg_0', 1, now + 600, 'late');
        assert.deepEqual(await a.claimWebhooks({ now: now + 600, limit: 50, leaseMs: 10_000 }), []);

        // Delivered: gone. Never answered (a crashed deliverer): due again once the lease runs out.
        for (const id of ids.filter((id) => id !== 'msg_29')) await a.deleteWebhook(id);
        const expired = await a.claimWebhooks({ now: now + 10_000, limit: 50, leaseMs: 10_000 });
        assert.deepEqual(expired, [{ ...message('msg_29'), attempt: 2 }]);
        await b.deleteWebhook('msg_29');
        assert.equal(await countRows(a, 'webhook_outbox'), 0);
      }),
    );
  });
}
