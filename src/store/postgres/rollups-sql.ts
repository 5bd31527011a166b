// Migration 5: PostgreSQL's rollups, so stats and the visitors list read a few thousand rows
// whatever the traffic (targets in docs/benchmarks.md, "Fast on big data"). The same tables as SQLite's
// (rollups-sql.ts there), keyed by the person (`who`: 'e:' email, else 'v:' visitor key) instead of
// a visitor number.
//
// Several instances write at once, so no write path updates a rollup row itself: a hot row (today)
// locked by every transaction would serialize them all, and two batches locking rows in different
// orders would deadlock. Writes append deltas to rollup_pending and rollup_pages_pending instead —
// plain inserts, which never wait on one another — and the fold (rollup-fold.ts) applies them in
// bulk under an advisory lock: every second, and before every read of the rollups, so a query never
// sees them stale. Triggers append them for rows inserted, deleted or moved to another person
// (starts, imports, purges); a beat's updates of a session and its page totals are appended by the
// beat's own statement (beat-batch.ts). Statement triggers on every UPDATE (old and new rows copied
// into transition tables and joined) cost the beat path a quarter of its beats/s in an A/B, twice
// what the statement's own appends cost, and the beat's statement already knows both sides. Beats
// are the only writer of engaged time, last activity and page time, and the property test
// (test/store/postgres-rollups.test.ts) holds both routes to a rebuild.
//
// A session delta moves one session from its old state to its new one: old_ms NULL means it did not
// exist before (a start or an import), new_ms NULL that it is gone (a purge). A session moved to
// another person or start leaves one row for each side.

import { DAY_MS as DAY } from '../stats-math.ts';

/** A session row's person, as the rollups and the sessions_who index spell it. */
export const who = (row: string) => `coalesce('e:' || ${row}.email, 'v:' || ${row}.visitor_id)`;
/** A session row's UTC day, the one its rollups count it on. */
export const day = (row: string) => `(${row}.started_at / ${DAY})::int`;

const QUEUE =
  'autovacuum_vacuum_threshold = 10000, autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_cost_delay = 0';

const tablesSql = `
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
  ) WITH (${QUEUE});
  CREATE TABLE rollup_pages_pending (
    day INTEGER NOT NULL,
    url TEXT NOT NULL,
    sessions INTEGER NOT NULL,
    engaged_ms BIGINT NOT NULL
  ) WITH (${QUEUE});
`;

const added = (row: string) =>
  `SELECT ${day(row)}, ${who(row)}, NULL::bigint, ${row}.engaged_ms, ${row}.started_at, ${row}.last_activity_at`;
const removed = (row: string) =>
  `SELECT ${day(row)}, ${who(row)}, ${row}.engaged_ms, NULL::bigint, NULL::bigint, NULL::bigint`;
const PENDING = 'INSERT INTO rollup_pending (day, who, old_ms, new_ms, first_at, last_at)';

/** A statement-level trigger on `table` whose body appends the deltas of its inserted or deleted rows. */
function onRows(table: string, event: 'INSERT' | 'DELETE', body: string): string {
  const name = `${table}_rollup_${event.toLowerCase()}`;
  const rows = event === 'INSERT' ? 'NEW TABLE AS new_rows' : 'OLD TABLE AS old_rows';
  return `
  CREATE FUNCTION dwell_${name}() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    ${body};
    RETURN NULL;
  END $$;
  CREATE TRIGGER ${name} AFTER ${event} ON ${table}
    REFERENCING ${rows} FOR EACH STATEMENT EXECUTE FUNCTION dwell_${name}();`;
}

const PAGES_PENDING = 'INSERT INTO rollup_pages_pending (day, url, sessions, engaged_ms)';

const triggersSql = `
  ${onRows('sessions', 'INSERT', `${PENDING} ${added('n')} FROM new_rows n`)}
  ${onRows('sessions', 'DELETE', `${PENDING} ${removed('o')} FROM old_rows o`)}

  -- Rare: a session handed to another person (an email attached later) or start moves as a whole.
  -- Row-level with a column list: a beat's UPDATE sets none of these, so it never fires for one.
  CREATE FUNCTION dwell_sessions_rollup_move() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    ${PENDING} ${removed('OLD')} UNION ALL ${added('NEW')};
    RETURN NULL;
  END $$;
  CREATE TRIGGER sessions_rollup_move AFTER UPDATE OF email, visitor_id, started_at ON sessions
    FOR EACH ROW WHEN (${who('OLD')} IS DISTINCT FROM ${who('NEW')} OR OLD.started_at <> NEW.started_at)
    EXECUTE FUNCTION dwell_sessions_rollup_move();

  -- A page counts on the day its session started; its session still exists when its page rows
  -- change (a purge deletes pages before their sessions: queries/purge-sessions.ts).
  ${onRows(
    'session_pages',
    'INSERT',
    `${PAGES_PENDING} SELECT ${day('s')}, n.url, 1, n.engaged_ms FROM new_rows n JOIN sessions s ON s.pk = n.session_pk`,
  )}
  ${onRows(
    'session_pages',
    'DELETE',
    `${PAGES_PENDING} SELECT ${day('s')}, o.url, -1, -o.engaged_ms FROM old_rows o JOIN sessions s ON s.pk = o.session_pk`,
  )}
`;

/** Every rollup computed from the sessions themselves; pending deltas are part of what it counts. */
export const rebuildRollupsSql = `
  DELETE FROM rollup_pending;
  DELETE FROM rollup_pages_pending;
  DELETE FROM rollup_days;
  DELETE FROM rollup_durations;
  DELETE FROM rollup_pages;
  DELETE FROM rollup_visitor_days;
  INSERT INTO rollup_days (day, sessions, engaged_ms)
    SELECT ${day('s')}, count(*), sum(s.engaged_ms) FROM sessions s GROUP BY 1;
  INSERT INTO rollup_durations (day, seconds, sessions)
    SELECT ${day('s')}, s.engaged_ms / 1000, count(*) FROM sessions s GROUP BY 1, 2;
  INSERT INTO rollup_pages (day, url, sessions, engaged_ms)
    SELECT ${day('s')}, p.url, count(*), sum(p.engaged_ms)
    FROM session_pages p JOIN sessions s ON s.pk = p.session_pk GROUP BY 1, 2;
  INSERT INTO rollup_visitor_days (day, who, sessions, engaged_ms, first_at, last_at, prev_day)
    SELECT day, who, sessions, engaged_ms, first_at, last_at, lag(day) OVER (PARTITION BY who ORDER BY day)
    FROM (
      SELECT ${day('s')} AS day, ${who('s')} COLLATE "C" AS who, count(*) AS sessions,
        sum(s.engaged_ms) AS engaged_ms, min(s.started_at) AS first_at, max(s.last_activity_at) AS last_at
      FROM sessions s WHERE ${who('s')} IS NOT NULL GROUP BY 1, 2
    ) AS people;
`;

/**
 * Migration 5: the rollups, computed once from what is stored, then kept by the triggers. Writes
 * wait meanwhile (an instance of the previous version may still be serving), so none falls between
 * the computation and the triggers: about 11 s per million sessions on the development VM.
 */
export const rollupsSql = `LOCK TABLE sessions, session_pages IN SHARE MODE; ${tablesSql}${rebuildRollupsSql}${triggersSql}`;
