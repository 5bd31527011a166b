// The fold gives exactly what sequential accounting gives. Any interleaving of session starts,
// beats (retries, out-of-order seqs, final and resume, expiry, a seed client and dwell.js on one
// session), purges and folds — a read's fold of everything or the timer's fold of the sessions due
// (issue #26: ended, quiet, or old enough, and the sweep of old rows), in any chunk size, with
// crashes injected at any step of a fold — must
// leave every session, page, section and span as applying each acknowledged beat in turn (planBeat,
// the rule the engines applied per request before the journal) leaves them, and no page's sections
// hold more than its engaged time. On both engines.

import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { AccountingRules } from '../../src/accounting/credit-beat.ts';
import type { JournalColumns } from '../../src/store/append/journal.ts';
import { PostgresStore } from '../../src/store/engines/postgres/store.ts';
import { SqliteStore } from '../../src/store/engines/sqlite/store.ts';
import { dropSchema, engines, POSTGRES_URL, testSchemaName } from './engines.ts';
import { applyToModel, assertSameAsModel, type ModelSession, newModelSession } from './fold-model.ts';

// Short periods, so PostgreSQL (whose clock is the database's) reaches expiry with real waits.
const rules: AccountingRules = { intervalMs: 20, timeoutMs: 120, toleranceMs: 5 };
const TOKEN = createHash('sha256').update('secret').digest();
const CRASH_POINTS = ['sessions', 'session_pages', 'beat_journal'] as const;
// The timer's schedule on the same scale: a session is due 100 ms after its first unfolded beat, or
// 50 ms after its last; rows 200 ms old are swept whoever journaled them.
const TIMING = { maxAgeMs: 100, quietMs: 50 };

type Command =
  | { kind: 'start' }
  | {
      kind: 'beat';
      session: number;
      client: 'tracker' | 'seed' | 'retry' | 'stale';
      engagedMs: number;
      visibleExtra: number;
      page: number;
      final: boolean;
      sections: number;
    }
  | { kind: 'wait'; ms: number }
  | { kind: 'fold'; due: boolean; crash: (typeof CRASH_POINTS)[number] | null }
  | { kind: 'purge' };

const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 1, arbitrary: fc.constant({ kind: 'start' as const }) },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('beat' as const),
      session: fc.nat(4),
      client: fc.constantFrom('tracker', 'tracker', 'seed', 'retry', 'stale'),
      engagedMs: fc.nat(40),
      visibleExtra: fc.nat(20),
      page: fc.nat(2),
      final: fc.boolean(),
      sections: fc.nat(3),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 1, max: 150 }) }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('fold' as const),
      due: fc.boolean(),
      crash: fc.constantFrom(null, null, ...CRASH_POINTS),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'purge' as const }) },
);

type AnyStore = SqliteStore | PostgresStore;

/** Runs SQL beneath the Store interface: the journal's rows and the injected crashes. */
async function sql<T>(store: AnyStore, text: string): Promise<T[]> {
  if (store instanceof SqliteStore) {
    const statement = store.db.prepare(text);
    if (statement.reader) return statement.all() as T[];
    statement.run();
    return [];
  }
  return (await store.pool.query(text)).rows as T[];
}

/** A trigger that aborts the fold's transaction at its first write to `table`. */
async function injectCrash(store: AnyStore, table: string): Promise<void> {
  const event = table === 'beat_journal' ? 'DELETE' : table === 'sessions' ? 'UPDATE' : 'INSERT';
  if (store instanceof SqliteStore) {
    store.db.exec(`CREATE TEMP TRIGGER crash BEFORE ${event} ON main.${table} BEGIN
      SELECT RAISE(ABORT, 'injected crash'); END`);
  } else {
    await store.pool.query(`CREATE FUNCTION crash() RETURNS trigger LANGUAGE plpgsql AS
      $$ BEGIN RAISE EXCEPTION 'injected crash'; END $$`);
    await store.pool.query(
      `CREATE TRIGGER crash BEFORE ${event} ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION crash()`,
    );
  }
}

async function removeCrash(store: AnyStore, table: string): Promise<void> {
  if (store instanceof SqliteStore) store.db.exec('DROP TRIGGER temp.crash');
  else {
    await store.pool.query(`DROP TRIGGER crash ON ${table}`);
    await store.pool.query('DROP FUNCTION crash()');
  }
}

