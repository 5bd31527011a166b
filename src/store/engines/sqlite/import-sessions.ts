// Writes complete sessions (with pages, their sections and closed spans) in one transaction with prepared
// statements: the demo seeder and the benchmark load a million sessions this way in under a minute.
// Row-by-row rollup triggers would make that minutes, so the import drops them, inserts, rebuilds
// the rollups in one pass and recreates the triggers from the text the migrations gave them
// (sqlite_master keeps it), all in the same transaction: other connections see either none of it
// or all of it, rollups included.

import type Database from 'better-sqlite3';
import { rebuildRollupsSql } from '../../queries/rebuild-rollups.ts';
import { type ImportedSession, importedSiteDay, ORIGIN_COLUMNS, originValues } from '../../query-types.ts';
import { sqliteDialect } from '../../sql.ts';

export function importSessions(
  db: Database.Database,
  sessions: Iterable<ImportedSession>,
  onProgress?: (done: number) => void,
): number {
  const insertSession = db.prepare(`
    INSERT INTO sessions (id, started_at, last_activity_at, ended_at, engaged_ms, last_seq, beats, email,
      visitor_id, entry_url, referrer, screen, lang, current_url, site, day, ${ORIGIN_COLUMNS.join(', ')})
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ${ORIGIN_COLUMNS.map(() => '?').join(', ')})`);
  const insertPage = db.prepare(
    'INSERT INTO session_pages (session_pk, url, engaged_ms, max_scroll) VALUES (?, ?, ?, ?)',
  );
  const insertSpan = db.prepare('INSERT INTO spans (session_pk, url, start_at, end_at) VALUES (?, ?, ?, ?)');
  const insertSection = db.prepare(
    'INSERT INTO session_sections (session_pk, url, name, position, engaged_ms) VALUES (?, ?, ?, ?, ?)',
  );
  let done = 0;
  db.transaction(() => {
    const triggers = db
      .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%rollup%'")
      .all() as { name: string; sql: string }[];
    for (const { name } of triggers) db.exec(`DROP TRIGGER "${name}"`);
    for (const s of sessions) {
      const lastUrl = s.pages[s.pages.length - 1]?.url ?? s.entryUrl;
      const { site, day } = importedSiteDay(s);
      const { lastInsertRowid: pk } = insertSession.run(
        s.id,
        s.startedAt,
        s.lastActivityAt,
        s.endedAt,
        s.engagedMs,
        s.beats,
        s.beats,
        s.email,
        s.visitorId,
        s.entryUrl,
        s.referrer,
        s.screen,
        s.lang,
        lastUrl,
        site,
        day,
        ...originValues(s.origin),
      );
      for (const p of s.pages) {
        insertPage.run(pk, p.url, p.engagedMs, p.maxScroll);
        // A page's sections come in page order: the index is the position; unread ones are not stored.
        for (const [position, section] of (p.sections ?? []).entries())
          if (section.engagedMs > 0) insertSection.run(pk, p.url, section.name, position, section.engagedMs);
      }
      for (const span of s.spans) insertSpan.run(pk, span.url, span.start, span.end);
      done++;
      if (onProgress && done % 10_000 === 0) onProgress(done);
    }
    db.exec(rebuildRollupsSql(sqliteDialect));
    for (const trigger of triggers) db.exec(trigger.sql);
  })();
  // New statistics for the planner: an import changes how the rows spread (connect.ts says why).
  db.exec('PRAGMA optimize');
  onProgress?.(done);
  return done;
}
