// Versioned schema of the PostgreSQL store: the same model as SQLite's, in PostgreSQL's types.
// Append new migrations; never edit an applied one: each one's SQL is literal text (the long ones in
// migrations/), and test/store/migrations-frozen.test.ts fails when a shipped migration's text changes.

import type { Migration } from '../../migration.ts';
import { assignStoredSessions } from '../../sites/assign-stored-sessions.ts';
import rollupsSql from './migrations/005-query-rollups.ts';
import sitesSql from './migrations/012-sites.ts';
import siteRollupsSql from './migrations/014-site-rollups.ts';
import sessionOriginsSql from './migrations/015-session-origins.ts';
import firstDaysSql from './migrations/016-first-days.ts';
import breakdownDaysSql from './migrations/017-breakdown-days.ts';

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
  {
    version: 2,
    name: 'email gate: people, access, links',
    sql: `
      -- One row per email that ever had (or was denied) access; revoked_before ends every access
      -- issued up to then, at once (dwell gate revoke).
      CREATE TABLE gate_people (
        email TEXT PRIMARY KEY,
        first_seen_at BIGINT,
        revoked_before BIGINT
      );

      CREATE TABLE gate_sessions (
        session_id TEXT PRIMARY KEY,
        email TEXT NOT NULL,
        issued_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        end_notified_at BIGINT
      );
      CREATE INDEX gate_sessions_email ON gate_sessions (email);
      CREATE INDEX gate_sessions_unannounced ON gate_sessions (issued_at) WHERE end_notified_at IS NULL;

      -- Single-use verification links: only the token's SHA-256 is kept.
      CREATE TABLE gate_links (
        token_hash BYTEA PRIMARY KEY,
        email TEXT NOT NULL,
        next TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        used_at BIGINT
      );
    `,
  },
  {
    version: 3,
    name: 'query indexes',
    // Until version 5 stats and visitors were aggregates over these indexes; since then rollups.
    sql: `
      -- Sessions that visited a page (the url filter of the sessions list and of stats).
      CREATE INDEX session_pages_url ON session_pages (url, session_pk);
      -- Per-person lookups of the visitors list (an email, else a visitor key).
      CREATE INDEX sessions_who ON sessions ((coalesce('e:' || email, 'v:' || visitor_id)), started_at);
      -- The live view: open sessions by last activity.
      CREATE INDEX sessions_live ON sessions (last_activity_at) WHERE ended_at IS NULL;
    `,
  },
  {
    version: 4,
    name: 'beats are HOT updates',
    // A beat writes last_activity_at and ended_at. With an index on either, PostgreSQL cannot update
    // the row in place (a heap-only tuple): every beat added an entry to all seven indexes of
    // sessions. Without one, beats are HOT updates into the free space fillfactor 80 leaves on each
    // page. The live view finds open sessions through sessions_started_at instead (it only looks at
    // sessions started in the last day).
    sql: `
      DROP INDEX IF EXISTS sessions_live;
    `,
  },
  // Stats and the visitors list read rollups instead of every session of the range (rollups-sql.ts).
  { version: 5, name: 'query rollups kept by appended deltas', sql: rollupsSql },
  {
    version: 6,
    name: 'beats are appended to a journal; visible time; sections',
    sql: `
      -- The request only appends a beat here; the fold (fold-plan.ts) credits it into sessions,
      -- pages, spans and sections, then deletes it, in one transaction under an advisory lock. No
      -- index but the key: an append is one heap tuple and one B-tree entry at the right edge.
      CREATE TABLE beat_journal (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        session_pk BIGINT NOT NULL,
        at BIGINT NOT NULL,
        seq BIGINT,
        engaged_ms BIGINT,
        visible_ms BIGINT,
        url TEXT,
        scroll REAL,
        final BOOLEAN NOT NULL DEFAULT FALSE,
        sections TEXT
      );
      -- Visible time (the second clock): NULL on rows stored before it was measured, unknown rather
      -- than invented; new sessions start at 0.
      ALTER TABLE sessions ADD COLUMN visible_ms BIGINT;
      ALTER TABLE session_pages ADD COLUMN visible_ms BIGINT;
      -- One visit, one count: set by the first beat that carries engagedMs.
      ALTER TABLE sessions ADD COLUMN measured BOOLEAN NOT NULL DEFAULT FALSE;
      CREATE TABLE session_sections (
        session_pk BIGINT NOT NULL,
        url TEXT NOT NULL,
        name TEXT NOT NULL,
        position INTEGER NOT NULL,
        engaged_ms BIGINT NOT NULL,
        PRIMARY KEY (session_pk, url, name)
      );
    `,
  },
  {
    version: 7,
    name: 'webhook outbox',
    sql: `
      -- Webhook events waiting for delivery, written in the transaction of the change they announce
      -- (a first visit, a session's end), so a restart or a crash loses none. id is the Standard
      -- Webhooks webhook-id, the same on every attempt; a claimed row's next_attempt_at is its lease,
      -- taken with FOR UPDATE SKIP LOCKED, so of several instances one delivers each row at a time.
      -- Delivered (or abandoned) rows are deleted.
      CREATE TABLE webhook_outbox (
        id TEXT PRIMARY KEY,
        event TEXT NOT NULL,
        body TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at BIGINT NOT NULL,
        last_error TEXT
      );
      CREATE INDEX webhook_outbox_due ON webhook_outbox (next_attempt_at);
    `,
  },
  {
    version: 8,
    name: "a page's sections found by URL",
    sql: `
      -- The attention map (getPageSections) reads one page's sections over a period: by URL it
      -- reads that page's rows only, instead of every session of the period.
      CREATE INDEX session_sections_url ON session_sections (url, session_pk);
    `,
  },
  { version: 12, name: 'sites', sql: sitesSql },
  {
    version: 13,
    name: 'every stored session to the site of its registrable domain',
    sql: '',
    run: assignStoredSessions,
  },
  { version: 14, name: 'rollups by site and by the day of its time zone', sql: siteRollupsSql },
  { version: 15, name: "each session's source, campaign, device and country", sql: sessionOriginsSql },
  { version: 16, name: 'people counted by the day they were seen before', sql: firstDaysSql },
  { version: 17, name: "breakdowns from each day's sessions in columns", sql: breakdownDaysSql },
  {
    version: 18,
    name: 'the journal folded by partitions of sessions',
    sql: `
      -- Engine II (issue #26): instances fold a session's beats when it is due, each partition of
      -- sessions (session_pk % 16) under its own advisory lock, so two instances fold different
      -- partitions at once. A due session's rows are found by its key; a partition's oldest rows
      -- (the sweep of beats no instance has in memory: another instance's, one that died) by the
      -- partition and the journal's order.
      CREATE INDEX beat_journal_session ON beat_journal (session_pk);
      CREATE INDEX beat_journal_partition ON beat_journal ((session_pk % 16), id);
    `,
  },
  {
    version: 19,
    name: "the journal without migration 18's partition index",
    sql: `
      -- No query reads it: the sweep finds old beats through the journal's key order, a session's
      -- beats through beat_journal_session. Each append and each fold's delete wrote it for nothing.
      DROP INDEX IF EXISTS beat_journal_partition;
    `,
  },
];
