// Maps raw session rows to domain SessionRecords, with their pages read in one query per batch.

import type pg from 'pg';
import { attachSections, type RecordColumns as SessionRow, toSessionRecord } from '../../session-row.ts';
import type { PageTotal, SessionRecord } from '../../types.ts';

export { type SessionRow, toSessionRecord };

export const SESSION_COLUMNS = `s.pk, s.id, s.started_at, s.last_activity_at, s.ended_at, s.engaged_ms, s.last_seq,
  s.beats, s.email, s.visitor_id, s.entry_url, s.referrer, s.screen, s.lang, s.current_url, s.visible_ms`;

/** The pages of many sessions at once, most engaged first (ties by URL in byte order, as SQLite). */
export async function pagesOf(db: pg.Pool, pks: number[]): Promise<Map<number, PageTotal[]>> {
  const byPk = new Map<number, PageTotal[]>(pks.map((pk) => [pk, []]));
  if (pks.length === 0) return byPk;
  const { rows } = await db.query<{
    session_pk: number;
    url: string;
    engaged_ms: number;
    visible_ms: number | null;
    max_scroll: number | null;
  }>(
    `SELECT session_pk, url, engaged_ms, visible_ms, max_scroll FROM session_pages
     WHERE session_pk = ANY($1::bigint[]) ORDER BY session_pk, engaged_ms DESC, url COLLATE "C"`,
    [pks],
  );
  for (const r of rows)
    byPk
      .get(r.session_pk)
      ?.push({ url: r.url, engagedMs: r.engaged_ms, visibleMs: r.visible_ms, maxScroll: r.max_scroll });
  const sections = await db.query<[number, string, string, number]>({
    text: `SELECT session_pk, url, name, engaged_ms FROM session_sections
           WHERE session_pk = ANY($1::bigint[]) ORDER BY session_pk, url, position, name COLLATE "C"`,
    values: [pks],
    rowMode: 'array',
  });
  attachSections(byPk, sections.rows);
  return byPk;
}

export async function withPages(db: pg.Pool, rows: SessionRow[]): Promise<SessionRecord[]> {
  const pages = await pagesOf(
    db,
    rows.map((r) => r.pk),
  );
  return rows.map((r) => toSessionRecord(r, pages.get(r.pk) ?? []));
}