for (const engine of await engines()) {
  describe(`the fold equals sequential accounting: ${engine.name}`, { skip: engine.skip }, () => {
    it('after any interleaving of beats, purges, chunked folds and crashes', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(command, { minLength: 5, maxLength: 40 }),
          fc.integer({ min: 1, max: 6 }),
          async (commands, chunk) => {
            let clock = Date.UTC(2026, 11, 1, 12);
            const dir = mkdtempSync(join(tmpdir(), 'dwell-fold-'));
            const schema = testSchemaName();
            const store: AnyStore =
              engine.name === 'sqlite'
                ? new SqliteStore({
                    path: join(dir, 'dwell.db'),
                    rules,
                    clock: () => clock,
                    foldChunk: chunk,
                    foldEveryMs: 0,
                    foldTiming: TIMING,
                  })
                : new PostgresStore({
                    url: POSTGRES_URL,
                    schema,
                    rules,
                    max: 2,
                    foldChunk: chunk,
                    foldEveryMs: 0,
                    foldTiming: TIMING,
                  });
            await store.migrate();
            const model = new Map<number, ModelSession>();
            const byIndex: ModelSession[] = [];
            /**
             * A fold of everything journaled. Each chunk commits on its own, so a crash leaves the
             * chunks before it folded: the model takes exactly the beats that left the journal.
             */
            const fold = async (crash: string | null, due = false) => {
              const before = await sql<JournalColumns>(store, 'SELECT * FROM beat_journal');
              if (crash) await injectCrash(store, crash);
              const failures: unknown[] = [];
              const stopListening = store.onBackgroundError((error) => failures.push(error));
              try {
                // The timer's fold reports its failures instead of throwing them.
                if (due) await store.foldDue();
                else await store.fold();
                if (!crash) assert.deepEqual(failures, [], 'only an injected crash fails the timer');
              } catch (error) {
                assert.ok(crash, `only an injected crash fails a fold: ${(error as Error).message}`);
              } finally {
                stopListening();
                if (crash) await removeCrash(store, crash);
              }
              const left = new Set(
                (await sql<{ id: number }>(store, 'SELECT id FROM beat_journal')).map((r) => Number(r.id)),
              );
              applyToModel(
                model,
                before.filter((entry) => !left.has(Number(entry.id))),
                rules,
              );
            };
            try {
              for (const c of commands) {
                if (c.kind === 'start') {
                  const id = randomUUID();
                  const { startedAt } = await store.createSession({
                    id,
                    tokenHash: TOKEN,
                    email: null,
                    visitorId: `v${byIndex.length % 2}`,
                    entryUrl: '/p0',
                    referrer: null,
                    screen: null,
                    lang: null,
                  });
                  const [found] = await sql<{ pk: number }>(
                    store,
                    `SELECT pk FROM sessions WHERE id = '${id}'`,
                  );
                  const session = newModelSession(Number(found!.pk), id, startedAt, TOKEN);
                  model.set(session.row.pk, session);
                  byIndex.push(session);
                } else if (c.kind === 'beat') {
                  const session = byIndex[c.session % Math.max(1, byIndex.length)];
                  if (!session) continue;
                  if (c.client === 'seed') {
                    await store.recordBeat({ sessionId: session.row.id });
                    continue;
                  }
                  if (c.client === 'tracker') session.seq += 1;
                  const seq = c.client === 'stale' ? Math.max(1, session.seq - 2) : Math.max(1, session.seq);
                  const sections = Array.from({ length: c.sections }, (_, i) => ({
                    name: `s${i}`,
                    engagedMs: Math.floor(c.engagedMs / 2) + i,
                    position: i,
                  }));
                  await store.recordBeat({
                    sessionId: session.row.id,
                    tokenHash: TOKEN,
                    seq,
                    engagedMs: c.engagedMs,
                    visibleMs: c.engagedMs + c.visibleExtra,
                    url: `/p${c.page}`,
                    scroll: c.page * 10,
                    final: c.final,
                    sections,
                  });
                } else if (c.kind === 'wait') {
                  if (store instanceof SqliteStore) clock += c.ms;
                  else await new Promise((resolve) => setTimeout(resolve, c.ms));
                } else if (c.kind === 'fold') {
                  await fold(c.crash, c.due);
                } else {
                  // A purge folds first; then the sessions it removed leave the model.
                  await fold(null);
                  await store.purgeSessions((await store.now()) - rules.timeoutMs);
                  const left = new Set(
                    (await sql<{ pk: number }>(store, 'SELECT pk FROM sessions')).map((r) => Number(r.pk)),
                  );
                  for (const pk of model.keys()) if (!left.has(pk)) model.delete(pk);
                }
              }
              await fold(null);
              assert.deepEqual(await sql(store, 'SELECT * FROM beat_journal'), [], 'folded beats are pruned');
              await assertSameAsModel(store, model);
            } finally {
              await store.close();
              rmSync(dir, { recursive: true, force: true });
              if (store instanceof PostgresStore) await dropSchema(schema);
            }
          },
        ),
        { numRuns: engine.name === 'sqlite' ? 60 : 15 },
      );
    });
  });
}
