// Applies the deltas that triggers and beats left in rollup_pending and rollup_pages_pending
// (rollups-sql.ts) to the rollups, in transactions of up to 20,000 deltas under an advisory lock,
// so only one instance folds at a time and no two folds lock rollup rows in different orders. Rows
// appended while a fold runs are not in its snapshot: they stay for the next one.
//
// A fold is exact however many deltas came in between: a session's successive rows telescope (old →
// new, new → newer), so their sum is the move from its first state to its last. A visitor-day that
// lost a session (a purge, a move) has its first and last activity recomputed from the sessions
// that remain, and is deleted once it has none; a person whose days came or went has them relinked
// (prev_day).

import type pg from 'pg';
import { DAY_MS as DAY } from '../../queries/stats-math.ts';
import { withTransaction } from './connect.ts';
import { who } from './rollups-sql.ts';

const LOCK = "hashtext('dwell_rollup_fold')";

/** Deltas per fold transaction, so a fold (after a big import too) holds its lock briefly. */
const CHUNK = 20_000;

/** Up to CHUNK rows of a pending table, by their physical address (only the folder deletes them). */
const take = (table: string) =>
  `DELETE FROM ${table} WHERE ctid = ANY(ARRAY(SELECT ctid FROM ${table} LIMIT ${CHUNK})) RETURNING *`;

const FOLD_SESSIONS = `
  WITH moved AS (${take('rollup_pending')}),
  days AS (
    INSERT INTO rollup_days (day, sessions, engaged_ms)
      SELECT day, sum((new_ms IS NOT NULL)::int - (old_ms IS NOT NULL)::int),
        sum(coalesce(new_ms, 0) - coalesce(old_ms, 0))
      FROM moved GROUP BY day
    ON CONFLICT (day) DO UPDATE SET sessions = rollup_days.sessions + excluded.sessions,
      engaged_ms = rollup_days.engaged_ms + excluded.engaged_ms
  ),
  -- Each row moves one session from the bucket of its old duration to that of its new one.
  durations AS (
    INSERT INTO rollup_durations (day, seconds, sessions)
      SELECT day, seconds, sum(n) FROM (
        SELECT day, old_ms / 1000 AS seconds, -1 AS n FROM moved WHERE old_ms IS NOT NULL
        UNION ALL SELECT day, new_ms / 1000, 1 FROM moved WHERE new_ms IS NOT NULL) AS x
      GROUP BY day, seconds HAVING sum(n) <> 0
    ON CONFLICT (day, seconds) DO UPDATE SET sessions = rollup_durations.sessions + excluded.sessions
  ),
  people AS (
    INSERT INTO rollup_visitor_days (day, who, sessions, engaged_ms, first_at, last_at)
      SELECT day, who, sum((new_ms IS NOT NULL)::int - (old_ms IS NOT NULL)::int),
        sum(coalesce(new_ms, 0) - coalesce(old_ms, 0)), min(first_at), max(last_at)
      FROM moved WHERE who IS NOT NULL GROUP BY day, who
    ON CONFLICT (day, who) DO UPDATE SET sessions = rollup_visitor_days.sessions + excluded.sessions,
      engaged_ms = rollup_visitor_days.engaged_ms + excluded.engaged_ms,
      first_at = least(rollup_visitor_days.first_at, excluded.first_at),
      last_at = greatest(rollup_visitor_days.last_at, excluded.last_at)
    RETURNING who, xmax = 0 AS created
  )
  SELECT (SELECT count(*)::int FROM moved) AS folded,
    -- day|who of every visitor-day that lost a session
    (SELECT array_agg(DISTINCT day || '|' || who) FROM moved WHERE who IS NOT NULL AND new_ms IS NULL) AS lost,
    -- people with a new visitor-day, whose days must be relinked
    (SELECT array_agg(DISTINCT who) FROM people WHERE created) AS born`;

