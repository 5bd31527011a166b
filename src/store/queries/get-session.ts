// One session with its pages, their sections and its engaged timeline (the session detail).

import {
  type PageColumns,
  type SectionColumns,
  type SessionColumns,
  type SpanColumns,
  toSessionDetail,
} from '../session-row.ts';
import { type Db, raw, sql } from '../sql.ts';
import type { SessionDetail } from '../types.ts';

export async function getSession(db: Db, id: string): Promise<SessionDetail | null> {
  const [row] = await db.all<SessionColumns>(sql`SELECT * FROM sessions WHERE id = ${id}`);
  if (!row) return null;
  const bytewise = raw(db.dialect.bytewise);
  const [pages, spans, sections] = await Promise.all([
    db.all<PageColumns>(sql`SELECT url, engaged_ms, visible_ms, max_scroll FROM session_pages
      WHERE session_pk = ${row.pk} ORDER BY engaged_ms DESC, url${bytewise}`),
    db.all<SpanColumns>(
      sql`SELECT url, start_at, end_at FROM spans WHERE session_pk = ${row.pk} ORDER BY start_at`,
    ),
    db.all<SectionColumns>(sql`SELECT url, name, engaged_ms FROM session_sections
      WHERE session_pk = ${row.pk} ORDER BY url${bytewise}, position, name${bytewise}`),
  ]);
  return toSessionDetail(row, pages, spans, sections);
}
