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
// (starts, imports, purges); the fold's updates of a session and its page totals are appended by
// the fold's own statement (fold.ts). Statement triggers on every UPDATE (old and new rows copied
// into transition tables and joined) cost the beat path a quarter of its beats/s in an A/B, twice
// what the statement's own appends cost, and the fold's statement already knows both sides. The
// fold is the only writer of engaged time, last activity and page time, and the property test
// (test/store/postgres-rollups.test.ts) holds both routes to a rebuild.
//
// A session delta moves one session from its old state to its new one: old_ms NULL means it did not
// exist before (a start or an import), new_ms NULL that it is gone (a purge). A session moved to
// another person or start leaves one row for each side.

import { personKeySql } from '../../person-key.ts';
import { DAY_MS as DAY } from '../../queries/stats-math.ts';

/** A session row's person, as the rollups and the sessions_who index spell it. */
export const who = (row: string) => personKeySql(row);
/** A session row's UTC day, the one its rollups count it on. */
export const day = (row: string) => `(${row}.started_at / ${DAY})::int`;

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
