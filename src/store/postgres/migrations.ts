// Versioned schema of the PostgreSQL store: the same model as SQLite's, in PostgreSQL's types.
// Append new migrations; never edit an applied one.

import type { Migration } from '../sqlite/migrations.ts';

export const migrations: Migration[] = [
  {
    version: 1,
    name: 'sessions, pages, spans, salts',
    sql: `
      -- pk is an identity: rows of recent sessions sit together at the end of the heap and the
      -- primary-key index; the random public id only lives in its own unique index.
      CREATE TABLE sessions (
        pk BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        token_hash BYTEA,
        cookie_only BOOLEAN NOT NULL DEFAULT FALSE,
        started_at BIGINT NOT NULL,
        last_activity_at BIGINT NOT NULL,
        ended_at BIGINT,
        engaged_ms BIGINT NOT NULL DEFAULT 0,
        last_seq BIGINT NOT NULL DEFAULT 0,
        beats INTEGER NOT NULL DEFAULT 0,
        email TEXT,
        visitor_id TEXT,
        entry_url TEXT,
        referrer TEXT,
        screen TEXT,
        lang TEXT,
        current_url TEXT,
        span_url TEXT,
        span_start BIGINT,
        span_end BIGINT
      ) WITH (fillfactor = 80);
      CREATE INDEX sessions_started_at ON sessions (started_at);
      CREATE INDEX sessions_email ON sessions (email, started_at) WHERE email IS NOT NULL;
      CREATE INDEX sessions_visitor ON sessions (visitor_id, started_at);

      CREATE TABLE session_pages (
        session_pk BIGINT NOT NULL,
        url TEXT NOT NULL,
        engaged_ms BIGINT NOT NULL DEFAULT 0,
        max_scroll REAL,
        PRIMARY KEY (session_pk, url)
      );

      CREATE TABLE spans (
        session_pk BIGINT NOT NULL,
        url TEXT,
        start_at BIGINT NOT NULL,
        end_at BIGINT NOT NULL
      );
      CREATE INDEX spans_session ON spans (session_pk, start_at);

      CREATE TABLE salts (
        day TEXT PRIMARY KEY,
        salt BYTEA NOT NULL
      );
    `,
  },
];
