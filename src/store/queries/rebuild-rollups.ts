// Every rollup computed from the sessions themselves, in one pass (a few seconds per million
// sessions): the same tables on both engines. SQLite's bulk import runs it after inserting with the
// rollup triggers off, and the rollup property tests hold the triggers, the fold and the rollup
// fold to it. Pending deltas are part of what it counts, so the queues are emptied.
//
// - rollup_days (UTC day): sessions and engaged time, for totals and byDay.
// - rollup_durations (day, whole seconds): the distribution, for the median, p90 and histogram.
// - rollup_pages (day, url): sessions and engaged time per page, for byPage.
// - rollup_visitor_days (day, person): per-person totals; prev_day is the previous day that person
//   was seen, so "distinct people over a range" is a count of the range's rows with prev_day before it.
// A session's day is the UTC day it started; its person is its email, else its visitor key.

import { personKeySql } from '../person-key.ts';
import type { Dialect } from '../sql.ts';
import { DAY_MS } from './stats-math.ts';

export function rebuildRollupsSql(dialect: Dialect): string {
  const day = `CAST(s.started_at / ${DAY_MS} AS INTEGER)`;
  const who = personKeySql('s');
  return `
    DELETE FROM rollup_pending;
    DELETE FROM rollup_pages_pending;
    DELETE FROM rollup_days;
    DELETE FROM rollup_durations;
    DELETE FROM rollup_pages;
    DELETE FROM rollup_visitor_days;
    INSERT INTO rollup_days (day, sessions, engaged_ms)
      SELECT ${day}, count(*), sum(s.engaged_ms) FROM sessions s GROUP BY 1;
    INSERT INTO rollup_durations (day, seconds, sessions)
      SELECT ${day}, s.engaged_ms / 1000, count(*) FROM sessions s GROUP BY 1, 2;
    INSERT INTO rollup_pages (day, url, sessions, engaged_ms)
      SELECT ${day}, p.url, count(*), sum(p.engaged_ms)
      FROM session_pages p JOIN sessions s ON s.pk = p.session_pk GROUP BY 1, 2;
    INSERT INTO rollup_visitor_days (day, who, sessions, engaged_ms, first_at, last_at, prev_day)
      SELECT day, who, sessions, engaged_ms, first_at, last_at, lag(day) OVER (PARTITION BY who ORDER BY day)
      FROM (
        SELECT ${day} AS day, ${who}${dialect.bytewise} AS who, count(*) AS sessions, sum(s.engaged_ms) AS engaged_ms,
          min(s.started_at) AS first_at, max(s.last_activity_at) AS last_at
        FROM sessions s WHERE ${who} IS NOT NULL GROUP BY 1, 2
      ) AS people;
  `;
}
