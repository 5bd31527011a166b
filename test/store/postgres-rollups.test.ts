// PostgreSQL's rollups (migration 5, rollups-sql.ts) are kept by deltas that triggers append and a
// fold applies. Whatever mix of session starts, beats, imports, moves to another person, purges and
// reads happens — from two instances at once — the folded rollups must equal what a rebuild from
// the sessions computes. (Time is the database's clock here, so days differ through imports.)

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import pg from 'pg';
import { migrations } from '../../src/store/engines/postgres/migrations.ts';
import { PostgresStore } from '../../src/store/engines/postgres/store.ts';
import { rebuildRollupsSql } from '../../src/store/queries/rebuild-rollups.ts';
import { postgresDialect } from '../../src/store/sql.ts';
import { dropSchema, POSTGRES_URL, postgresSkipReason, testSchemaName } from './engines.ts';
import { beatFields, finishedSession, startAction, trackerSession } from './rollup-fixtures.ts';

const rules = { intervalMs: 5_000, timeoutMs: 600_000, toleranceMs: 1_000 };
const DAY = 86_400_000;

const ROLLUPS = {
  rollup_days: 'SELECT day, sessions, engaged_ms FROM rollup_days WHERE sessions <> 0 ORDER BY 1',
  rollup_durations: 'SELECT day, seconds, sessions FROM rollup_durations WHERE sessions <> 0 ORDER BY 1, 2',
  rollup_pages: 'SELECT day, url, sessions, engaged_ms FROM rollup_pages WHERE sessions <> 0 ORDER BY 1, 2',
  rollup_visitor_days: `SELECT day, who, sessions, engaged_ms, first_at, last_at, prev_day
    FROM rollup_visitor_days ORDER BY 1, 2`,
  rollup_first_days:
    'SELECT site, day, prev_day, people FROM rollup_first_days WHERE people <> 0 ORDER BY 1, 2, 3',
};

async function readRollups(client: { query: PostgresStore['pool']['query'] }) {
  const entries = [];
  for (const [name, sql] of Object.entries(ROLLUPS)) entries.push([name, (await client.query(sql)).rows]);
  return Object.fromEntries(entries);
}

/** The rollups as kept, and as a rebuild computes them from the same sessions (rolled back). */
async function keptAndRebuilt(store: PostgresStore) {
  await store.foldRollups();
  const client = await store.pool.connect();
  try {
    const kept = await readRollups(client);
    await client.query('BEGIN');
    await client.query(rebuildRollupsSql(postgresDialect));
    const rebuilt = await readRollups(client);
    await client.query('ROLLBACK');
    return { kept, rebuilt };
  } finally {
    client.release();
  }
}

const action = fc.oneof(
  startAction,
  fc.record({ ...beatFields, instance: fc.constantFrom(0, 1) }),
  fc.record({ kind: fc.constant('purge' as const), agoMs: fc.integer({ min: 0, max: 3 * DAY }) }),
  fc.record({ kind: fc.constant('read' as const), instance: fc.constantFrom(0, 1) }),
  // A finished session written whole, on any of the last three days.
  fc.record({
    kind: fc.constant('import' as const),
    who: fc.constantFrom('va', 'vd'),
    agoMs: fc.integer({ min: 0, max: 3 * DAY }),
    seconds: fc.integer({ min: 1, max: 600 }),
  }),
  // A session handed to another person (an email attached later): it moves between visitor-days.
  fc.record({
    kind: fc.constant('move' as const),
    session: fc.nat(),
    email: fc.option(fc.constantFrom('a@x.test', 'c@x.test'), { nil: null }),
  }),
);

