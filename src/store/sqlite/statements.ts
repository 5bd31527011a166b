// Prepared statements of the SQLite engine, prepared once per connection.

import type Database from 'better-sqlite3';

export function prepareStatements(db: Database.Database) {
  return {
    insertSession: db.prepare(`
      INSERT INTO sessions (id, token_hash, cookie_only, started_at, last_activity_at, email, visitor_id,
        entry_url, referrer, screen, lang, current_url)
      VALUES (@id, @tokenHash, @cookieOnly, @startedAt, @startedAt, @email, @visitorId,
        @entryUrl, @referrer, @screen, @lang, @entryUrl)`),
    selectForBeat: db.prepare(`
      SELECT pk, token_hash, cookie_only, started_at, last_activity_at, ended_at, engaged_ms, last_seq, beats,
        current_url, span_url, span_start, span_end
      FROM sessions WHERE id = ?`),
    updateAfterBeat: db.prepare(`
      UPDATE sessions SET last_activity_at = @lastActivityAt, ended_at = @endedAt, engaged_ms = @engagedMs,
        last_seq = @lastSeq, beats = @beats, current_url = @currentUrl,
        span_url = @spanUrl, span_start = @spanStart, span_end = @spanEnd
      WHERE pk = @pk`),
    insertSpan: db.prepare('INSERT INTO spans (session_pk, url, start_at, end_at) VALUES (?, ?, ?, ?)'),
    upsertPage: db.prepare(`
      INSERT INTO session_pages (session_pk, url, engaged_ms, max_scroll) VALUES (?, ?, ?, ?)
      ON CONFLICT (session_pk, url) DO UPDATE SET
        engaged_ms = engaged_ms + excluded.engaged_ms,
        max_scroll = max(coalesce(max_scroll, excluded.max_scroll), coalesce(excluded.max_scroll, max_scroll))`),
    selectSession: db.prepare('SELECT * FROM sessions WHERE id = ?'),
    selectPages: db.prepare(
      'SELECT url, engaged_ms, max_scroll FROM session_pages WHERE session_pk = ? ORDER BY engaged_ms DESC, url',
    ),
    selectSpans: db.prepare('SELECT url, start_at, end_at FROM spans WHERE session_pk = ? ORDER BY start_at'),
    insertSalt: db.prepare('INSERT OR IGNORE INTO salts (day, salt) VALUES (?, ?)'),
    deleteOtherSalts: db.prepare('DELETE FROM salts WHERE day <> ?'),
    selectSalt: db.prepare('SELECT salt FROM salts WHERE day = ?').pluck(),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;
