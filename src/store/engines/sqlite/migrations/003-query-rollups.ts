// SQLite migration 3: the query rollups, computed once, then kept by triggers.
// Frozen: the text applied by every install since it shipped. Never edit it; add a migration.

export default `
  -- Sessions that visited a page (the url filter of the sessions list and of stats).
  CREATE INDEX session_pages_url ON session_pages (url, session_pk);

  CREATE TABLE rollup_days (
    day INTEGER PRIMARY KEY,
    sessions INTEGER NOT NULL,
    engaged_ms INTEGER NOT NULL
  );
  CREATE TABLE rollup_durations (
    day INTEGER NOT NULL,
    seconds INTEGER NOT NULL,
    sessions INTEGER NOT NULL,
    PRIMARY KEY (day, seconds)
  ) WITHOUT ROWID;
  CREATE TABLE rollup_pages (
    day INTEGER NOT NULL,
    url TEXT NOT NULL,
    sessions INTEGER NOT NULL,
    engaged_ms INTEGER NOT NULL,
    PRIMARY KEY (day, url)
  ) WITHOUT ROWID;
  CREATE TABLE visitors (
    vid INTEGER PRIMARY KEY,
    who TEXT NOT NULL UNIQUE
  );
  CREATE TABLE rollup_visitor_days (
    day INTEGER NOT NULL,
    vid INTEGER NOT NULL,
    sessions INTEGER NOT NULL,
    engaged_ms INTEGER NOT NULL,
    first_at INTEGER NOT NULL,
    last_at INTEGER NOT NULL,
    overlaps INTEGER NOT NULL,
    prev_day INTEGER,
    PRIMARY KEY (day, vid)
  ) WITHOUT ROWID;
  CREATE INDEX rollup_visitor_days_vid ON rollup_visitor_days (vid, day);
  CREATE INDEX rollup_visitor_days_recent ON rollup_visitor_days (day, last_at, vid);
  CREATE INDEX rollup_visitor_days_first ON rollup_visitor_days (day, prev_day);

  -- Who-lookups of the overlap check.
  CREATE INDEX sessions_who ON sessions (coalesce('e:' || email, 'v:' || visitor_id), started_at);


  DELETE FROM rollup_days;
  DELETE FROM rollup_durations;
  DELETE FROM rollup_pages;
  DELETE FROM rollup_visitor_days;
  INSERT INTO rollup_days (day, sessions, engaged_ms)
    SELECT started_at / 86400000, count(*), sum(engaged_ms) FROM sessions GROUP BY 1;
  INSERT INTO rollup_durations (day, seconds, sessions)
    SELECT started_at / 86400000, engaged_ms / 1000, count(*) FROM sessions GROUP BY 1, 2;
  INSERT INTO rollup_pages (day, url, sessions, engaged_ms)
    SELECT s.started_at / 86400000, p.url, count(*), sum(p.engaged_ms)
    FROM session_pages p JOIN sessions s ON s.pk = p.session_pk GROUP BY 1, 2;
  INSERT OR IGNORE INTO visitors (who)
    SELECT DISTINCT coalesce('e:' || s.email, 'v:' || s.visitor_id) FROM sessions s WHERE coalesce('e:' || s.email, 'v:' || s.visitor_id) IS NOT NULL;
  -- overlaps: sessions that started before an earlier session of the same person last beat.
  INSERT INTO rollup_visitor_days (day, vid, sessions, engaged_ms, first_at, last_at, overlaps, prev_day)
    SELECT day, v.vid, count(*), sum(engaged_ms), min(started_at), max(last_activity_at),
      sum(started_at <= coalesce(prev_last, -1)), NULL
    FROM (
      SELECT started_at / 86400000 AS day, coalesce('e:' || s.email, 'v:' || s.visitor_id) AS who, started_at, last_activity_at, engaged_ms,
        max(last_activity_at) OVER (PARTITION BY coalesce('e:' || s.email, 'v:' || s.visitor_id) ORDER BY started_at, pk
          ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_last
      FROM sessions s WHERE coalesce('e:' || s.email, 'v:' || s.visitor_id) IS NOT NULL
    ) x JOIN visitors v ON v.who = x.who
    GROUP BY 1, 2;
  UPDATE rollup_visitor_days SET prev_day =
    (SELECT max(r.day) FROM rollup_visitor_days r WHERE r.vid = rollup_visitor_days.vid AND r.day < rollup_visitor_days.day);

  CREATE TRIGGER sessions_rollup_insert AFTER INSERT ON sessions BEGIN 
    INSERT INTO rollup_days (day, sessions, engaged_ms) VALUES ((new.started_at / 86400000), 1, new.engaged_ms)
      ON CONFLICT (day) DO UPDATE SET sessions = sessions + 1, engaged_ms = engaged_ms + excluded.engaged_ms;
    INSERT INTO rollup_durations (day, seconds, sessions) VALUES ((new.started_at / 86400000), new.engaged_ms / 1000, 1)
      ON CONFLICT (day, seconds) DO UPDATE SET sessions = sessions + 1;
    INSERT OR IGNORE INTO visitors (who) SELECT coalesce('e:' || new.email, 'v:' || new.visitor_id) WHERE coalesce('e:' || new.email, 'v:' || new.visitor_id) IS NOT NULL;
    INSERT OR IGNORE INTO rollup_visitor_days (day, vid, sessions, engaged_ms, first_at, last_at, overlaps, prev_day)
      SELECT (new.started_at / 86400000), v.vid, 0, 0, new.started_at, new.last_activity_at, 0,
        (SELECT max(r.day) FROM rollup_visitor_days r WHERE r.vid = v.vid AND r.day < (new.started_at / 86400000))
      FROM visitors v WHERE v.who = coalesce('e:' || new.email, 'v:' || new.visitor_id);
    UPDATE rollup_visitor_days SET
        prev_day = (new.started_at / 86400000)
      WHERE vid = (SELECT vid FROM visitors WHERE who = coalesce('e:' || new.email, 'v:' || new.visitor_id))
        AND day = (SELECT min(r.day) FROM rollup_visitor_days r WHERE r.vid = (SELECT vid FROM visitors WHERE who = coalesce('e:' || new.email, 'v:' || new.visitor_id)) AND r.day > (new.started_at / 86400000))
        AND (prev_day IS NULL OR prev_day < (new.started_at / 86400000));
    UPDATE rollup_visitor_days SET
        sessions = sessions + 1,
        engaged_ms = engaged_ms + new.engaged_ms,
        first_at = min(first_at, new.started_at),
        last_at = max(last_at, new.last_activity_at),
        overlaps = overlaps + EXISTS (
          SELECT 1 FROM sessions o
          WHERE coalesce('e:' || o.email, 'v:' || o.visitor_id) = coalesce('e:' || new.email, 'v:' || new.visitor_id) AND o.pk <> new.pk
            AND o.started_at BETWEEN new.started_at - 86400000 AND new.last_activity_at
            AND o.last_activity_at >= new.started_at - 7200000)
      WHERE day = (new.started_at / 86400000) AND vid = (SELECT vid FROM visitors WHERE who = coalesce('e:' || new.email, 'v:' || new.visitor_id));
  END;
  -- A removed visitor-day hands its prev_day to its successor, so distinct counts stay exact.
  CREATE TRIGGER rollup_visitor_days_unlink AFTER DELETE ON rollup_visitor_days BEGIN
    UPDATE rollup_visitor_days SET prev_day = old.prev_day WHERE vid = old.vid AND prev_day = old.day;
  END;

  CREATE TRIGGER session_pages_rollup_insert AFTER INSERT ON session_pages BEGIN
    INSERT INTO rollup_pages (day, url, sessions, engaged_ms)
      SELECT s.started_at / 86400000, new.url, 1, new.engaged_ms FROM sessions s WHERE s.pk = new.session_pk
      ON CONFLICT (day, url) DO UPDATE SET sessions = sessions + 1, engaged_ms = engaged_ms + excluded.engaged_ms;
  END;
  CREATE TRIGGER session_pages_rollup_update AFTER UPDATE OF engaged_ms ON session_pages
  WHEN new.engaged_ms <> old.engaged_ms BEGIN
    UPDATE rollup_pages SET engaged_ms = engaged_ms + new.engaged_ms - old.engaged_ms
      WHERE url = new.url AND day = (SELECT s.started_at / 86400000 FROM sessions s WHERE s.pk = new.session_pk);
  END;
  CREATE TRIGGER session_pages_rollup_delete AFTER DELETE ON session_pages BEGIN
    UPDATE rollup_pages SET sessions = sessions - 1, engaged_ms = engaged_ms - old.engaged_ms
      WHERE url = old.url AND day = (SELECT s.started_at / 86400000 FROM sessions s WHERE s.pk = old.session_pk);
  END;

  CREATE TRIGGER sessions_rollup_delete AFTER DELETE ON sessions BEGIN 
    UPDATE rollup_days SET sessions = sessions - 1, engaged_ms = engaged_ms - old.engaged_ms
      WHERE day = (old.started_at / 86400000);
    UPDATE rollup_durations SET sessions = sessions - 1
      WHERE day = (old.started_at / 86400000) AND seconds = old.engaged_ms / 1000;
    UPDATE rollup_visitor_days SET sessions = sessions - 1, engaged_ms = engaged_ms - old.engaged_ms
      WHERE day = (old.started_at / 86400000) AND vid = (SELECT vid FROM visitors WHERE who = coalesce('e:' || old.email, 'v:' || old.visitor_id));
    DELETE FROM rollup_visitor_days WHERE day = (old.started_at / 86400000) AND vid = (SELECT vid FROM visitors WHERE who = coalesce('e:' || old.email, 'v:' || old.visitor_id)) AND sessions <= 0;
  END;
  -- Rare: a session changes person (an email attached later) or start: move it as a whole.
  CREATE TRIGGER sessions_rollup_move AFTER UPDATE OF email, visitor_id, started_at ON sessions
  WHEN coalesce('e:' || old.email, 'v:' || old.visitor_id) IS NOT coalesce('e:' || new.email, 'v:' || new.visitor_id) OR old.started_at <> new.started_at BEGIN 
    UPDATE rollup_days SET sessions = sessions - 1, engaged_ms = engaged_ms - old.engaged_ms
      WHERE day = (old.started_at / 86400000);
    UPDATE rollup_durations SET sessions = sessions - 1
      WHERE day = (old.started_at / 86400000) AND seconds = old.engaged_ms / 1000;
    UPDATE rollup_visitor_days SET sessions = sessions - 1, engaged_ms = engaged_ms - old.engaged_ms
      WHERE day = (old.started_at / 86400000) AND vid = (SELECT vid FROM visitors WHERE who = coalesce('e:' || old.email, 'v:' || old.visitor_id));
    DELETE FROM rollup_visitor_days WHERE day = (old.started_at / 86400000) AND vid = (SELECT vid FROM visitors WHERE who = coalesce('e:' || old.email, 'v:' || old.visitor_id)) AND sessions <= 0;
    
    INSERT INTO rollup_days (day, sessions, engaged_ms) VALUES ((new.started_at / 86400000), 1, new.engaged_ms)
      ON CONFLICT (day) DO UPDATE SET sessions = sessions + 1, engaged_ms = engaged_ms + excluded.engaged_ms;
    INSERT INTO rollup_durations (day, seconds, sessions) VALUES ((new.started_at / 86400000), new.engaged_ms / 1000, 1)
      ON CONFLICT (day, seconds) DO UPDATE SET sessions = sessions + 1;
    INSERT OR IGNORE INTO visitors (who) SELECT coalesce('e:' || new.email, 'v:' || new.visitor_id) WHERE coalesce('e:' || new.email, 'v:' || new.visitor_id) IS NOT NULL;
    INSERT OR IGNORE INTO rollup_visitor_days (day, vid, sessions, engaged_ms, first_at, last_at, overlaps, prev_day)
      SELECT (new.started_at / 86400000), v.vid, 0, 0, new.started_at, new.last_activity_at, 0,
        (SELECT max(r.day) FROM rollup_visitor_days r WHERE r.vid = v.vid AND r.day < (new.started_at / 86400000))
      FROM visitors v WHERE v.who = coalesce('e:' || new.email, 'v:' || new.visitor_id);
    UPDATE rollup_visitor_days SET
        prev_day = (new.started_at / 86400000)
      WHERE vid = (SELECT vid FROM visitors WHERE who = coalesce('e:' || new.email, 'v:' || new.visitor_id))
        AND day = (SELECT min(r.day) FROM rollup_visitor_days r WHERE r.vid = (SELECT vid FROM visitors WHERE who = coalesce('e:' || new.email, 'v:' || new.visitor_id)) AND r.day > (new.started_at / 86400000))
        AND (prev_day IS NULL OR prev_day < (new.started_at / 86400000));
    UPDATE rollup_visitor_days SET
        sessions = sessions + 1,
        engaged_ms = engaged_ms + new.engaged_ms,
        first_at = min(first_at, new.started_at),
        last_at = max(last_at, new.last_activity_at),
        overlaps = overlaps + EXISTS (
          SELECT 1 FROM sessions o
          WHERE coalesce('e:' || o.email, 'v:' || o.visitor_id) = coalesce('e:' || new.email, 'v:' || new.visitor_id) AND o.pk <> new.pk
            AND o.started_at BETWEEN new.started_at - 86400000 AND new.last_activity_at
            AND o.last_activity_at >= new.started_at - 7200000)
      WHERE day = (new.started_at / 86400000) AND vid = (SELECT vid FROM visitors WHERE who = coalesce('e:' || new.email, 'v:' || new.visitor_id));
  END;
  CREATE TRIGGER sessions_rollup_beat AFTER UPDATE OF engaged_ms, last_activity_at ON sessions
  WHEN coalesce('e:' || old.email, 'v:' || old.visitor_id) IS coalesce('e:' || new.email, 'v:' || new.visitor_id) AND old.started_at = new.started_at BEGIN
    UPDATE rollup_days SET engaged_ms = engaged_ms + new.engaged_ms - old.engaged_ms
      WHERE day = (new.started_at / 86400000) AND new.engaged_ms <> old.engaged_ms;
    UPDATE rollup_durations SET sessions = sessions - 1
      WHERE day = (old.started_at / 86400000) AND seconds = old.engaged_ms / 1000 AND new.engaged_ms / 1000 <> old.engaged_ms / 1000;
    INSERT INTO rollup_durations (day, seconds, sessions)
      SELECT (new.started_at / 86400000), new.engaged_ms / 1000, 1 WHERE new.engaged_ms / 1000 <> old.engaged_ms / 1000
      ON CONFLICT (day, seconds) DO UPDATE SET sessions = sessions + 1;
    UPDATE rollup_visitor_days SET engaged_ms = engaged_ms + new.engaged_ms - old.engaged_ms,
        last_at = max(last_at, new.last_activity_at)
      WHERE day = (new.started_at / 86400000) AND vid = (SELECT vid FROM visitors WHERE who = coalesce('e:' || new.email, 'v:' || new.visitor_id));
  END;`;
