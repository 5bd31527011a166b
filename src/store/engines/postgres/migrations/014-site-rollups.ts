// PostgreSQL migration 14: the rollups keyed by site and by the day of the site's calendar that each
// session counts on (sessions.day), rebuilt from the sessions, so every number is kept and split by
// site. A session moved to another day (its site's time zone changed) or site moves its pages' time
// with it. Same tables, keys and triggers as SQLite's migration 14; the storage settings of
// migration 5 (fillfactor, the queues' autovacuum) are kept, for the reasons given there.
// Frozen: the text applied by every install since it shipped. Never edit it; add a migration.

export default `LOCK TABLE sessions, session_pages IN SHARE MODE;
  DROP TRIGGER sessions_rollup_insert ON sessions;
  DROP TRIGGER sessions_rollup_delete ON sessions;
  DROP TRIGGER sessions_rollup_move ON sessions;
  DROP TRIGGER session_pages_rollup_insert ON session_pages;
  DROP TRIGGER session_pages_rollup_delete ON session_pages;
  DROP FUNCTION dwell_sessions_rollup_insert();
  DROP FUNCTION dwell_sessions_rollup_delete();
  DROP FUNCTION dwell_sessions_rollup_move();
  DROP FUNCTION dwell_session_pages_rollup_insert();
  DROP FUNCTION dwell_session_pages_rollup_delete();
  DROP TABLE rollup_days, rollup_durations, rollup_pages, rollup_visitor_days, rollup_pending,
    rollup_pages_pending;

  CREATE TABLE rollup_days (
    site BIGINT NOT NULL,
    day INTEGER NOT NULL,
    sessions BIGINT NOT NULL,
    engaged_ms BIGINT NOT NULL,
    PRIMARY KEY (site, day)
  ) WITH (fillfactor = 90);
  CREATE TABLE rollup_durations (
    site BIGINT NOT NULL,
    day INTEGER NOT NULL,
    seconds BIGINT NOT NULL,
    sessions BIGINT NOT NULL,
    PRIMARY KEY (site, day, seconds)
  ) WITH (fillfactor = 90);
  CREATE TABLE rollup_pages (
    site BIGINT NOT NULL,
    day INTEGER NOT NULL,
    url TEXT NOT NULL,
    sessions BIGINT NOT NULL,
    engaged_ms BIGINT NOT NULL,
    PRIMARY KEY (site, day, url)
  ) WITH (fillfactor = 90);
  CREATE TABLE rollup_visitor_days (
    site BIGINT NOT NULL,
    day INTEGER NOT NULL,
    who TEXT COLLATE "C" NOT NULL,
    sessions BIGINT NOT NULL,
    engaged_ms BIGINT NOT NULL,
    first_at BIGINT,
    last_at BIGINT,
    prev_day INTEGER,
    PRIMARY KEY (site, day, who)
  ) WITH (fillfactor = 90);
  CREATE INDEX rollup_visitor_days_who ON rollup_visitor_days (site, who, day);
  CREATE INDEX rollup_visitor_days_first ON rollup_visitor_days (site, day, prev_day);
  CREATE TABLE rollup_pending (
    site BIGINT NOT NULL,
    day INTEGER NOT NULL,
    who TEXT,
    old_ms BIGINT,
    new_ms BIGINT,
    first_at BIGINT,
    last_at BIGINT
  ) WITH (autovacuum_vacuum_threshold = 10000, autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_cost_delay = 0);
  CREATE TABLE rollup_pages_pending (
    site BIGINT NOT NULL,
    day INTEGER NOT NULL,
    url TEXT NOT NULL,
    sessions INTEGER NOT NULL,
    engaged_ms BIGINT NOT NULL
  ) WITH (autovacuum_vacuum_threshold = 10000, autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_cost_delay = 0);

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
      SELECT site, day, coalesce('e:' || email, 'v:' || visitor_id) COLLATE "C" AS who, count(*) AS sessions,
        sum(engaged_ms) AS engaged_ms, min(started_at) AS first_at, max(last_activity_at) AS last_at
      FROM sessions WHERE coalesce('e:' || email, 'v:' || visitor_id) IS NOT NULL GROUP BY 1, 2, 3
    ) AS people;

  CREATE FUNCTION dwell_sessions_rollup_insert() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO rollup_pending (site, day, who, old_ms, new_ms, first_at, last_at)
      SELECT n.site, n.day, coalesce('e:' || n.email, 'v:' || n.visitor_id), NULL::bigint, n.engaged_ms,
        n.started_at, n.last_activity_at FROM new_rows n;
    RETURN NULL;
  END $$;
  CREATE TRIGGER sessions_rollup_insert AFTER INSERT ON sessions
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dwell_sessions_rollup_insert();

  CREATE FUNCTION dwell_sessions_rollup_delete() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO rollup_pending (site, day, who, old_ms, new_ms, first_at, last_at)
      SELECT o.site, o.day, coalesce('e:' || o.email, 'v:' || o.visitor_id), o.engaged_ms, NULL::bigint,
        NULL::bigint, NULL::bigint FROM old_rows o;
    RETURN NULL;
  END $$;
  CREATE TRIGGER sessions_rollup_delete AFTER DELETE ON sessions
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION dwell_sessions_rollup_delete();

  -- Rare: a session handed to another person (an email attached later), or moved to another day or
  -- site as a whole; its pages' time moves with it. Row-level with a column list: a beat's UPDATE
  -- sets none of these, so it never fires for one.
  CREATE FUNCTION dwell_sessions_rollup_move() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO rollup_pending (site, day, who, old_ms, new_ms, first_at, last_at)
      SELECT OLD.site, OLD.day, coalesce('e:' || OLD.email, 'v:' || OLD.visitor_id), OLD.engaged_ms,
        NULL::bigint, NULL::bigint, NULL::bigint
      UNION ALL SELECT NEW.site, NEW.day, coalesce('e:' || NEW.email, 'v:' || NEW.visitor_id), NULL::bigint,
        NEW.engaged_ms, NEW.started_at, NEW.last_activity_at;
    IF OLD.site <> NEW.site OR OLD.day <> NEW.day THEN
      INSERT INTO rollup_pages_pending (site, day, url, sessions, engaged_ms)
        SELECT OLD.site, OLD.day, p.url, -1, -p.engaged_ms FROM session_pages p WHERE p.session_pk = OLD.pk
        UNION ALL SELECT NEW.site, NEW.day, p.url, 1, p.engaged_ms FROM session_pages p WHERE p.session_pk = NEW.pk;
    END IF;
    RETURN NULL;
  END $$;
  CREATE TRIGGER sessions_rollup_move AFTER UPDATE OF email, visitor_id, site, day ON sessions
    FOR EACH ROW WHEN (coalesce('e:' || OLD.email, 'v:' || OLD.visitor_id) IS DISTINCT FROM coalesce('e:' || NEW.email, 'v:' || NEW.visitor_id)
      OR OLD.site <> NEW.site OR OLD.day <> NEW.day)
    EXECUTE FUNCTION dwell_sessions_rollup_move();

  -- A page counts on its session's day; its session still exists when its page rows change (a
  -- purge deletes pages before their sessions: queries/purge-sessions.ts).
  CREATE FUNCTION dwell_session_pages_rollup_insert() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO rollup_pages_pending (site, day, url, sessions, engaged_ms)
      SELECT s.site, s.day, n.url, 1, n.engaged_ms FROM new_rows n JOIN sessions s ON s.pk = n.session_pk;
    RETURN NULL;
  END $$;
  CREATE TRIGGER session_pages_rollup_insert AFTER INSERT ON session_pages
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dwell_session_pages_rollup_insert();

  CREATE FUNCTION dwell_session_pages_rollup_delete() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO rollup_pages_pending (site, day, url, sessions, engaged_ms)
      SELECT s.site, s.day, o.url, -1, -o.engaged_ms FROM old_rows o JOIN sessions s ON s.pk = o.session_pk;
    RETURN NULL;
  END $$;
  CREATE TRIGGER session_pages_rollup_delete AFTER DELETE ON session_pages
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION dwell_session_pages_rollup_delete();
`;
