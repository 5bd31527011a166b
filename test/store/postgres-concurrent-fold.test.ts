// Two Dwell instances on one PostgreSQL fold at once (issue #26): each partition of sessions is
// folded under its own advisory lock, so one instance folds some partitions while the other folds
// the rest, and neither loses a beat or credits one twice. The reference is sequential accounting
// (fold-model.ts) over a copy of every journaled beat, kept by a trigger.

import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import pg from 'pg';
import type { AccountingRules } from '../../src/accounting/credit-beat.ts';
import type { JournalColumns } from '../../src/store/append/journal.ts';
import { PARTITIONS } from '../../src/store/engines/postgres/fold.ts';
import { PostgresStore } from '../../src/store/engines/postgres/store.ts';
import { dropSchema, POSTGRES_URL, postgresSkipReason, testSchemaName } from './engines.ts';
import { applyToModel, assertSameAsModel, type ModelSession, newModelSession } from './fold-model.ts';

const rules: AccountingRules = { intervalMs: 20, timeoutMs: 60_000, toleranceMs: 5 };
const TOKEN = createHash('sha256').update('secret').digest();
const TIMING = { maxAgeMs: 30, quietMs: 20 };
const LOCK = "hashtext('dwell_journal_fold')";

async function openInstances(schema: string): Promise<[PostgresStore, PostgresStore]> {
  const open = () =>
    new PostgresStore({ url: POSTGRES_URL, schema, rules, max: 4, foldEveryMs: 0, foldTiming: TIMING });
  const pair: [PostgresStore, PostgresStore] = [open(), open()];
  await Promise.all(pair.map((store) => store.migrate()));
  // Every journaled beat, copied as it is appended: the reference replays them all.
  await pair[0].pool.query(`CREATE TABLE journal_copy (LIKE beat_journal);
    CREATE FUNCTION copy_beat() RETURNS trigger LANGUAGE plpgsql AS
      $$ BEGIN INSERT INTO journal_copy SELECT NEW.*; RETURN NEW; END $$;
    CREATE TRIGGER copy_beat AFTER INSERT ON beat_journal FOR EACH ROW EXECUTE FUNCTION copy_beat()`);
  return pair;
}

async function startSession(store: PostgresStore, model: Map<number, ModelSession>): Promise<ModelSession> {
  const id = randomUUID();
  const { startedAt } = await store.createSession({
    id,
    tokenHash: TOKEN,
    email: null,
    visitorId: `v${model.size % 3}`,
    entryUrl: '/p0',
    referrer: null,
    screen: null,
    lang: null,
  });
  const { rows } = await store.pool.query<{ pk: string }>('SELECT pk FROM sessions WHERE id = $1', [id]);
  const session = newModelSession(Number(rows[0]!.pk), id, startedAt, TOKEN);
  model.set(session.row.pk, session);
  return session;
}

const beat = (session: ModelSession, n: number) => {
  session.seq += 1;
  return {
    sessionId: session.row.id,
    tokenHash: TOKEN,
    seq: session.seq,
    engagedMs: 10 + (n % 7),
    visibleMs: 12 + (n % 7),
    url: `/p${n % 3}`,
    scroll: n % 100,
    final: n % 23 === 0,
  };
};

const skip = await postgresSkipReason();

