// Deletes sessions whose last activity is older than a cutoff, with their pages and spans, in
// batches of one statement each, so beats keep flowing while a large purge runs.

import type pg from 'pg';

const BATCH = 5_000;

export async function purgeSessions(db: pg.Pool, before: number): Promise<number> {
  let total = 0;
  for (;;) {
    // Data-modifying CTEs share one snapshot: pages, spans and sessions of the same picked rows go
    // together, atomically.
    const { rows } = await db.query<{ deleted: number }>(
      `WITH picked AS (
         SELECT pk FROM sessions WHERE started_at < $1 AND last_activity_at < $1 LIMIT ${BATCH}),
       pages AS (DELETE FROM session_pages WHERE session_pk IN (SELECT pk FROM picked)),
       spans AS (DELETE FROM spans WHERE session_pk IN (SELECT pk FROM picked)),
       gone AS (DELETE FROM sessions WHERE pk IN (SELECT pk FROM picked) RETURNING 1)
       SELECT count(*)::int AS deleted FROM gone`,
      [before],
    );
    const deleted = rows[0]?.deleted ?? 0;
    total += deleted;
    if (deleted < BATCH) return total;
  }
}
