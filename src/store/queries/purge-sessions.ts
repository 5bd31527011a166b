// Deletes sessions whose last activity is older than a cutoff, with their pages, sections and
// spans, in batches of one short transaction each, so beats keep flowing while a large purge runs.
// Pages go before their sessions: the rollup triggers read a page's day from its session.

import { type Db, type Sql, sql } from '../sql.ts';

const BATCH = 5_000;

export function purgeSessions(db: Db, before: number): Promise<number> {
  return deleteSessionsWhere(db, sql`started_at < ${before} AND last_activity_at < ${before}`);
}

/** Deletes the sessions `where` picks (over `sessions`, unaliased), batch by batch. */
export async function deleteSessionsWhere(db: Db, where: Sql): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await db.transaction(async (tx) => {
      // Locked on PostgreSQL, so a fold on another instance cannot revive a picked session meanwhile.
      const rows = await tx.all<{ pk: number }>(
        sql`SELECT pk FROM sessions WHERE ${where} LIMIT ${BATCH}${tx.dialect.lockPicked()}`,
      );
      if (rows.length === 0) return 0;
      const picked = tx.dialect.isIn(
        'session_pk',
        rows.map((r) => Number(r.pk)),
      );
      await tx.run(sql`DELETE FROM session_pages WHERE ${picked}`);
      await tx.run(sql`DELETE FROM session_sections WHERE ${picked}`);
      await tx.run(sql`DELETE FROM spans WHERE ${picked}`);
      return tx.run(
        sql`DELETE FROM sessions WHERE ${tx.dialect.isIn(
          'pk',
          rows.map((r) => Number(r.pk)),
        )}`,
      );
    });
    total += deleted;
    if (deleted < BATCH) return total;
  }
}
