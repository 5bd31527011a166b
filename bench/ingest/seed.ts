// Seeds the benchmark databases: `total` sessions, of which the newest `active` are mid-visit
// (their ids and tokens are written for wrk). Bulk inserts, one transaction per chunk.

import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import pg from 'pg';
import { newSessionId } from '../../src/server/session-id.ts';
import { vacuumRollups } from '../../src/store/engines/postgres/rollup-queue.ts';
import { PostgresStore } from '../../src/store/engines/postgres/store.ts';
import { SqliteStore } from '../../src/store/engines/sqlite/store.ts';

const rules = { intervalMs: 15_000, timeoutMs: 1_800_000, toleranceMs: 2_000 };
const DAY = 86_400_000;

/**
 * The one site every seeded session belongs to, in UTC, so a session's day is its UTC date. (Before
 * 2026-12-06 the seed left `site` and `day` at 0: every session in one day of no site, so each
 * beat's rollup delta made that one "day" stale and the breakdown builder re-read every session.)
 */
const SITE = {
  id: 'site-test',
  name: 'site.test',
  hosts: [{ host: 'site.test', path: '' }],
  timeZone: 'UTC',
  origins: null,
};

interface SeedRow {
  id: string;
  tokenHash: Buffer;
  startedAt: number;
  lastActivityAt: number;
  engagedMs: number;
  url: string;
}

function* rows(total: number, active: number, now: number, tokens: string[]): Generator<SeedRow> {
  for (let i = 0; i < total; i++) {
    const isActive = i >= total - active;
    const token = isActive ? `bench-token-${i}` : `old-${i}`;
    const startedAt = isActive ? now - 60_000 : now - 30 * DAY + Math.floor((i / total) * 30 * DAY);
    const row = {
      id: newSessionId(startedAt),
      tokenHash: createHash('sha256').update(token).digest(),
      startedAt,
      lastActivityAt: isActive ? now - 1_000 : startedAt + 45_000,
      engagedMs: isActive ? 0 : 40_000,
      url: `https://site.test/p${i % 50}`,
    };
    if (isActive) tokens.push(`${row.id} ${token}`);
    yield row;
  }
}

/**
 * Seeds Dwell's SQLite file and, in `naivePath`, the same ids in the naive design's table: one row
 * per session, `duration = duration + 30` per beat (bench/ingest/naive-sqlite-server.mjs).
 */
export async function seedSqlite(
  path: string,
  total: number,
  active: number,
  idsFile: string,
  naivePath?: string,
): Promise<void> {
  const store = new SqliteStore({ path, rules });
  await store.migrate();
  const site = (await store.createSite(SITE, Date.now())).pk;
  const naive = naivePath ? new Database(naivePath) : null;
  naive?.pragma('journal_mode = WAL');
  naive?.exec(
    'CREATE TABLE IF NOT EXISTS seed_sessions (id TEXT PRIMARY KEY, last_activity_at INTEGER NOT NULL, duration INTEGER NOT NULL DEFAULT 0)',
  );
  const insertNaive = naive?.prepare('INSERT INTO seed_sessions (id, last_activity_at) VALUES (?, ?)');
  const naiveChunk = naive?.transaction((batch: SeedRow[]) => {
    for (const r of batch) insertNaive!.run(r.id, r.lastActivityAt);
  });
  const insert = store.db.prepare(
    `INSERT INTO sessions (id, token_hash, started_at, last_activity_at, engaged_ms, entry_url, current_url, visitor_id, site, day)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const tokens: string[] = [];
  const chunk = store.db.transaction((batch: SeedRow[]) => {
    for (const r of batch)
      insert.run(
        r.id,
        r.tokenHash,
        r.startedAt,
        r.lastActivityAt,
        r.engagedMs,
        r.url,
        r.url,
        r.id.slice(-8),
        site,
        Math.floor(r.startedAt / DAY),
      );
    naiveChunk?.(batch);
  });
  let batch: SeedRow[] = [];
  for (const row of rows(total, active, Date.now(), tokens)) {
    batch.push(row);
    if (batch.length === 50_000) {
      chunk(batch);
      batch = [];
    }
  }
  chunk(batch);
  // The rollup deltas the inserts queued are folded here, not by the server's first fold, which
  // would hold its start (SQLite folds on the event loop) for as long as a million deltas take.
  await store.foldRollups();
  // Past days' breakdown columns, as a server that has been running has them: the bench measures
  // beats, not the background builder's first pass over a million imported sessions.
  await store.buildBreakdowns();
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  await store.close();
  naive?.pragma('wal_checkpoint(TRUNCATE)');
  naive?.close();
  writeFileSync(idsFile, `${tokens.join('\n')}\n`);
}

export async function seedPostgres(
  url: string,
  schema: string,
  total: number,
  active: number,
  idsFile: string,
): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.end();
  const store = new PostgresStore({ url, schema, rules });
  await store.migrate();
  const site = (await store.createSite(SITE, Date.now())).pk;
  const client = await store.pool.connect();
  const tokens: string[] = [];
  try {
    await client.query(
      'CREATE TABLE seed_sessions (id TEXT PRIMARY KEY, last_activity_at TIMESTAMPTZ NOT NULL, duration INTEGER NOT NULL DEFAULT 0)',
    );
    let batch: SeedRow[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const col = <T>(pick: (r: SeedRow) => T) => batch.map(pick);
      await client.query(
        `INSERT INTO sessions (id, token_hash, started_at, last_activity_at, engaged_ms, entry_url, current_url, visitor_id, site, day)
         SELECT u.*, $8::bigint, (u.started_at / ${DAY})::int
         FROM unnest($1::text[], $2::bytea[], $3::bigint[], $4::bigint[], $5::bigint[], $6::text[], $6::text[], $7::text[])
           AS u (id, token_hash, started_at, last_activity_at, engaged_ms, entry_url, current_url, visitor_id)`,
        [
          col((r) => r.id),
          col((r) => r.tokenHash),
          col((r) => r.startedAt),
          col((r) => r.lastActivityAt),
          col((r) => r.engagedMs),
          col((r) => r.url),
          col((r) => r.id.slice(-8)),
          site,
        ],
      );
      await client.query(
        'INSERT INTO seed_sessions (id, last_activity_at, duration) SELECT id, now(), 0 FROM unnest($1::text[]) AS id',
        [col((r) => r.id)],
      );
      batch = [];
    };
    for (const row of rows(total, active, Date.now(), tokens)) {
      batch.push(row);
      if (batch.length === 20_000) await flush();
    }
    await flush();
  } finally {
    client.release();
  }
  try {
    // The seed's rollup deltas are folded now, not by the server while it is being measured.
    await store.foldRollups();
    await store.buildBreakdowns();
    await vacuumRollups(store.pool);
    await store.pool.query('VACUUM ANALYZE sessions');
    await store.pool.query('VACUUM ANALYZE seed_sessions');
  } finally {
    await store.close();
  }
  writeFileSync(idsFile, `${tokens.join('\n')}\n`);
}