/** Visitor-days of the people who lost a session: recomputed from what remains, or deleted. */
const RECOMPUTE_PEOPLE = `
  WITH touched AS (
    SELECT r.day, r.who FROM rollup_visitor_days r JOIN unnest($1::text[]) AS lost(key)
      ON r.day = split_part(lost.key, '|', 1)::int AND r.who = substr(lost.key, strpos(lost.key, '|') + 1)
  ), gone AS (
    DELETE FROM rollup_visitor_days r USING touched t
    WHERE r.day = t.day AND r.who = t.who AND r.sessions <= 0
    RETURNING r.who
  ), recomputed AS (
    UPDATE rollup_visitor_days r SET first_at = x.first_at, last_at = x.last_at
    FROM (
      SELECT t.day, t.who, min(s.started_at) AS first_at, max(s.last_activity_at) AS last_at
      FROM touched t JOIN sessions s ON ${who('s')} = t.who
        AND s.started_at >= t.day::bigint * ${DAY} AND s.started_at < (t.day::bigint + 1) * ${DAY}
      GROUP BY t.day, t.who
    ) AS x
    WHERE r.day = x.day AND r.who = x.who AND r.sessions > 0
  )
  SELECT array_agg(DISTINCT who) AS gone FROM gone`;

/** The people whose visitor-days came or went: each day's prev_day is the day before it again. */
const RELINK_PEOPLE = `
  UPDATE rollup_visitor_days r SET prev_day = linked.prev_day
  FROM (
    SELECT day, who, lag(day) OVER (PARTITION BY who ORDER BY day) AS prev_day
    FROM rollup_visitor_days WHERE who = ANY($1::text[])
  ) AS linked
  WHERE r.day = linked.day AND r.who = linked.who AND r.prev_day IS DISTINCT FROM linked.prev_day`;

const FOLD_PAGES = `
  WITH moved AS (${take('rollup_pages_pending')}),
  applied AS (
    INSERT INTO rollup_pages (day, url, sessions, engaged_ms)
      SELECT day, url, sum(sessions), sum(engaged_ms) FROM moved GROUP BY day, url
    ON CONFLICT (day, url) DO UPDATE SET sessions = rollup_pages.sessions + excluded.sessions,
      engaged_ms = rollup_pages.engaged_ms + excluded.engaged_ms
  )
  SELECT count(*)::int AS folded FROM moved`;

/**
 * Folds every pending delta, a chunk per transaction; returns how many deltas it folded. With
 * `wait: false` it returns at once when another connection is folding (the timer's case: that one
 * does the work).
 */
export async function foldRollups(pool: pg.Pool, options: { wait: boolean }): Promise<number> {
  let total = 0;
  for (;;) {
    const folded = await foldChunk(pool, options.wait);
    total += folded;
    if (folded < CHUNK) return total;
  }
}

/** One transaction: up to CHUNK deltas of each pending table; returns the larger count. */
function foldChunk(pool: pg.Pool, wait: boolean): Promise<number> {
  return withTransaction(pool, async (client) => {
    if (wait) {
      await client.query(`SELECT pg_advisory_xact_lock(${LOCK})`);
    } else {
      const { rows } = await client.query<{ locked: boolean }>(
        `SELECT pg_try_advisory_xact_lock(${LOCK}) AS locked`,
      );
      if (!rows[0]?.locked) return 0;
    }
    const { rows } = await client.query<{
      folded: number;
      lost: string[] | null;
      born: string[] | null;
    }>(FOLD_SESSIONS);
    const { folded, lost, born } = rows[0]!;
    const relink = new Set(born);
    if (lost) {
      const { rows: gone } = await client.query<{ gone: string[] | null }>(RECOMPUTE_PEOPLE, [lost]);
      for (const person of gone[0]?.gone ?? []) relink.add(person);
    }
    if (relink.size > 0) await client.query(RELINK_PEOPLE, [[...relink]]);
    const pages = await client.query<{ folded: number }>(FOLD_PAGES);
    return Math.max(folded, pages.rows[0]!.folded);
  });
}

/**
 * Vacuums the two pending tables. Every fold deletes what it applied, and a fold scans the dead rows
 * until a vacuum removes them; autovacuum looks only once a minute, by when a busy site has left
 * several hundred thousand. The store calls this after every 100,000 deltas it folded.
 */
export async function vacuumPending(pool: pg.Pool): Promise<void> {
  await pool.query('VACUUM rollup_pending, rollup_pages_pending');
}

/**
 * Vacuums and analyzes the rollups and their queues, after a bulk write (an import, a benchmark's
 * seed) has folded: a fold would otherwise scan the queues' dead rows until autovacuum came by (a
 * stats query took 80 ms instead of 20 after a million-session import), and the count of people
 * could not read its index alone.
 */
export async function vacuumRollups(pool: pg.Pool): Promise<void> {
  await pool.query(
    'VACUUM (ANALYZE) rollup_pending, rollup_pages_pending, rollup_visitor_days, rollup_days, rollup_durations, rollup_pages',
  );
}