describe('PostgreSQL rollups', { skip: await postgresSkipReason() }, () => {
  it('equal a rebuild from the sessions after any mix of writes from two instances', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 40 }), async (actions) => {
        const schema = testSchemaName();
        const stores = [0, 1].map(() => new PostgresStore({ url: POSTGRES_URL, schema, rules, max: 3 }));
        try {
          await Promise.all(stores.map((s) => s.migrate()));
          const [first] = stores as [PostgresStore, PostgresStore];
          const now = await first.now();
          const ids: string[] = [];
          const seqs = new Map<string, number>();
          const beats: Promise<unknown>[] = [];
          let imported = 0;
          for (const step of actions) {
            if (step.kind === 'start') {
              const id = `s${ids.length}`;
              await first.createSession(trackerSession(id, step.who, step.email));
              ids.push(id);
            } else if (step.kind === 'beat' && ids.length > 0) {
              const id = ids[step.session % ids.length]!;
              const seq = (seqs.get(id) ?? 0) + 1;
              seqs.set(id, seq);
              // Not awaited: beats of both instances are in flight together with what follows.
              beats.push(
                stores[step.instance]!.recordBeat({
                  sessionId: id,
                  trusted: true,
                  seq,
                  engagedMs: step.engagedMs,
                  url: step.url,
                  final: step.final,
                }),
              );
            } else if (step.kind === 'purge') {
              await first.purgeSessions(now - step.agoMs);
            } else if (step.kind === 'read') {
              await stores[step.instance]!.getStats({ from: now - 4 * DAY, to: now + DAY });
            } else if (step.kind === 'import') {
              await first.importSessions([
                finishedSession(`i${imported++}`, step.who, now - step.agoMs, step.seconds),
              ]);
            } else if (step.kind === 'move' && ids.length > 0) {
              await first.pool.query('UPDATE sessions SET email = $1 WHERE id = $2', [
                step.email,
                ids[step.session % ids.length],
              ]);
            }
          }
          await Promise.allSettled(beats);
          const { kept, rebuilt } = await keptAndRebuilt(first);
          assert.deepEqual(kept, rebuilt);
        } finally {
          await Promise.all(stores.map((s) => s.close()));
          await dropSchema(schema);
        }
      }),
      {
        numRuns: 30,
        includeErrorInReport: true,
        examples: [
          // A visitor-day that loses its first session must take its first activity from the next.
          [
            [
              { kind: 'start', who: 'va', email: null },
              { kind: 'start', who: 'va', email: null },
              { kind: 'move', session: 0, email: 'c@x.test' },
            ],
          ],
          // A page that already has time gains more in a later batch.
          [
            [
              { kind: 'start', who: 'va', email: null },
              { kind: 'beat', session: 0, engagedMs: 3_000, url: '/a', final: false, instance: 0 },
              { kind: 'read', instance: 0 },
              { kind: 'beat', session: 0, engagedMs: 3_000, url: '/a', final: false, instance: 1 },
            ],
          ],
          // A purge takes the earlier of two imported sessions of one person and day.
          [
            [
              { kind: 'import', who: 'vd', agoMs: 7_200_000, seconds: 60 },
              { kind: 'import', who: 'vd', agoMs: 3_600_000, seconds: 60 },
              { kind: 'purge', agoMs: 5_000_000 },
            ],
          ],
        ],
      },
    );
  });

  it('folds the deltas on its own, about every second, and stats read them folded', async () => {
    const schema = testSchemaName();
    const store = new PostgresStore({ url: POSTGRES_URL, schema, rules, max: 3 });
    try {
      await store.migrate();
      await store.createSession(trackerSession('s1', 'va'));
      const pending = async () =>
        (await store.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM rollup_pending')).rows[0]!.n;
      assert.equal(await pending(), 1, 'a start leaves one delta');
      const deadline = Date.now() + 5_000;
      while ((await pending()) > 0) {
        assert.ok(Date.now() < deadline, 'the timer folds within a few seconds');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const days = await store.pool.query<{ sessions: number }>('SELECT sessions FROM rollup_days');
      assert.deepEqual(
        days.rows.map((r) => r.sessions),
        [1],
      );
    } finally {
      await store.close();
      await dropSchema(schema);
    }
  });

  it('are built by migration 5 from the sessions a database already holds', async () => {
    // The same sessions written before migration 5 (no rollups yet) and after it (kept by deltas).
    const now = Date.UTC(2026, 10, 20, 12);
    // Sessions without a URL: the upgrade puts them in the one site it makes (pk 1, UTC days), so
    // the fresh schema's rows say the same site and day.
    const write = async (db: pg.ClientBase | pg.Pool, withSite = false) => {
      for (let i = 0; i < 40; i++) {
        const startedAt = now - (i % 4) * DAY - i * 60_000;
        const values = [
          `m${i}`,
          startedAt,
          startedAt + 90_000,
          1_000 * i,
          i % 5 === 0 ? 'a@x.test' : null,
          `v${i % 7}`,
        ];
        const { rows } = await db.query<{ pk: number }>(
          withSite
            ? `INSERT INTO sessions (id, started_at, last_activity_at, engaged_ms, email, visitor_id, site, day)
               VALUES ($1, $2, $3, $4, $5, $6, 1, $7) RETURNING pk`
            : `INSERT INTO sessions (id, started_at, last_activity_at, engaged_ms, email, visitor_id)
               VALUES ($1, $2, $3, $4, $5, $6) RETURNING pk`,
          withSite ? [...values, Math.floor(startedAt / DAY)] : values,
        );
        await db.query(
          `INSERT INTO session_pages (session_pk, url, engaged_ms) VALUES ($1, '/a', $2), ($1, $3, 500)`,
          [rows[0]!.pk, 400 * i, `/p${i % 3}`],
        );
      }
    };
    const before = testSchemaName();
    const after = testSchemaName();
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    const stores: PostgresStore[] = [];
    try {
      await client.query(`CREATE SCHEMA "${before}"; SET search_path = "${before}"`);
      await client.query(
        'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
      );
      for (const migration of migrations.filter((m) => m.version < 5)) {
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations VALUES ($1, $2, 0)', [
          migration.version,
          migration.name,
        ]);
      }
      await write(client);
      const upgraded = new PostgresStore({ url: POSTGRES_URL, schema: before, rules, max: 2 });
      const fresh = new PostgresStore({ url: POSTGRES_URL, schema: after, rules, max: 2 });
      stores.push(upgraded, fresh);
      await upgraded.migrate();
      await fresh.migrate();
      await write(fresh.pool, true);
      await fresh.foldRollups();
      const rollups = async (store: PostgresStore) => {
        const c = await store.pool.connect();
        try {
          return await readRollups(c);
        } finally {
          c.release();
        }
      };
      const built = await rollups(upgraded);
      assert.ok(built.rollup_visitor_days.length > 7, 'the fixture spans several people and days');
      assert.deepEqual(built, await rollups(fresh));
    } finally {
      await client.end();
      for (const store of stores) await store.close();
      await dropSchema(before);
      await dropSchema(after);
    }
  });
});
