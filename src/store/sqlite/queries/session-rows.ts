// Maps raw session rows to domain SessionRecords, with their pages read in one query per batch.

import type Database from 'better-sqlite3';
import { attachSections, type RecordColumns as SessionRow, toSessionRecord } from '../../session-row.ts';
import type { PageTotal, SessionRecord } from '../../types.ts';

export { type SessionRow, toSessionRecord };

export const SESSION_COLUMNS = `s.pk, s.id, s.started_at, s.last_activity_at, s.ended_at, s.engaged_ms, s.last_seq,
  s.beats, s.email, s.visitor_id, s.entry_url, s.referrer, s.screen, s.lang, s.current_url, s.visible_ms`;

/** The pages of many sessions at once, most engaged first. */
export function pagesOf(db: Database.Database, pks: number[]): Map<number, PageTotal[]> {
  const byPk = new Map<number, PageTotal[]>(pks.map((pk) => [pk, []]));
  if (pks.length === 0) return byPk;
  const rows = db
    .prepare(
      `SELECT session_pk, url, engaged_ms, visible_ms, max_scroll FROM session_pages
       WHERE session_pk IN (SELECT value FROM json_each(?)) ORDER BY session_pk, engaged_ms DESC, url`,
    )
    .all(JSON.stringify(pks)) as {
    session_pk: number;
    url: string;
    engaged_ms: number;
    visible_ms: number | null;
    max_scroll: number | null;
  }[];
  for (const r of rows)
    byPk
      .get(r.session_pk)
      ?.push({ url: r.url, engagedMs: r.engaged_ms, visibleMs: r.visible_ms, maxScroll: r.max_scroll });
  addSections(db, byPk);
  return byPk;
}

/** Gives every page of these sessions its sections (issue #17), in page order; [] where none. */
export function addSections(db: Database.Database, byPk: Map<number, PageTotal[]>): void {
  const rows = db
    .prepare(
      `SELECT session_pk, url, name, engaged_ms FROM session_sections
       WHERE session_pk IN (SELECT value FROM json_each(?)) ORDER BY session_pk, url, position, name`,
    )
    .raw()
    .all(JSON.stringify([...byPk.keys()])) as [number, string, string, number][];
  attachSections(byPk, rows);
}

export function withPages(db: Database.Database, rows: SessionRow[]): SessionRecord[] {
  const pages = pagesOf(
    db,
    rows.map((r) => r.pk),
  );
  return rows.map((r) => toSessionRecord(r, pages.get(r.pk) ?? []));
}
