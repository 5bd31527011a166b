// PostgreSQL migration 16: the count of people per (site, day, previous day seen), kept by row
// triggers on rollup_visitor_days: the same table and rule as SQLite's migration 16, which says why.
// A fold's upsert of a visitor-day sets no prev_day, so only inserts, deletes and relinks fire.
// Frozen: the text applied by every install since it shipped. Never edit it; add a migration.

export default `
  CREATE TABLE rollup_first_days (
    site BIGINT NOT NULL,
    day INTEGER NOT NULL,
    prev_day INTEGER NOT NULL,
    people BIGINT NOT NULL,
    PRIMARY KEY (site, day, prev_day)
  ) WITH (fillfactor = 90);
  INSERT INTO rollup_first_days (site, day, prev_day, people)
    SELECT site, day, coalesce(prev_day, -1), count(*) FROM rollup_visitor_days GROUP BY 1, 2, 3;

  CREATE FUNCTION dwell_rollup_first_days() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
      UPDATE rollup_first_days SET people = people - 1
        WHERE site = OLD.site AND day = OLD.day AND prev_day = coalesce(OLD.prev_day, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
      INSERT INTO rollup_first_days (site, day, prev_day, people)
        VALUES (NEW.site, NEW.day, coalesce(NEW.prev_day, -1), 1)
        ON CONFLICT (site, day, prev_day) DO UPDATE SET people = rollup_first_days.people + 1;
    END IF;
    RETURN NULL;
  END $$;
  CREATE TRIGGER rollup_first_days_insert AFTER INSERT ON rollup_visitor_days
    FOR EACH ROW EXECUTE FUNCTION dwell_rollup_first_days();
  CREATE TRIGGER rollup_first_days_delete AFTER DELETE ON rollup_visitor_days
    FOR EACH ROW EXECUTE FUNCTION dwell_rollup_first_days();
  CREATE TRIGGER rollup_first_days_relink AFTER UPDATE OF prev_day ON rollup_visitor_days
    FOR EACH ROW WHEN (OLD.prev_day IS DISTINCT FROM NEW.prev_day) EXECUTE FUNCTION dwell_rollup_first_days();
`;
