// PostgreSQL migration 5: the query rollups, kept by appended deltas.
// Frozen: the text applied by every install since it shipped. Never edit it; add a migration.

export default `LOCK TABLE sessions, session_pages IN SHARE MODE; 
  -- fillfactor 90: a fold's updates find room on their own page and stay heap-only (HOT), writing
  -- no index entry (no index covers a column a fold changes). Only today's rows are updated, so
  -- more room would be wasted on every past day: measured under the ingest benchmark, 95 % of the
  -- people's updates were HOT at 90 and all at 50, at the same beats/s, and 50 took 45 % more disk.
  CREATE TABLE rollup_days (
    day INTEGER PRIMARY KEY,
    sessions BIGINT NOT NULL,
    engaged_ms BIGINT NOT NULL
  ) WITH (fillfactor = 90);
  CREATE TABLE rollup_durations (
    day INTEGER NOT NULL,
    seconds BIGINT NOT NULL,
    sessions BIGINT NOT NULL,
    PRIMARY KEY (day, seconds)
  ) WITH (fillfactor = 90);
  CREATE TABLE rollup_pages (
    day INTEGER NOT NULL,
    url TEXT NOT NULL,
    sessions BIGINT NOT NULL,
    engaged_ms BIGINT NOT NULL,
    PRIMARY KEY (day, url)
  ) WITH (fillfactor = 90);
  -- One row per person and day; "C" collation, so the visitors list's cursor orders as its key.
  -- prev_day is the previous day that person was seen, so "distinct people over a range" is a count
  -- of the range's rows with prev_day before it (no DISTINCT over every person of the range). Unlike
  -- SQLite, no index on last_at: every beat moves it, and an index on it made each fold's update of
  -- a person write four index entries instead of none. The visitors list sorts a day's people.
  CREATE TABLE rollup_visitor_days (
    day INTEGER NOT NULL,
    who TEXT COLLATE "C" NOT NULL,
    sessions BIGINT NOT NULL,
    engaged_ms BIGINT NOT NULL,
    first_at BIGINT,
    last_at BIGINT,
    prev_day INTEGER,
    PRIMARY KEY (day, who)
  ) WITH (fillfactor = 90);
  CREATE INDEX rollup_visitor_days_who ON rollup_visitor_days (who, day);
  CREATE INDEX rollup_visitor_days_first ON rollup_visitor_days (day, prev_day);

  -- Queues: rows come and go every second, and a fold scans what is there, dead rows included, so
  -- autovacuum comes after 10,000 dead rows rather than after a fifth of a table that is mostly empty.
  CREATE TABLE rollup_pending (
    day INTEGER NOT NULL,
    who TEXT,
    old_ms BIGINT,
    new_ms BIGINT,
    first_at BIGINT,
    last_at BIGINT
  ) WITH (autovacuum_vacuum_threshold = 10000, autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_cost_delay = 0);
  CREATE TABLE rollup_pages_pending (
    day INTEGER NOT NULL,
    url TEXT NOT NULL,
    sessions INTEGER NOT NULL,
    engaged_ms BIGINT NOT NULL
  ) WITH (autovacuum_vacuum_threshold = 10000, autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_cost_delay = 0);

  DELETE FROM rollup_pending;
  DELETE FROM rollup_pages_pending;
  DELETE FROM rollup_days;
  DELETE FROM rollup_durations;
  DELETE FROM rollup_pages;
  DELETE FROM rollup_visitor_days;
  INSERT INTO rollup_days (day, sessions, engaged_ms)
    SELECT (s.started_at / 86400000)::int, count(*), sum(s.engaged_ms) FROM sessions s GROUP BY 1;
  INSERT INTO rollup_durations (day, seconds, sessions)
    SELECT (s.started_at / 86400000)::int, s.engaged_ms / 1000, count(*) FROM sessions s GROUP BY 1, 2;
  INSERT INTO rollup_pages (day, url, sessions, engaged_ms)
    SELECT (s.started_at / 86400000)::int, p.url, count(*), sum(p.engaged_ms)
    FROM session_pages p JOIN sessions s ON s.pk = p.session_pk GROUP BY 1, 2;
  INSERT INTO rollup_visitor_days (day, who, sessions, engaged_ms, first_at, last_at, prev_day)
    SELECT day, who, sessions, engaged_ms, first_at, last_at, lag(day) OVER (PARTITION BY who ORDER BY day)
    FROM (
      SELECT (s.started_at / 86400000)::int AS day, coalesce('e:' || s.email, 'v:' || s.visitor_id) COLLATE "C" AS who, count(*) AS sessions,
        sum(s.engaged_ms) AS engaged_ms, min(s.started_at) AS first_at, max(s.last_activity_at) AS last_at
      FROM sessions s WHERE coalesce('e:' || s.email, 'v:' || s.visitor_id) IS NOT NULL GROUP BY 1, 2
    ) AS people;

  
  CREATE FUNCTION dwell_sessions_rollup_insert() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO rollup_pending (day, who, old_ms, new_ms, first_at, last_at) SELECT (n.started_at / 86400000)::int, coalesce('e:' || n.email, 'v:' || n.visitor_id), NULL::bigint, n.engaged_ms, n.started_at, n.last_activity_at FROM new_rows n;
    RETURN NULL;
  END $$;
  CREATE TRIGGER sessions_rollup_insert AFTER INSERT ON sessions
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dwell_sessions_rollup_insert();
  
  CREATE FUNCTION dwell_sessions_rollup_delete() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO rollup_pending (day, who, old_ms, new_ms, first_at, last_at) SELECT (o.started_at / 86400000)::int, coalesce('e:' || o.email, 'v:' || o.visitor_id), o.engaged_ms, NULL::bigint, NULL::bigint, NULL::bigint FROM old_rows o;
    RETURN NULL;
  END $$;
  CREATE TRIGGER sessions_rollup_delete AFTER DELETE ON sessions
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION dwell_sessions_rollup_delete();

  -- Rare: a session handed to another person (an email attached later) or start moves as a whole.
  -- Row-level with a column list: a beat's UPDATE sets none of these, so it never fires for one.
  CREATE FUNCTION dwell_sessions_rollup_move() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO rollup_pending (day, who, old_ms, new_ms, first_at, last_at) SELECT (OLD.started_at / 86400000)::int, coalesce('e:' || OLD.email, 'v:' || OLD.visitor_id), OLD.engaged_ms, NULL::bigint, NULL::bigint, NULL::bigint UNION ALL SELECT (NEW.started_at / 86400000)::int, coalesce('e:' || NEW.email, 'v:' || NEW.visitor_id), NULL::bigint, NEW.engaged_ms, NEW.started_at, NEW.last_activity_at;
    RETURN NULL;
  END $$;
  CREATE TRIGGER sessions_rollup_move AFTER UPDATE OF email, visitor_id, started_at ON sessions
    FOR EACH ROW WHEN (coalesce('e:' || OLD.email, 'v:' || OLD.visitor_id) IS DISTINCT FROM coalesce('e:' || NEW.email, 'v:' || NEW.visitor_id) OR OLD.started_at <> NEW.started_at)
    EXECUTE FUNCTION dwell_sessions_rollup_move();

  -- A page counts on the day its session started; its session still exists when its page rows
  -- change (a purge deletes pages before their sessions: queries/purge-sessions.ts).
  
  CREATE FUNCTION dwell_session_pages_rollup_insert() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO rollup_pages_pending (day, url, sessions, engaged_ms) SELECT (s.started_at / 86400000)::int, n.url, 1, n.engaged_ms FROM new_rows n JOIN sessions s ON s.pk = n.session_pk;
    RETURN NULL;
  END $$;
  CREATE TRIGGER session_pages_rollup_insert AFTER INSERT ON session_pages
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dwell_session_pages_rollup_insert();
  
  CREATE FUNCTION dwell_session_pages_rollup_delete() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO rollup_pages_pending (day, url, sessions, engaged_ms) SELECT (s.started_at / 86400000)::int, o.url, -1, -o.engaged_ms FROM old_rows o JOIN sessions s ON s.pk = o.session_pk;
    RETURN NULL;
  END $$;
  CREATE TRIGGER session_pages_rollup_delete AFTER DELETE ON session_pages
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION dwell_session_pages_rollup_delete();
`;
