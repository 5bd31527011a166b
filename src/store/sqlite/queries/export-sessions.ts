// Every session of a filter, oldest first, read in keyset batches: memory stays flat whatever the
// size of the export, and the connection is free between batches for the beats that keep coming.
// Pages are read per batch; when the batch's rowids are contiguous (sessions are appended in start
// order) that is one sequential range scan of session_pages instead of a lookup per session.

import type Database from 'better-sqlite3';
import { sessionWhere } from '../../queries/session-filter.ts';
import { SESSION_COLUMNS_TEXT, type SessionRow, toSessionRecord } from '../../queries/session-rows.ts';
import type { SessionFilter } from '../../query-types.ts';
import { attachSections } from '../../session-row.ts';
import { compile, sqliteDialect } from '../../sql.ts';
import type { PageTotal, SessionRecord } from '../../types.ts';

const BATCH = 5_000;

type RawRow = [
  number,
  string,
  number,
  number,
  number | null,
  number,
  number,
  number,
  ...(string | number | null)[],
];

/** Raw arrays are a third faster to read than objects; the order is SESSION_COLUMNS'. */
function fromRaw(r: RawRow): SessionRow {
  return {
    pk: r[0],
    id: r[1],
    started_at: r[2],
    last_activity_at: r[3],
    ended_at: r[4],
    engaged_ms: r[5],
    last_seq: r[6],
    beats: r[7],
    email: (r[8] as string | null) ?? null,
    visitor_id: (r[9] as string | null) ?? null,
    entry_url: (r[10] as string | null) ?? null,
    referrer: (r[11] as string | null) ?? null,
    screen: (r[12] as string | null) ?? null,
    lang: (r[13] as string | null) ?? null,
    current_url: (r[14] as string | null) ?? null,
    visible_ms: (r[15] as number | null) ?? null,
  };
}

type PageRow = [
  sessionPk: number,
  url: string,
  engagedMs: number,
  maxScroll: number | null,
  visibleMs: number | null,
];

export function* exportSessions(
  db: Database.Database,
  filter: SessionFilter,
  options: { pages?: boolean } = {},
): Generator<SessionRecord[]> {
  // The lower bound on started_at is the keyset position alone, so SQLite seeks straight to it.
  // Positional values for the filter's placeholders, then the named ones below (better-sqlite3 binds both).
  const where = compile(sessionWhere({ ...filter, from: undefined }, sqliteDialect), sqliteDialect);
  const sessions = db
    .prepare(
      `SELECT ${SESSION_COLUMNS_TEXT} FROM sessions s WHERE ${where.text}
         AND s.started_at >= @aStartedAt AND (s.started_at > @aStartedAt OR s.pk > @aPk)
       ORDER BY s.started_at, s.pk LIMIT ${BATCH}`,
    )
    .raw();
  const pageRange = db
    .prepare(
      'SELECT session_pk, url, engaged_ms, max_scroll, visible_ms FROM session_pages WHERE session_pk BETWEEN ? AND ?',
    )
    .raw();
  const pageList = db
    .prepare(
      `SELECT session_pk, url, engaged_ms, max_scroll, visible_ms FROM session_pages
       WHERE session_pk IN (SELECT value FROM json_each(?))`,
    )
    .raw();
  let position = { aStartedAt: filter.from ?? Number.MIN_SAFE_INTEGER, aPk: 0 };
  for (;;) {
    const rows = (sessions.all(...where.values, position) as RawRow[]).map(fromRaw);
    if (rows.length === 0) return;
    const pages = new Map<number, PageTotal[]>();
    if (options.pages !== false) {
      for (const r of rows) pages.set(r.pk, []);
      let low = Number.POSITIVE_INFINITY;
      let high = 0;
      for (const r of rows) {
        low = Math.min(low, r.pk);
        high = Math.max(high, r.pk);
      }
      const pageRows = (
        high - low < rows.length * 2
          ? pageRange.all(low, high)
          : pageList.all(JSON.stringify(rows.map((r) => r.pk)))
      ) as PageRow[];
      for (const [pk, url, engagedMs, maxScroll, visibleMs] of pageRows)
        pages.get(pk)?.push({ url, engagedMs, visibleMs, maxScroll });
      for (const list of pages.values()) list.sort((a, b) => b.engagedMs - a.engagedMs);
      addSections(db, pages);
    }
    yield rows.map((r) => toSessionRecord(r, pages.get(r.pk) ?? []));
    const last = rows[rows.length - 1]!;
    position = { aStartedAt: last.started_at, aPk: last.pk };
    if (rows.length < BATCH) return;
  }
}

/** Gives every page of these sessions its sections (issue #17), in page order; [] where none. */
function addSections(db: Database.Database, byPk: Map<number, PageTotal[]>): void {
  const rows = db
    .prepare(
      `SELECT session_pk, url, name, engaged_ms FROM session_sections
       WHERE session_pk IN (SELECT value FROM json_each(?)) ORDER BY session_pk, url, position, name`,
    )
    .raw()
    .all(JSON.stringify([...byPk.keys()])) as [number, string, string, number][];
  attachSections(byPk, rows);
}
