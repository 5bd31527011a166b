// Session rows to domain SessionRecords, with their pages (and the pages' sections) read in one
// query each per batch, on both engines.

import { attachSections, type RecordColumns, toSessionRecord } from '../session-row.ts';
import { type Db, raw, type Sql, sql } from '../sql.ts';
import type { PageTotal, SessionRecord } from '../types.ts';

export { type RecordColumns, toSessionRecord };

/** The columns of a session record, in this order (SQLite's export reads them as raw arrays). */
export const SESSION_COLUMNS_TEXT = `s.pk, s.id, s.started_at, s.last_activity_at, s.ended_at, s.engaged_ms,
  s.last_seq, s.beats, s.email, s.visitor_id, s.entry_url, s.referrer, s.screen, s.lang, s.current_url,
  s.visible_ms, s.source, s.source_category, s.referrer_host, s.utm_source, s.utm_medium, s.utm_campaign,
  s.utm_content, s.utm_term, s.entry_path, s.device, s.browser, s.os, s.country, s.region`;
export const SESSION_COLUMNS = raw(SESSION_COLUMNS_TEXT);

/**
 * `session_pk` is one of `pks`. Sessions are numbered in start order, so a batch of them (an export)
 * is usually a dense range: then one range scan of the index, which the byPk map then narrows.
 */
function sessionPkIn(db: Db, pks: readonly number[]): Sql {
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (const pk of pks) {
    low = Math.min(low, pk);
    high = Math.max(high, pk);
  }
  return high - low < pks.length * 2
    ? sql`session_pk BETWEEN ${low} AND ${high}`
    : db.dialect.isIn('session_pk', pks);
}

/** The pages of many sessions at once, most engaged first (ties by URL in byte order). */
export async function pagesOf(db: Db, pks: number[]): Promise<Map<number, PageTotal[]>> {
  const byPk = new Map<number, PageTotal[]>(pks.map((pk) => [pk, []]));
  if (pks.length === 0) return byPk;
  const where = sessionPkIn(db, pks);
  const [pages, sections] = await Promise.all([
    db.all<{
      session_pk: number;
      url: string;
      engaged_ms: number;
      visible_ms: number | null;
      max_scroll: number | null;
    }>(sql`SELECT session_pk, url, engaged_ms, visible_ms, max_scroll FROM session_pages
      WHERE ${where}
      ORDER BY session_pk, engaged_ms DESC, url${raw(db.dialect.bytewise)}`),
    db.all<{ session_pk: number; url: string; name: string; engaged_ms: number }>(
      sql`SELECT session_pk, url, name, engaged_ms FROM session_sections
        WHERE ${where}
        ORDER BY session_pk, url, position, name${raw(db.dialect.bytewise)}`,
    ),
  ]);
  for (const r of pages) {
    byPk.get(Number(r.session_pk))?.push({
      url: r.url,
      engagedMs: Number(r.engaged_ms),
      visibleMs: r.visible_ms === null ? null : Number(r.visible_ms),
      maxScroll: r.max_scroll,
    });
  }
  attachSections(
    byPk,
    sections.map((s) => [s.session_pk, s.url, s.name, s.engaged_ms] as const),
  );
  return byPk;
}

export async function withPages(db: Db, rows: RecordColumns[]): Promise<SessionRecord[]> {
  const pages = await pagesOf(
    db,
    rows.map((r) => r.pk),
  );
  return rows.map((r) => toSessionRecord(r, pages.get(r.pk) ?? []));
}
