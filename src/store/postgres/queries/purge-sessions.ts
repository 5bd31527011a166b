// Deletes sessions whose last activity is older than a cutoff, with their pages, sections and spans, in
// batches of one short transaction each, so beats keep flowing while a large purge runs. Pages go
// in a statement before their sessions: the rollup trigger reads a page's day from its session.

import type pg from 'pg';
import { withTransaction } from '../pool.ts';

const BATCH = 5_000;

export async function purgeSessions(db: pg.Pool, before: number): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await withTransaction(db, async (client) => {
      // Locked, so a beat cannot revive a picked session between the two statements.
      const { rows } = await client.query<{ pk: number }>(
        `SELECT pk FROM sessions WHERE started_at < $1 AND last_activity_at < $1 LIMIT ${BATCH} FOR UPDATE`,
        [before],
      );
      const pks = rows.map((r) => r.pk);
      if (pks.length === 0) return 0;
      await client.query(
        `WITH pages AS (DELETE FROM session_pages WHERE session_pk = ANY($1::bigint[])),
           sections AS (DELETE FROM session_sections WHERE session_pk = ANY($1::bigint[]))
         DELETE FROM spans WHERE session_pk = ANY($1::bigint[])`,
        [pks],
      );
      const gone = await client.query('DELETE FROM sessions WHERE pk = ANY($1::bigint[])', [pks]);
      return gone.rowCount ?? 0;
    });
    total += deleted;
    if (deleted < BATCH) return total;
  }
}
