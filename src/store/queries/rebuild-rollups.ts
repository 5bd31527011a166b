// Every rollup computed from the sessions themselves, in one pass (a few seconds per million
// sessions): the same tables on both engines. SQLite's bulk import runs it after inserting with the
// rollup triggers off, and the rollup property tests hold the triggers, the fold and the rollup
// fold to it. Pending deltas are part of what it counts, so the queues are emptied.
//
// Every rollup is keyed by site and by the day of the site's calendar its session counts on
// (sessions.day, set when the session starts, in the site's time zone):
// - rollup_days (site, day): sessions and engaged time, for totals and byDay.
// - rollup_durations (site, day, whole seconds): the distribution, for the median, p90 and histogram.
// - rollup_pages (site, day, url): sessions and engaged time per page, for byPage.
// - rollup_visitor_days (site, day, person): per-person totals; prev_day is the previous day that
//   person was seen on that site, so "distinct people over a range" is a count of the range's rows
//   with prev_day before it, which rollup_first_days (site, day, prev_day) keeps counted.
// A session's person is its email, else its visitor key.

import { personKeySql } from '../person-key.ts';
import type { Dialect } from '../sql.ts';

export function rebuildRollupsSql(dialect: Dialect): string {
  const who = personKeySql('s');
  return `
    DELETE FROM rollup_pending;
    DELETE FROM rollup_pages_pending;
    DELETE FROM rollup_days;
    DELETE FROM rollup_durations;
    DELETE FROM rollup_pages;
    DELETE FROM rollup_visitor_days;
    DELETE FROM rollup_first_days;
    -- Their counts start again at 0: a segment kept would look current.
    DELETE FROM breakdown_days;
    DELETE FROM breakdown_columns;
    INSERT INTO rollup_days (site, day, sessions, engaged_ms)
      SELECT s.site, s.day, count(*), sum(s.engaged_ms) FROM sessions s GROUP BY 1, 2;
    INSERT INTO rollup_durations (site, day, seconds, sessions)
      SELECT s.site, s.day, s.engaged_ms / 1000, count(*) FROM sessions s GROUP BY 1, 2, 3;
    INSERT INTO rollup_pages (site, day, url, sessions, engaged_ms)
      SELECT s.site, s.day, p.url, count(*), sum(p.engaged_ms)
      FROM session_pages p JOIN sessions s ON s.pk = p.session_pk GROUP BY 1, 2, 3;
    INSERT INTO rollup_visitor_days (site, day, who, sessions, engaged_ms, first_at, last_at, prev_day)
      SELECT site, day, who, sessions, engaged_ms, first_at, last_at,
        lag(day) OVER (PARTITION BY site, who ORDER BY day)
      FROM (
        SELECT s.site, s.day, ${who}${dialect.bytewise} AS who, count(*) AS sessions, sum(s.engaged_ms) AS engaged_ms,
          min(s.started_at) AS first_at, max(s.last_activity_at) AS last_at
        FROM sessions s WHERE ${who} IS NOT NULL GROUP BY 1, 2, 3
      ) AS people;
    -- When the triggers are on (PostgreSQL), the insert above counted them already.
    DELETE FROM rollup_first_days;
    INSERT INTO rollup_first_days (site, day, prev_day, people)
      SELECT site, day, coalesce(prev_day, -1), count(*) FROM rollup_visitor_days GROUP BY 1, 2, 3;
  `;
}
