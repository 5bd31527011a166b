// Applies the rollup deltas that writers left in rollup_pending (sessions: one row moves a session
// from its old state to its new one) and rollup_pages_pending (pages) to the rollups, in bulk: the
// same statements on both engines, a chunk per transaction. Writers never touch a rollup row
// themselves, so instances and the fold never wait on a hot row (today's).
//
// A fold is exact however many deltas came in between: a session's successive rows telescope (old →
// new, new → newer), so their sum is the move from its first state to its last. A visitor-day that
// lost a session (a purge, a move) has its first and last activity recomputed from the sessions
// that remain, and is deleted once it has none; a person whose days came or went has them relinked
// (prev_day: the previous day that person was seen, so "distinct people in a range" is a count of
// the range's rows with prev_day before it). The rollup property tests hold this to a rebuild.

import { personKeySql } from '../person-key.ts';
import { type Db, raw, sql } from '../sql.ts';

/** How an engine takes deltas out of its queues; the rest of the fold is the same on both. */
export interface RollupQueue {
  /** Excludes other folders for the transaction; false when `wait` is false and one holds it. */
  lock(tx: Db, wait: boolean): Promise<boolean>;
  /**
   * Moves up to `limit` rows of `queue` into the temporary table `into` (created by the fold), the
   * named columns, deleting them from the queue; returns how many it moved.
   */
  take(tx: Db, queue: string, into: string, columns: string, limit: number): Promise<number>;
  /**
   * Refreshes the planner's statistics of the rollups, called once a fold has applied
   * ANALYZE_EVERY deltas (absent where the planner needs none: SQLite's picks the index that
   * matches the most columns).
   */
  analyze?(db: Db): Promise<void>;
}

/** Both queues into their temporary tables; the larger count. */
async function takeBoth(tx: Db, queue: RollupQueue, limit: number): Promise<number> {
  const sessions = await queue.take(
    tx,
    'rollup_pending',
    'rollup_moved',
    'site, day, who, old_ms, new_ms, first_at, last_at',
    limit,
  );
  const pages = await queue.take(
    tx,
    'rollup_pages_pending',
    'rollup_pages_moved',
    'site, day, url, sessions, engaged_ms',
    limit,
  );
  return Math.max(sessions, pages);
}

/** Deltas per transaction, so a fold (after a big import too) holds its locks briefly. */
const CHUNK = 20_000;

/**
 * A fold that applies this many deltas (a bulk import's, a backlog's) refreshes the statistics as it
 * goes: PostgreSQL planned the lookup of new visitor-days on a rollup it believed empty through the
 * wrong index (every row of the day per lookup: a 20,000-delta chunk took 11 s, past the query
 * timeout, folding a million seeded sessions).
 */
const ANALYZE_EVERY = 2 * CHUNK;

/** Folds every pending delta, a chunk per transaction; returns how many it folded. */
export async function foldRollups(db: Db, queue: RollupQueue, wait: boolean): Promise<number> {
  // Every read of the rollups comes here first: empty queues (the usual case) cost one cheap read.
  const [pending] = await db.all<{ found: number | boolean }>(
    sql`SELECT (EXISTS (SELECT 1 FROM rollup_pending) OR EXISTS (SELECT 1 FROM rollup_pages_pending)) AS found`,
  );
  if (!pending?.found) return 0;
  let total = 0;
  for (let sinceAnalyze = 0; ; ) {
    const folded = await db.transaction((tx) => foldChunk(tx, queue, wait));
    total += folded;
    if (folded < CHUNK) return total;
    sinceAnalyze += folded;
    if (queue.analyze && sinceAnalyze >= ANALYZE_EVERY) {
      await queue.analyze(db);
      sinceAnalyze = 0;
    }
  }
}

const count = (condition: string) => `CASE WHEN ${condition} THEN 1 ELSE 0 END`;

