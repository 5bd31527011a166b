// Sessions newest first, filtered, with keyset pagination: the cursor is the (started_at, pk) of
// the last row returned, in the same format as SQLite's, so a page costs the same on every screen.

import type pg from 'pg';
import { InvalidCursorError, type SessionFilter, type SessionPage } from '../../query-types.ts';
import { SqlParams, sessionWhere } from './session-filter.ts';
import { SESSION_COLUMNS, type SessionRow, withPages } from './session-rows.ts';

export function encodeCursor(startedAt: number, pk: number): string {
  return Buffer.from(`${startedAt}.${pk}`).toString('base64url');
}

export function decodeCursor(cursor: string): { startedAt: number; pk: number } {
  const match = /^(\d+)\.(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw new InvalidCursorError('cursor is not one this API returned');
  return { startedAt: Number(match[1]), pk: Number(match[2]) };
}

export async function listSessions(
  db: pg.Pool,
  filter: SessionFilter,
  limit: number,
  cursor?: string,
): Promise<SessionPage> {
  const params = new SqlParams();
  const where = sessionWhere(filter, params);
  let after = '';
  if (cursor !== undefined) {
    const position = decodeCursor(cursor);
    after = `AND (s.started_at, s.pk) < (${params.add(position.startedAt)}::bigint, ${params.add(position.pk)}::bigint)`;
  }
  const { rows } = await db.query<SessionRow>(
    `SELECT ${SESSION_COLUMNS} FROM sessions s WHERE ${where} ${after}
     ORDER BY s.started_at DESC, s.pk DESC LIMIT ${params.add(limit + 1)}`,
    params.values,
  );
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page[page.length - 1];
  return {
    items: await withPages(db, page),
    nextCursor: more && last ? encodeCursor(last.started_at, last.pk) : null,
  };
}
