// Maps raw session rows to domain SessionRecords, with their pages read in one query per batch.

import type pg from 'pg';
import type { PageTotal, SessionRecord } from '../../types.ts';

export const SESSION_COLUMNS = `s.pk, s.id, s.started_at, s.last_activity_at, s.ended_at, s.engaged_ms, s.last_seq,
  s.beats, s.email, s.visitor_id, s.entry_url, s.referrer, s.screen, s.lang, s.current_url`;

export interface SessionRow {
  pk: number;
  id: string;
  started_at: number;
  last_activity_at: number;
  ended_at: number | null;
  engaged_ms: number;
  last_seq: number;
  beats: number;
  email: string | null;
  visitor_id: string | null;
  entry_url: string | null;
  referrer: string | null;
  screen: string | null;
  lang: string | null;
  current_url: string | null;
}

export function toSessionRecord(row: SessionRow, pages: PageTotal[]): SessionRecord {
  return {
    id: row.id,
    startedAt: row.started_at,
    lastActivityAt: row.last_activity_at,
    endedAt: row.ended_at,
    engagedMs: row.engaged_ms,
    lastSeq: row.last_seq,
    beats: row.beats,
    email: row.email,
    visitorId: row.visitor_id,
    entryUrl: row.entry_url,
    referrer: row.referrer,
    screen: row.screen,
    lang: row.lang,
    currentUrl: row.current_url,
    pages,
  };
}

/** The pages of many sessions at once, most engaged first (ties by URL in byte order, as SQLite). */
export async function pagesOf(db: pg.Pool, pks: number[]): Promise<Map<number, PageTotal[]>> {
  const byPk = new Map<number, PageTotal[]>(pks.map((pk) => [pk, []]));
  if (pks.length === 0) return byPk;
  const { rows } = await db.query<{
    session_pk: number;
    url: string;
    engaged_ms: number;
    max_scroll: number | null;
  }>(
    `SELECT session_pk, url, engaged_ms, max_scroll FROM session_pages
     WHERE session_pk = ANY($1::bigint[]) ORDER BY session_pk, engaged_ms DESC, url COLLATE "C"`,
    [pks],
  );
  for (const r of rows)
    byPk.get(r.session_pk)?.push({ url: r.url, engagedMs: r.engaged_ms, maxScroll: r.max_scroll });
  return byPk;
}

export async function withPages(db: pg.Pool, rows: SessionRow[]): Promise<SessionRecord[]> {
  const pages = await pagesOf(
    db,
    rows.map((r) => r.pk),
  );
  return rows.map((r) => toSessionRecord(r, pages.get(r.pk) ?? []));
}
