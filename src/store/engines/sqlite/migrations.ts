// Versioned schema of the SQLite store. Append new migrations; never edit an applied one: each
// one's SQL is literal text (the long ones in migrations/), and test/store/migrations-frozen.test.ts
// fails when a shipped migration's text changes.

import type { Migration } from '../../migration.ts';
import { assignStoredSessions } from '../../sites/assign-stored-sessions.ts';
import rollupsSql from './migrations/003-query-rollups.ts';
import pendingRollupsSql from './migrations/004-pending-rollups.ts';
import exactRemovalsSql from './migrations/005-exact-removals.ts';
import oneRollupSchemaSql from './migrations/011-one-rollup-schema.ts';
import sitesSql from './migrations/012-sites.ts';
import siteRollupsSql from './migrations/014-site-rollups.ts';
import sessionOriginsSql from './migrations/015-session-origins.ts';
import firstDaysSql from './migrations/016-first-days.ts';
import breakdownDaysSql from './migrations/017-breakdown-days.ts';

export type { Migration };

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
  {
    version: 2,
    name: 'email gate: people, access, links',
    sql: `
      -- One row per email that ever had (or was denied) access; revoked_before ends every access
      -- issued up to then, at once (dwell gate revoke).
      CREATE TABLE gate_people (
        email TEXT PRIMARY KEY,
        first_seen_at INTEGER,
        revoked_before INTEGER
      ) WITHOUT ROWID;

      CREATE TABLE gate_sessions (
        session_id TEXT PRIMARY KEY,
        email TEXT NOT NULL,
        issued_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        end_notified_at INTEGER
      ) WITHOUT ROWID;
      CREATE INDEX gate_sessions_email ON gate_sessions (email);
      CREATE INDEX gate_sessions_unannounced ON gate_sessions (issued_at) WHERE end_notified_at IS NULL;

      -- Single-use verification links: only the token's SHA-256 is kept.
      CREATE TABLE gate_links (
        token_hash BLOB PRIMARY KEY,
        email TEXT NOT NULL,
        next TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        used_at INTEGER
      ) WITHOUT ROWID;
    `,
  },
  { version: 3, name: 'query rollups and indexes', sql: rollupsSql },
  { version: 4, name: 'beats leave rollup deltas to fold in bulk', sql: pendingRollupsSql },
  { version: 5, name: 'removals recompute first and last activity', sql: exactRemovalsSql },
  {
    version: 6,
    name: 'beats are appended to a journal; visible time; sections',
    sql: `
      -- The request only appends a beat here; the fold (fold-plan.ts) credits it into sessions,
      -- pages, spans and sections, then deletes it, in one transaction. Append-only at the end of
      -- the rowid B-tree: a batch of beats dirties a page or two instead of four pages a beat.
      CREATE TABLE beat_journal (
        id INTEGER PRIMARY KEY,
        session_pk INTEGER NOT NULL,
        at INTEGER NOT NULL,
        seq INTEGER,
        engaged_ms INTEGER,
        visible_ms INTEGER,
        url TEXT,
        scroll REAL,
        final INTEGER NOT NULL DEFAULT 0,
        sections TEXT
      );
      -- Visible time (the second clock): NULL on rows stored before it was measured, unknown rather
      -- than invented; new sessions start at 0.
      ALTER TABLE sessions ADD COLUMN visible_ms INTEGER;
      ALTER TABLE session_pages ADD COLUMN visible_ms INTEGER;
      -- One visit, one count: set by the first beat that carries engagedMs.
      ALTER TABLE sessions ADD COLUMN measured INTEGER NOT NULL DEFAULT 0;
      CREATE TABLE session_sections (
        session_pk INTEGER NOT NULL,
        url TEXT NOT NULL,
        name TEXT NOT NULL,
        position INTEGER NOT NULL,
        engaged_ms INTEGER NOT NULL,
        PRIMARY KEY (session_pk, url, name)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 7,
    name: 'webhook outbox',
    sql: `
      -- Webhook events waiting for delivery, written in the transaction of the change they announce
      -- (a first visit, a session's end), so a restart or a crash loses none. id is the Standard
      -- Webhooks webhook-id, the same on every attempt; a claimed row's next_attempt_at is its lease.
      -- Delivered (or abandoned) rows are deleted.
      CREATE TABLE webhook_outbox (
        id TEXT PRIMARY KEY,
        event TEXT NOT NULL,
        body TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
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
  {
    version: 10,
    name: "the fold writes the beats' rollup deltas",
    sql: `
      -- The fold (fold.ts) appends a session's delta once per chunk and adds a page's time to its
      -- rollup row once per (day, url) per chunk; these triggers did both beat by beat.
      DROP TRIGGER sessions_rollup_beat;
      DROP TRIGGER session_pages_rollup_update;
    `,
  },
  {
    version: 11,
    name: 'one rollup schema for both engines',
    sql: oneRollupSchemaSql,
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
    name: "a session's journaled beats found by its key",
    sql: `
      -- Engine II (issue #26) folds a session's beats when it is due (quiet, ended, or its oldest
      -- beat N seconds old), not the whole journal: the fold and the request path's "latest
      -- journaled beat" both look a session's rows up by its key, which without an index is a scan
      -- of a journal that now holds up to N seconds of beats.
      CREATE INDEX beat_journal_session ON beat_journal (session_pk);
    `,
  },
];
