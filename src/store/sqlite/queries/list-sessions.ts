// Sessions newest first, filtered, with keyset pagination: the cursor is the (started_at, pk) of
// the last row returned, so a page costs the same on the first screen and the thousandth.

import type Database from 'better-sqlite3';
import { InvalidCursorError, type SessionFilter, type SessionPage } from '../../query-types.ts';
import { sessionWhere } from './session-filter.ts';
import { SESSION_COLUMNS, type SessionRow, withPages } from './session-rows.ts';

export function encodeCursor(startedAt: number, pk: number): string {
  return Buffer.from(`${startedAt}.${pk}`).toString('base64url');
}

export function decodeCursor(cursor: string): { startedAt: number; pk: number } {
  const match = /^(\d+)\.(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw new InvalidCursorError('cursor is not one this API returned');
  return { startedAt: Number(match[1]), pk: Number(match[2]) };
}

export function listSessions(
  db: Database.Database,
  filter: SessionFilter,
  limit: number,
  cursor?: string,
): SessionPage {
  const where = sessionWhere(filter);
  let after = '';
  const params: Record<string, string | number> = { ...where.params, limit: limit + 1 };
  if (cursor !== undefined) {
    const position = decodeCursor(cursor);
    after = 'AND s.started_at <= @cStartedAt AND (s.started_at < @cStartedAt OR s.pk < @cPk)';
    params.cStartedAt = position.startedAt;
    params.cPk = position.pk;
  }
  const rows = db
    .prepare(
      `SELECT ${SESSION_COLUMNS} FROM sessions s WHERE ${where.sql} ${after}
       ORDER BY s.started_at DESC, s.pk DESC LIMIT @limit`,
    )
    .all(params) as SessionRow[];
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page[page.length - 1];
  return {
    items: withPages(db, page),
    nextCursor: more && last ? encodeCursor(last.started_at, last.pk) : null,
  };
}
