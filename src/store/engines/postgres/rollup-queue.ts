// PostgreSQL's side of the rollup fold (fold/rollup-fold.ts): instances fold one at a time under an
// advisory lock, so no two folds lock rollup rows in different orders; a fold takes rows by their
// physical address (only the folder deletes them), and rows appended while it runs are not in its
// snapshot: they stay for the next one. And the vacuums the queues need.

import type pg from 'pg';
import type { RollupQueue } from '../../fold/rollup-fold.ts';
import { type Db, raw, sql } from '../../sql.ts';

const LOCK = "hashtext('dwell_rollup_fold')";

async function takeFrom(
  tx: Db,
  queue: string,
  into: string,
  columns: string,
  limit: number,
): Promise<number> {
  return tx.run(sql`WITH taken AS (
      DELETE FROM ${raw(queue)} WHERE ctid = ANY(ARRAY(SELECT ctid FROM ${raw(queue)} LIMIT ${limit}))
      RETURNING ${raw(columns)})
    INSERT INTO ${raw(into)} (${raw(columns)}) SELECT ${raw(columns)} FROM taken`);
}

export const postgresRollupQueue: RollupQueue = {
  async lock(tx, wait) {
    if (wait) {
      await tx.all(sql`SELECT pg_advisory_xact_lock(${raw(LOCK)})`);
      return true;
    }
    const [row] = await tx.all<{ locked: boolean }>(
      sql`SELECT pg_try_advisory_xact_lock(${raw(LOCK)}) AS locked`,
    );
    return row?.locked === true;
  },
  take: takeFrom,
  async analyze(db) {
    await db.exec('ANALYZE rollup_visitor_days, rollup_days, rollup_pages');
  },
};

/**
 * Vacuums the two pending tables. Every fold deletes what it applied, and a fold scans the dead rows
 * until a vacuum removes them; autovacuum looks only once a minute, by when a busy site has left
 * several hundred thousand. The engine calls this after every 100,000 deltas it folded.
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
    'VACUUM (ANALYZE) rollup_pending, rollup_pages_pending, rollup_visitor_days, rollup_first_days, rollup_days, rollup_durations, rollup_pages',
  );
}
