// Sessions newest first, filtered, with keyset pagination: the cursor is the (started_at, pk) of
// the last row returned, so a page costs the same on the first screen and the thousandth.

import { InvalidCursorError, type SessionFilter, type SessionPage } from '../query-types.ts';
import { type Db, raw, sql } from '../sql.ts';
import { sessionWhere } from './session-filter.ts';
import { type RecordColumns, SESSION_COLUMNS, withPages } from './session-rows.ts';

export function encodeCursor(startedAt: number, pk: number): string {
  return Buffer.from(`${startedAt}.${pk}`).toString('base64url');
}

export function decodeCursor(cursor: string): { startedAt: number; pk: number } {
  const match = /^(\d+)\.(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw new InvalidCursorError('cursor is not one this API returned');
  return { startedAt: Number(match[1]), pk: Number(match[2]) };
}

export async function listSessions(
  db: Db,
  filter: SessionFilter,
  limit: number,
  cursor?: string,
): Promise<SessionPage> {
  let after = raw('');
  if (cursor !== undefined) {
    const { startedAt, pk } = decodeCursor(cursor);
    after = sql`AND s.started_at <= ${startedAt} AND (s.started_at < ${startedAt} OR s.pk < ${pk})`;
  }
  const rows = await db.all<RecordColumns>(
    sql`SELECT ${SESSION_COLUMNS} FROM sessions s WHERE ${sessionWhere(filter, db.dialect)} ${after}
      ORDER BY s.started_at DESC, s.pk DESC LIMIT ${limit + 1}`,
  );
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page[page.length - 1];
  return {
    items: await withPages(db, page),
    nextCursor: more && last ? encodeCursor(last.started_at, last.pk) : null,
  };
}
