// SQLite migration 11: the rollups take PostgreSQL's schema, so both engines keep the same tables
// with the same keys and one rollup fold (fold/rollup-fold.ts) applies the deltas on both. A
// person's visitor-days are keyed by the person itself (no visitors table); every writer appends
// deltas (the fold, and these row triggers for starts, removals and moves) and the rollup fold
// applies them in bulk. The rollups are rebuilt from the sessions, so every number is kept.
// Frozen: the text applied by every install since it shipped. Never edit it; add a migration.

export default `
  DROP TRIGGER IF EXISTS sessions_rollup_insert;
  DROP TRIGGER IF EXISTS sessions_rollup_delete;
  DROP TRIGGER IF EXISTS sessions_rollup_move;
  DROP TRIGGER IF EXISTS sessions_rollup_beat;
  DROP TRIGGER IF EXISTS rollup_visitor_days_unlink;
  DROP TRIGGER IF EXISTS session_pages_rollup_insert;
  DROP TRIGGER IF EXISTS session_pages_rollup_update;
  DROP TRIGGER IF EXISTS session_pages_rollup_delete;
  DROP TABLE rollup_pending;
  DROP TABLE rollup_visitor_days;
  DROP TABLE visitors;

  CREATE TABLE rollup_visitor_days (
    day INTEGER NOT NULL,
    who TEXT NOT NULL,
    sessions INTEGER NOT NULL,
    engaged_ms INTEGER NOT NULL,
    first_at INTEGER,
    last_at INTEGER,
    prev_day INTEGER,
    PRIMARY KEY (day, who)
  ) WITHOUT ROWID;
  CREATE INDEX rollup_visitor_days_who ON rollup_visitor_days (who, day);
  CREATE INDEX rollup_visitor_days_first ON rollup_visitor_days (day, prev_day);
  CREATE TABLE rollup_pending (
    id INTEGER PRIMARY KEY,
    day INTEGER NOT NULL,
    who TEXT,
    old_ms INTEGER,
    new_ms INTEGER,
    first_at INTEGER,
    last_at INTEGER
  );
  CREATE TABLE rollup_pages_pending (
    id INTEGER PRIMARY KEY,
    day INTEGER NOT NULL,
    url TEXT NOT NULL,
    sessions INTEGER NOT NULL,
    engaged_ms INTEGER NOT NULL
  );

  DELETE FROM rollup_days;
  DELETE FROM rollup_durations;
  DELETE FROM rollup_pages;
  INSERT INTO rollup_days (day, sessions, engaged_ms)
    SELECT started_at / 86400000, count(*), sum(engaged_ms) FROM sessions GROUP BY 1;
  INSERT INTO rollup_durations (day, seconds, sessions)
    SELECT started_at / 86400000, engaged_ms / 1000, count(*) FROM sessions GROUP BY 1, 2;
  INSERT INTO rollup_pages (day, url, sessions, engaged_ms)
    SELECT s.started_at / 86400000, p.url, count(*), sum(p.engaged_ms)
    FROM session_pages p JOIN sessions s ON s.pk = p.session_pk GROUP BY 1, 2;
  INSERT INTO rollup_visitor_days (day, who, sessions, engaged_ms, first_at, last_at, prev_day)
    SELECT day, who, sessions, engaged_ms, first_at, last_at, lag(day) OVER (PARTITION BY who ORDER BY day)
    FROM (
      SELECT started_at / 86400000 AS day, coalesce('e:' || email, 'v:' || visitor_id) AS who, count(*) AS sessions,
        sum(engaged_ms) AS engaged_ms, min(started_at) AS first_at, max(last_activity_at) AS last_at
      FROM sessions WHERE coalesce('e:' || email, 'v:' || visitor_id) IS NOT NULL GROUP BY 1, 2
    );

  CREATE TRIGGER sessions_rollup_insert AFTER INSERT ON sessions BEGIN
    INSERT INTO rollup_pending (day, who, old_ms, new_ms, first_at, last_at)
      VALUES (new.started_at / 86400000, coalesce('e:' || new.email, 'v:' || new.visitor_id), NULL,
        new.engaged_ms, new.started_at, new.last_activity_at);
  END;
  CREATE TRIGGER sessions_rollup_delete AFTER DELETE ON sessions BEGIN
    INSERT INTO rollup_pending (day, who, old_ms, new_ms, first_at, last_at)
      VALUES (old.started_at / 86400000, coalesce('e:' || old.email, 'v:' || old.visitor_id), old.engaged_ms,
        NULL, NULL, NULL);
  END;
  -- Rare: a session handed to another person (an email attached later) or start moves as a whole.
  CREATE TRIGGER sessions_rollup_move AFTER UPDATE OF email, visitor_id, started_at ON sessions
  WHEN coalesce('e:' || old.email, 'v:' || old.visitor_id) IS NOT coalesce('e:' || new.email, 'v:' || new.visitor_id)
    OR old.started_at <> new.started_at BEGIN
    INSERT INTO rollup_pending (day, who, old_ms, new_ms, first_at, last_at)
      VALUES (old.started_at / 86400000, coalesce('e:' || old.email, 'v:' || old.visitor_id), old.engaged_ms,
        NULL, NULL, NULL),
      (new.started_at / 86400000, coalesce('e:' || new.email, 'v:' || new.visitor_id), NULL, new.engaged_ms,
        new.started_at, new.last_activity_at);
  END;
  -- A page counts on the day its session started; its session still exists when its page rows
  -- change (a purge deletes pages before their sessions).
  CREATE TRIGGER session_pages_rollup_insert AFTER INSERT ON session_pages BEGIN
    INSERT INTO rollup_pages_pending (day, url, sessions, engaged_ms)
      SELECT s.started_at / 86400000, new.url, 1, new.engaged_ms FROM sessions s WHERE s.pk = new.session_pk;
  END;
  CREATE TRIGGER session_pages_rollup_delete AFTER DELETE ON session_pages BEGIN
    INSERT INTO rollup_pages_pending (day, url, sessions, engaged_ms)
      SELECT s.started_at / 86400000, old.url, -1, -old.engaged_ms FROM sessions s WHERE s.pk = old.session_pk;
  END;
`;
