// SQLite migration 16: the count of people per (site, day, previous day seen), kept by triggers on
// rollup_visitor_days. "Distinct people over a range" is the range's visitor-days whose previous day
// is before it; counting them row by row cost 40–130 ms for a site with 500,000 people-days over 90
// days (bench:query, 20 sites): summing this table reads about a hundred rows per day instead.
// prev_day -1 stands for "never seen before". Same table and triggers as PostgreSQL's migration 16.
// Frozen: the text applied by every install since it shipped. Never edit it; add a migration.

export default `
  CREATE TABLE rollup_first_days (
    site INTEGER NOT NULL,
    day INTEGER NOT NULL,
    prev_day INTEGER NOT NULL,
    people INTEGER NOT NULL,
    PRIMARY KEY (site, day, prev_day)
  ) WITHOUT ROWID;
  INSERT INTO rollup_first_days (site, day, prev_day, people)
    SELECT site, day, coalesce(prev_day, -1), count(*) FROM rollup_visitor_days GROUP BY 1, 2, 3;

  CREATE TRIGGER rollup_first_days_insert AFTER INSERT ON rollup_visitor_days BEGIN
    INSERT INTO rollup_first_days (site, day, prev_day, people)
      VALUES (new.site, new.day, coalesce(new.prev_day, -1), 1)
      ON CONFLICT (site, day, prev_day) DO UPDATE SET people = people + 1;
  END;
  CREATE TRIGGER rollup_first_days_delete AFTER DELETE ON rollup_visitor_days BEGIN
    UPDATE rollup_first_days SET people = people - 1
      WHERE site = old.site AND day = old.day AND prev_day = coalesce(old.prev_day, -1);
  END;
  CREATE TRIGGER rollup_first_days_relink AFTER UPDATE OF prev_day ON rollup_visitor_days
  WHEN old.prev_day IS NOT new.prev_day BEGIN
    UPDATE rollup_first_days SET people = people - 1
      WHERE site = old.site AND day = old.day AND prev_day = coalesce(old.prev_day, -1);
    INSERT INTO rollup_first_days (site, day, prev_day, people)
      VALUES (new.site, new.day, coalesce(new.prev_day, -1), 1)
      ON CONFLICT (site, day, prev_day) DO UPDATE SET people = people + 1;
  END;
`;