async function foldChunk(tx: Db, queue: RollupQueue, wait: boolean): Promise<number> {
  if (!(await queue.lock(tx, wait))) return 0;
  await tx.exec(`CREATE TEMPORARY TABLE IF NOT EXISTS rollup_moved (
      site BIGINT NOT NULL, day INTEGER NOT NULL, who TEXT, old_ms BIGINT, new_ms BIGINT, first_at BIGINT, last_at BIGINT);
    CREATE TEMPORARY TABLE IF NOT EXISTS rollup_pages_moved (
      site BIGINT NOT NULL, day INTEGER NOT NULL, url TEXT NOT NULL, sessions INTEGER NOT NULL, engaged_ms BIGINT NOT NULL)`);
  const folded = await takeBoth(tx, queue, CHUNK);
  if (folded === 0) return 0;
  const d = tx.dialect;
  // People with a visitor-day that does not exist yet: their days are relinked once it does.
  const born = await tx.all<{
    site: number;
    who: string;
  }>(sql`SELECT DISTINCT m.site, m.who FROM rollup_moved m
    WHERE m.who IS NOT NULL AND m.new_ms IS NOT NULL AND NOT EXISTS (
      SELECT 1 FROM rollup_visitor_days r WHERE r.site = m.site AND r.day = m.day AND r.who = m.who)`);
  const added = raw(`sum(${count('new_ms IS NOT NULL')} - ${count('old_ms IS NOT NULL')})`);
  const moved = raw('sum(coalesce(new_ms, 0) - coalesce(old_ms, 0))');
  // `changes` counts every delta a day took: a breakdown segment built at another count is stale.
  await tx.run(sql`INSERT INTO rollup_days (site, day, sessions, engaged_ms, changes)
    SELECT site, day, ${added}, ${moved}, count(*) FROM rollup_moved WHERE true GROUP BY site, day
    ON CONFLICT (site, day) DO UPDATE SET sessions = rollup_days.sessions + excluded.sessions,
      engaged_ms = rollup_days.engaged_ms + excluded.engaged_ms, changes = rollup_days.changes + excluded.changes`);
  // Each row moves one session from the bucket of its old duration to that of its new one.
  await tx.run(sql`INSERT INTO rollup_durations (site, day, seconds, sessions)
    SELECT site, day, seconds, sum(n) FROM (
      SELECT site, day, old_ms / 1000 AS seconds, -1 AS n FROM rollup_moved WHERE old_ms IS NOT NULL
      UNION ALL SELECT site, day, new_ms / 1000, 1 FROM rollup_moved WHERE new_ms IS NOT NULL) AS x
    WHERE true GROUP BY site, day, seconds HAVING sum(n) <> 0
    ON CONFLICT (site, day, seconds) DO UPDATE SET sessions = rollup_durations.sessions + excluded.sessions`);
  await tx.run(sql`INSERT INTO rollup_visitor_days (site, day, who, sessions, engaged_ms, first_at, last_at)
    SELECT site, day, who, ${added}, ${moved}, min(first_at), max(last_at)
    FROM rollup_moved WHERE who IS NOT NULL GROUP BY site, day, who
    ON CONFLICT (site, day, who) DO UPDATE SET sessions = rollup_visitor_days.sessions + excluded.sessions,
      engaged_ms = rollup_visitor_days.engaged_ms + excluded.engaged_ms,
      first_at = ${raw(d.least('coalesce(rollup_visitor_days.first_at, excluded.first_at)', 'coalesce(excluded.first_at, rollup_visitor_days.first_at)'))},
      last_at = ${raw(d.greatest('coalesce(rollup_visitor_days.last_at, excluded.last_at)', 'coalesce(excluded.last_at, rollup_visitor_days.last_at)'))}`);
  await tx.run(sql`INSERT INTO rollup_pages (site, day, url, sessions, engaged_ms)
    SELECT site, day, url, sum(sessions), sum(engaged_ms) FROM rollup_pages_moved WHERE true
    GROUP BY site, day, url
    ON CONFLICT (site, day, url) DO UPDATE SET sessions = rollup_pages.sessions + excluded.sessions,
      engaged_ms = rollup_pages.engaged_ms + excluded.engaged_ms`);
  // Per site, so the relink walks the (site, who, day) index: without the site it read the whole
  // rollup once per fold (a tenth of a session start's cost, bench:session-start's profile).
  const relink = new Map<number, Set<string>>();
  for (const { site, who } of [...born, ...(await settleLosses(tx))]) {
    const people = relink.get(Number(site)) ?? new Set<string>();
    people.add(who);
    relink.set(Number(site), people);
  }
  for (const [site, people] of relink) {
    await tx.run(sql`UPDATE rollup_visitor_days SET prev_day = (
        SELECT max(r.day) FROM rollup_visitor_days r WHERE r.site = rollup_visitor_days.site
          AND r.who = rollup_visitor_days.who AND r.day < rollup_visitor_days.day)
      WHERE site = ${site} AND ${d.isIn('who', [...people])}`);
  }
  await tx.exec('DELETE FROM rollup_moved; DELETE FROM rollup_pages_moved');
  return folded;
}

/**
 * The visitor-days that lost a session: deleted when none is left, else their first and last
 * activity recomputed from the sessions that remain. Returns the people (by site) whose days went. Driven
 * by the (few) lost keys, each found by its primary key: a scan of the rollup per fold would cost
 * as much as the rollup is large.
 */
async function settleLosses(tx: Db): Promise<{ site: number; who: string }[]> {
  const lost = await tx.all<{ site: number; day: number; who: string }>(
    sql`SELECT DISTINCT site, day, who FROM rollup_moved WHERE new_ms IS NULL AND who IS NOT NULL`,
  );
  const gone: { site: number; who: string }[] = [];
  const same = raw(`FROM sessions s WHERE ${personKeySql('s')} = rollup_visitor_days.who
    AND s.site = rollup_visitor_days.site AND s.day = rollup_visitor_days.day`);
  for (const { site, day, who } of lost) {
    const key = sql`site = ${Number(site)} AND day = ${Number(day)} AND who = ${who}`;
    if ((await tx.run(sql`DELETE FROM rollup_visitor_days WHERE ${key} AND sessions <= 0`)) > 0)
      gone.push({ site: Number(site), who });
    else {
      await tx.run(sql`UPDATE rollup_visitor_days SET
          first_at = (SELECT min(s.started_at) ${same}), last_at = (SELECT max(s.last_activity_at) ${same})
        WHERE ${key}`);
    }
  }
  return gone;
}
