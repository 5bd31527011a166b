// Every session of a filter, oldest first, read in keyset batches: memory stays flat whatever the
// size of the export, and no connection (nor SQLite's one) is held between batches, so the beats
// that keep coming are never starved of one.

import type { SessionFilter } from '../query-types.ts';
import { type Db, sql } from '../sql.ts';
import type { PageTotal, SessionRecord } from '../types.ts';
import { sessionWhere } from './session-filter.ts';
import { pagesOf, type RecordColumns, SESSION_COLUMNS, toSessionRecord } from './session-rows.ts';

const BATCH = 5_000;

export async function* exportSessions(
  db: Db,
  filter: SessionFilter,
  options: { pages?: boolean } = {},
): AsyncGenerator<SessionRecord[]> {
  let position = { startedAt: filter.from ?? Number.MIN_SAFE_INTEGER, pk: 0 };
  // The lower bound on started_at is the keyset position alone, so the index seeks straight to it.
  const where = sessionWhere({ ...filter, from: undefined }, db.dialect);
  for (;;) {
    const rows = await db.all<RecordColumns>(
      sql`SELECT ${SESSION_COLUMNS} FROM sessions s WHERE ${where}
          AND s.started_at >= ${position.startedAt} AND (s.started_at > ${position.startedAt} OR s.pk > ${position.pk})
        ORDER BY s.started_at, s.pk LIMIT ${BATCH}`,
    );
    if (rows.length === 0) return;
    const pages: Map<number, PageTotal[]> =
      options.pages === false
        ? new Map()
        : await pagesOf(
            db,
            rows.map((r) => Number(r.pk)),
          );
    yield rows.map((r) => toSessionRecord(r, pages.get(Number(r.pk)) ?? []));
    const last = rows[rows.length - 1]!;
    position = { startedAt: Number(last.started_at), pk: Number(last.pk) };
    if (rows.length < BATCH) return;
  }
}
