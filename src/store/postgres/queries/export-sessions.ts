// Every session of a filter, oldest first, read in keyset batches (pg-cursor is not a dependency):
// memory stays flat whatever the size of the export, and no connection is held between batches,
// so the beats that keep coming are never starved of one.

import type pg from 'pg';
import { sessionWhere } from '../../queries/session-filter.ts';
import { pagesOf, SESSION_COLUMNS, type SessionRow, toSessionRecord } from '../../queries/session-rows.ts';
import type { SessionFilter } from '../../query-types.ts';
import { sql } from '../../sql.ts';
import type { PageTotal, SessionRecord } from '../../types.ts';
import { PostgresDb } from '../db.ts';

const BATCH = 5_000;

export async function* exportSessions(
  db: pg.Pool,
  filter: SessionFilter,
  options: { pages?: boolean } = {},
): AsyncGenerator<SessionRecord[]> {
  let position = { startedAt: filter.from ?? Number.MIN_SAFE_INTEGER, pk: 0 };
  const query = new PostgresDb(db);
  // The lower bound on started_at is the keyset position alone, so the index seeks straight to it.
  const where = sessionWhere({ ...filter, from: undefined }, query.dialect);
  for (;;) {
    const rows = await query.all<SessionRow>(
      sql`SELECT ${SESSION_COLUMNS} FROM sessions s WHERE ${where}
          AND (s.started_at, s.pk) > (${position.startedAt}::bigint, ${position.pk}::bigint)
        ORDER BY s.started_at, s.pk LIMIT ${BATCH}`,
    );
    if (rows.length === 0) return;
    const pages: Map<number, PageTotal[]> =
      options.pages === false
        ? new Map()
        : await pagesOf(
            query,
            rows.map((r) => r.pk),
          );
    yield rows.map((r) => toSessionRecord(r, pages.get(r.pk) ?? []));
    const last = rows[rows.length - 1]!;
    position = { startedAt: last.started_at, pk: last.pk };
    if (rows.length < BATCH) return;
  }
}
