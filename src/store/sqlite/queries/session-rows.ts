// Maps raw session rows to domain SessionRecords, with their pages read in one query per batch.

import type Database from 'better-sqlite3';
import type { PageTotal, SessionRecord } from '../../types.ts';
import type { RawSessionRow } from '../statements.ts';

export const SESSION_COLUMNS = `s.pk, s.id, s.started_at, s.last_activity_at, s.ended_at, s.engaged_ms, s.last_seq,
  s.beats, s.email, s.visitor_id, s.entry_url, s.referrer, s.screen, s.lang, s.current_url`;

export type SessionRow = Omit<
  RawSessionRow,
  'token_hash' | 'cookie_only' | 'span_url' | 'span_start' | 'span_end'
>;

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

/** The pages of many sessions at once, most engaged first. */
export function pagesOf(db: Database.Database, pks: number[]): Map<number, PageTotal[]> {
  const byPk = new Map<number, PageTotal[]>(pks.map((pk) => [pk, []]));
  if (pks.length === 0) return byPk;
  const rows = db
    .prepare(
      `SELECT session_pk, url, engaged_ms, max_scroll FROM session_pages
       WHERE session_pk IN (SELECT value FROM json_each(?)) ORDER BY session_pk, engaged_ms DESC, url`,
    )
    .all(JSON.stringify(pks)) as {
    session_pk: number;
    url: string;
    engaged_ms: number;
    max_scroll: number | null;
  }[];
  for (const r of rows)
    byPk.get(r.session_pk)?.push({ url: r.url, engagedMs: r.engaged_ms, maxScroll: r.max_scroll });
  return byPk;
}

export function withPages(db: Database.Database, rows: SessionRow[]): SessionRecord[] {
  const pages = pagesOf(
    db,
    rows.map((r) => r.pk),
  );
  return rows.map((r) => toSessionRecord(r, pages.get(r.pk) ?? []));
}
