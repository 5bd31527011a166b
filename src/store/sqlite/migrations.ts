// Versioned schema of the SQLite store. Append new migrations; never edit an applied one.

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: Migration[] = [
  {
    version: 1,
    name: 'sessions, pages, spans, salts',
    sql: `
      -- pk is the rowid: new sessions append at the end of the table, so the rows that receive beats
      -- (the recent ones) share pages instead of being scattered by the random public id.
      CREATE TABLE sessions (
        pk INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        token_hash BLOB,
        cookie_only INTEGER NOT NULL DEFAULT 0,
        started_at INTEGER NOT NULL,
        last_activity_at INTEGER NOT NULL,
        ended_at INTEGER,
        engaged_ms INTEGER NOT NULL DEFAULT 0,
        last_seq INTEGER NOT NULL DEFAULT 0,
        beats INTEGER NOT NULL DEFAULT 0,
        email TEXT,
        visitor_id TEXT,
        entry_url TEXT,
        referrer TEXT,
        screen TEXT,
        lang TEXT,
        current_url TEXT,
        -- The open engaged span lives on the session row, so a beat that extends it is one UPDATE;
        -- spans rows are appended only when a span closes (another page, or a long pause).
        span_url TEXT,
        span_start INTEGER,
        span_end INTEGER
      );
      CREATE INDEX sessions_started_at ON sessions (started_at);
      CREATE INDEX sessions_email ON sessions (email, started_at) WHERE email IS NOT NULL;
      CREATE INDEX sessions_visitor ON sessions (visitor_id, started_at);

      CREATE TABLE session_pages (
        session_pk INTEGER NOT NULL,
        url TEXT NOT NULL,
        engaged_ms INTEGER NOT NULL DEFAULT 0,
        max_scroll INTEGER,
        PRIMARY KEY (session_pk, url)
      ) WITHOUT ROWID;

      CREATE TABLE spans (
        session_pk INTEGER NOT NULL,
        url TEXT,
        start_at INTEGER NOT NULL,
        end_at INTEGER NOT NULL
      );
      CREATE INDEX spans_session ON spans (session_pk, start_at);

      CREATE TABLE salts (
        day TEXT PRIMARY KEY,
        salt BLOB NOT NULL
      );
    `,
  },
];