describe('two PostgreSQL instances fold at once', { skip }, () => {
  it('each folds the partitions the other is not folding, and the fold waits for none', async () => {
    const schema = testSchemaName();
    const [a, b] = await openInstances(schema);
    const model = new Map<number, ModelSession>();
    const holder = new pg.Client({ connectionString: POSTGRES_URL });
    await holder.connect();
    try {
      const sessions: ModelSession[] = [];
      for (let i = 0; i < 2 * PARTITIONS; i++) sessions.push(await startSession(a, model));
      for (const [n, session] of sessions.entries()) await b.recordBeat({ ...beat(session, n), final: true });
      // Another instance holds partition 0's lock, as a fold in progress there does.
      await holder.query('BEGIN');
      await holder.query(`SELECT pg_advisory_xact_lock(${LOCK}, 0)`);
      const folded = await b.foldDue();
      const left = await b.pool.query<{ session_pk: string }>('SELECT session_pk FROM beat_journal');
      assert.equal(folded, sessions.length - 2, 'every partition but the one held');
      assert.deepEqual(
        left.rows.map((r) => Number(r.session_pk) % PARTITIONS),
        [0, 0],
      );
      await holder.query('COMMIT');
      assert.equal(await b.foldDue(), 2, 'the skipped sessions are folded at the next tick');
      const { rows } = await a.pool.query<JournalColumns>('SELECT * FROM journal_copy');
      applyToModel(model, rows, rules);
      await assertSameAsModel(a, model);
    } finally {
      await holder.end();
      await a.close();
      await b.close();
      await dropSchema(schema);
    }
  });

  it('sweeps the beats another instance appended, and tells its own listeners what it credited', async () => {
    const schema = testSchemaName();
    const [a, b] = await openInstances(schema);
    const model = new Map<number, ModelSession>();
    try {
      const sessions: ModelSession[] = [];
      for (let i = 0; i < 3; i++) sessions.push(await startSession(a, model));
      // Appended by a, which never folds them: only b's sweep can, once they are sweepAfterMs old.
      for (const [n, session] of sessions.entries()) await a.recordBeat(beat(session, n + 1));
      const heard: string[] = [];
      b.onFolded((beats) => heard.push(...beats.map((folded) => folded.sessionId)));
      await new Promise((resolve) => setTimeout(resolve, 3 * TIMING.maxAgeMs));
      assert.equal(await b.foldDue(), sessions.length);
      assert.deepEqual(heard.sort(), sessions.map((session) => session.row.id).sort());
      const { rows } = await a.pool.query<JournalColumns>('SELECT * FROM journal_copy');
      applyToModel(model, rows, rules);
      await assertSameAsModel(a, model);
    } finally {
      await a.close();
      await b.close();
      await dropSchema(schema);
    }
  });

  it('lose nothing and credit nothing twice under interleaved beats', async () => {
    const schema = testSchemaName();
    const [a, b] = await openInstances(schema);
    const model = new Map<number, ModelSession>();
    try {
      const sessions: ModelSession[] = [];
      for (let i = 0; i < 40; i++) sessions.push(await startSession(i % 2 ? a : b, model));
      const foldedBy = { a: 0, b: 0 };
      let n = 0;
      for (let round = 0; round < 12; round++) {
        // Beats of one session reach both instances (no sticky load balancer), while both fold.
        const beats = Array.from({ length: 60 }, () => {
          n += 1;
          const session = sessions[(n * 7) % sessions.length]!;
          return (n % 2 ? a : b).recordBeat(beat(session, n));
        });
        const answers = await Promise.all([
          ...beats,
          a.foldDue().then((count) => {
            foldedBy.a += count;
          }),
          b.foldDue().then((count) => {
            foldedBy.b += count;
          }),
        ]);
        for (const answer of answers.slice(0, beats.length)) assert.deepEqual(answer, { kind: 'accepted' });
        await new Promise((resolve) => setTimeout(resolve, 15));
      }
      assert.ok(foldedBy.a > 0 && foldedBy.b > 0, `both instances folded (${foldedBy.a}, ${foldedBy.b})`);
      await Promise.all([a.foldRollups(), b.foldRollups()]);
      const { rows: journal } = await a.pool.query('SELECT * FROM beat_journal');
      assert.deepEqual(journal, [], 'every beat folded');
      const { rows } = await a.pool.query<JournalColumns>('SELECT * FROM journal_copy');
      assert.equal(rows.length, n, 'every acknowledged beat was journaled once');
      applyToModel(model, rows, rules);
      await assertSameAsModel(a, model);
      // The rollups hold each session's time once.
      const { rows: sums } = await a.pool.query<{ sessions: string; rollups: string }>(
        `SELECT (SELECT sum(engaged_ms) FROM sessions) AS sessions, (SELECT sum(engaged_ms) FROM rollup_days) AS rollups`,
      );
      const expected = [...model.values()].reduce((sum, s) => sum + s.row.engagedMs, 0);
      assert.deepEqual(sums[0], { sessions: String(expected), rollups: String(expected) });
    } finally {
      await a.close();
      await b.close();
      await dropSchema(schema);
    }
  });
});
