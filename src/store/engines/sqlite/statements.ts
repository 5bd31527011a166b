// The SQLite engine's own statements (the request path and the fold), prepared once per connection.

import type Database from 'better-sqlite3';

export function prepareStatements(db: Database.Database) {
  return {
    // The request path: what authorizeBeat needs, and the append.
    selectForAuth: db.prepare(
      'SELECT pk, token_hash, cookie_only, last_activity_at FROM sessions WHERE id = ?',
    ),
    lastJournaledAt: db.prepare('SELECT max(at) FROM beat_journal WHERE session_pk = ?').pluck(),
    appendBeat: db.prepare(`
      INSERT INTO beat_journal (session_pk, at, seq, engaged_ms, visible_ms, url, scroll, final, sections)
      VALUES (@sessionPk, @at, @seq, @engagedMs, @visibleMs, @url, @scroll, @final, @sections)`),
    // The fold (fold.ts).
    selectJournal: db.prepare('SELECT * FROM beat_journal ORDER BY id LIMIT ?'),
    deleteJournalThrough: db.prepare('DELETE FROM beat_journal WHERE id <= ?'),
    // The timer's fold of the sessions due (beat_journal_session, migration 18).
    selectSessionsJournal: db.prepare(
      'SELECT * FROM beat_journal WHERE session_pk IN (SELECT value FROM json_each(?)) ORDER BY id',
    ),
    deleteSessionsJournal: db.prepare(
      'DELETE FROM beat_journal WHERE session_pk IN (SELECT value FROM json_each(?))',
    ),
    journaledSessions: db.prepare('SELECT DISTINCT session_pk FROM beat_journal').pluck(),
    // The sweep: sessions among the journal's oldest rows (rowid order is time order here: one
    // process appends, stamping its clock) whose beats are older than a time.
    selectOverdueSessions: db
      .prepare(
        'SELECT DISTINCT session_pk FROM (SELECT session_pk, at FROM beat_journal ORDER BY id LIMIT ?) WHERE at < ?',
      )
      .pluck(),
    // Beats are authorized before they are journaled, so the fold leaves the token hash unread
    // (a Buffer per row saved).
    selectForFold: db.prepare(`
      SELECT pk, id, NULL AS token_hash, 0 AS cookie_only, started_at, last_activity_at, ended_at, engaged_ms, visible_ms,
        measured, last_seq, beats, current_url, span_url, span_start, span_end, email, visitor_id, site, day
      FROM sessions WHERE pk IN (SELECT value FROM json_each(?))`),
    // The fold's rollup deltas (fold/rollup-deltas.ts), applied by fold/rollup-fold.ts.
    appendSessionDelta: db.prepare(
      'INSERT INTO rollup_pending (site, day, who, old_ms, new_ms, last_at) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    appendPageDelta: db.prepare(
      'INSERT INTO rollup_pages_pending (site, day, url, sessions, engaged_ms) VALUES (?, ?, ?, 0, ?)',
    ),
    selectPageKeys: db
      .prepare(
        'SELECT session_pk, url FROM session_pages WHERE session_pk IN (SELECT value FROM json_each(?))',
      )
      .raw(),
    updateAfterFold: db.prepare(`
      UPDATE sessions SET last_activity_at = @lastActivityAt, ended_at = @endedAt, engaged_ms = @engagedMs,
        visible_ms = @visibleMs, measured = @measured, last_seq = @lastSeq, beats = @beats,
        current_url = @currentUrl, span_url = @spanUrl, span_start = @spanStart, span_end = @spanEnd
      WHERE pk = @pk`),
    insertSpan: db.prepare('INSERT INTO spans (session_pk, url, start_at, end_at) VALUES (?, ?, ?, ?)'),
    // A page row stored before visible time was measured keeps NULL (NULL + n is NULL).
    upsertPage: db.prepare(`
      INSERT INTO session_pages (session_pk, url, engaged_ms, max_scroll, visible_ms) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (session_pk, url) DO UPDATE SET
        engaged_ms = engaged_ms + excluded.engaged_ms,
        visible_ms = visible_ms + excluded.visible_ms,
        max_scroll = max(coalesce(max_scroll, excluded.max_scroll), coalesce(excluded.max_scroll, max_scroll))`),
    upsertSection: db.prepare(`
      INSERT INTO session_sections (session_pk, url, name, position, engaged_ms) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (session_pk, url, name) DO UPDATE SET
        engaged_ms = engaged_ms + excluded.engaged_ms, position = min(position, excluded.position)`),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;
