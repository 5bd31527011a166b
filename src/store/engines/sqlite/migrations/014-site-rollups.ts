// SQLite migration 14: the rollups keyed by site and by the day of the site's calendar that each
// session counts on (sessions.day), rebuilt from the sessions, so every number is kept and split by
// site. A session moved to another day (its site's time zone changed) or site moves its pages'
// time with it. Same tables, keys and triggers as PostgreSQL's migration 14.
// Frozen: the text applied by every install since it shipped. Never edit it; add a migration.

export default `
  DROP TRIGGER sessions_rollup_insert;
  DROP TRIGGER sessions_rollup_delete;
  DROP TRIGGER sessions_rollup_move;
  DROP TRIGGER session_pages_rollup_insert;
  DROP TRIGGER session_pages_rollup_delete;
  DROP TABLE rollup_days;
  DROP TABLE rollup_durations;
  DROP TABLE rollup_pages;
  DROP TABLE rollup_visitor_days;
  DROP TABLE rollup_pending;
  DROP TABLE rollup_pages_pending;

  CREATE TABLE rollup_days (
    site INTEGER NOT NULL,
    day INTEGER NOT NULL,
    sessions INTEGER NOT NULL,
    engaged_ms INTEGER NOT NULL,
    PRIMARY KEY (site, day)
  ) WITHOUT ROWID;
  CREATE TABLE rollup_durations (
    site INTEGER NOT NULL,
    day INTEGER NOT NULL,
    seconds INTEGER NOT NULL,
    sessions INTEGER NOT NULL,
    PRIMARY KEY (site, day, seconds)
  ) WITHOUT ROWID;
  CREATE TABLE rollup_pages (
    site INTEGER NOT NULL,
    day INTEGER NOT NULL,
    url TEXT NOT NULL,
    sessions INTEGER NOT NULL,
    engaged_ms INTEGER NOT NULL,
    PRIMARY KEY (site, day, url)
  ) WITHOUT ROWID;
  CREATE TABLE rollup_visitor_days (
    site INTEGER NOT NULL,
    day INTEGER NOT NULL,
    who TEXT NOT NULL,
    sessions INTEGER NOT NULL,
    engaged_ms INTEGER NOT NULL,
    first_at INTEGER,
    last_at INTEGER,
    prev_day INTEGER,
    PRIMARY KEY (site, day, who)
  ) WITHOUT ROWID;
  CREATE INDEX rollup_visitor_days_who ON rollup_visitor_days (site, who, day);
  CREATE INDEX rollup_visitor_days_first ON rollup_visitor_days (site, day, prev_day);
  CREATE TABLE rollup_pending (
    id INTEGER PRIMARY KEY,
    site INTEGER NOT NULL,
    day INTEGER NOT NULL,
    who TEXT,
    old_ms INTEGER,
    new_ms INTEGER,
    first_at INTEGER,
    last_at INTEGER
  );
  CREATE TABLE rollup_pages_pending (
    id INTEGER PRIMARY KEY,
    site INTEGER NOT NULL,
    day INTEGER NOT NULL,
    url TEXT NOT NULL,
    sessions INTEGER NOT NULL,
    engaged_ms INTEGER NOT NULL
  );

  INSERT INTO rollup_days (site, day, sessions, engaged_ms)
    SELECT site, day, count(*), sum(engaged_ms) FROM sessions GROUP BY 1, 2;
  INSERT INTO rollup_durations (site, day, seconds, sessions)
    SELECT site, day, engaged_ms / 1000, count(*) FROM sessions GROUP BY 1, 2, 3;
  INSERT INTO rollup_pages (site, day, url, sessions, engaged_ms)
    SELECT s.site, s.day, p.url, count(*), sum(p.engaged_ms)
    FROM session_pages p JOIN sessions s ON s.pk = p.session_pk GROUP BY 1, 2, 3;
  INSERT INTO rollup_visitor_days (site, day, who, sessions, engaged_ms, first_at, last_at, prev_day)
    SELECT site, day, who, sessions, engaged_ms, first_at, last_at,
      lag(day) OVER (PARTITION BY site, who ORDER BY day)
    FROM (
      SELECT site, day, coalesce('e:' || email, 'v:' || visitor_id) AS who, count(*) AS sessions,
        sum(engaged_ms) AS engaged_ms, min(started_at) AS first_at, max(last_activity_at) AS last_at
      FROM sessions WHERE coalesce('e:' || email, 'v:' || visitor_id) IS NOT NULL GROUP BY 1, 2, 3
    );

  CREATE TRIGGER sessions_rollup_insert AFTER INSERT ON sessions BEGIN
    INSERT INTO rollup_pending (site, day, who, old_ms, new_ms, first_at, last_at)
      VALUES (new.site, new.day, coalesce('e:' || new.email, 'v:' || new.visitor_id), NULL,
        new.engaged_ms, new.started_at, new.last_activity_at);
  END;
  CREATE TRIGGER sessions_rollup_delete AFTER DELETE ON sessions BEGIN
    INSERT INTO rollup_pending (site, day, who, old_ms, new_ms, first_at, last_at)
      VALUES (old.site, old.day, coalesce('e:' || old.email, 'v:' || old.visitor_id), old.engaged_ms,
        NULL, NULL, NULL);
  END;
  -- Rare: a session handed to another person (an email attached later), or moved to another day or
  -- site as a whole; its pages' time moves with it.
  CREATE TRIGGER sessions_rollup_move AFTER UPDATE OF email, visitor_id, site, day ON sessions
  WHEN coalesce('e:' || old.email, 'v:' || old.visitor_id) IS NOT coalesce('e:' || new.email, 'v:' || new.visitor_id)
    OR old.site <> new.site OR old.day <> new.day BEGIN
    INSERT INTO rollup_pending (site, day, who, old_ms, new_ms, first_at, last_at)
      VALUES (old.site, old.day, coalesce('e:' || old.email, 'v:' || old.visitor_id), old.engaged_ms,
        NULL, NULL, NULL),
      (new.site, new.day, coalesce('e:' || new.email, 'v:' || new.visitor_id), NULL, new.engaged_ms,
        new.started_at, new.last_activity_at);
  END;
  CREATE TRIGGER sessions_rollup_move_pages AFTER UPDATE OF site, day ON sessions
  WHEN old.site <> new.site OR old.day <> new.day BEGIN
    INSERT INTO rollup_pages_pending (site, day, url, sessions, engaged_ms)
      SELECT old.site, old.day, url, -1, -engaged_ms FROM session_pages WHERE session_pk = old.pk
      UNION ALL SELECT new.site, new.day, url, 1, engaged_ms FROM session_pages WHERE session_pk = new.pk;
  END;
  -- A page counts on its session's day; its session still exists when its page rows change (a
  -- purge deletes pages before their sessions).
  CREATE TRIGGER session_pages_rollup_insert AFTER INSERT ON session_pages BEGIN
    INSERT INTO rollup_pages_pending (site, day, url, sessions, engaged_ms)
      SELECT s.site, s.day, new.url, 1, new.engaged_ms FROM sessions s WHERE s.pk = new.session_pk;
  END;
  CREATE TRIGGER session_pages_rollup_delete AFTER DELETE ON session_pages BEGIN
    INSERT INTO rollup_pages_pending (site, day, url, sessions, engaged_ms)
      SELECT s.site, s.day, old.url, -1, -old.engaged_ms FROM sessions s WHERE s.pk = old.session_pk;
  END;
`;
