// Every SQLite rollup computed from the sessions themselves, in one pass (a few seconds per million
// sessions): bulk imports run it after inserting with the rollup triggers off (import-sessions.ts),
// and the rollup property test (test/store/sqlite-rollups.test.ts) holds the triggers and the fold
// to it. The triggers themselves live in the migrations only (003 and 005, frozen).
//
// - rollup_days (UTC day): sessions and engaged time, for totals and byDay.
// - rollup_durations (day, whole seconds): the distribution, for the median, p90 and histogram.
// - rollup_pages (day, url): sessions and engaged time per page, for byPage.
// - visitors + rollup_visitor_days (day, visitor): per-person totals. prev_day is the previous day
//   that visitor was seen, so "distinct visitors in [a, b]" is a count of rows with prev_day < a.
// A session's day is the UTC day it started; a visitor is its email, else its visitor key.

import { personKeySql } from '../../person-key.ts';
import { DAY_MS as DAY } from '../../queries/stats-math.ts';

const who = (row: string) => personKeySql(row);

/** Recomputes every rollup from the sessions; pending beat deltas are part of what it counts. */
export const rebuildRollupsSql = `
  DELETE FROM rollup_pending;
  DELETE FROM rollup_days;
  DELETE FROM rollup_durations;
  DELETE FROM rollup_pages;
  DELETE FROM rollup_visitor_days;
  INSERT INTO rollup_days (day, sessions, engaged_ms)
    SELECT started_at / ${DAY}, count(*), sum(engaged_ms) FROM sessions GROUP BY 1;
  INSERT INTO rollup_durations (day, seconds, sessions)
    SELECT started_at / ${DAY}, engaged_ms / 1000, count(*) FROM sessions GROUP BY 1, 2;
  INSERT INTO rollup_pages (day, url, sessions, engaged_ms)
    SELECT s.started_at / ${DAY}, p.url, count(*), sum(p.engaged_ms)
    FROM session_pages p JOIN sessions s ON s.pk = p.session_pk GROUP BY 1, 2;
  INSERT OR IGNORE INTO visitors (who)
    SELECT DISTINCT ${who('s')} FROM sessions s WHERE ${who('s')} IS NOT NULL;
  -- overlaps: sessions that started before an earlier session of the same person last beat.
  INSERT INTO rollup_visitor_days (day, vid, sessions, engaged_ms, first_at, last_at, overlaps, prev_day)
    SELECT day, v.vid, count(*), sum(engaged_ms), min(started_at), max(last_activity_at),
      sum(started_at <= coalesce(prev_last, -1)), NULL
    FROM (
      SELECT started_at / ${DAY} AS day, ${who('s')} AS who, started_at, last_activity_at, engaged_ms,
        max(last_activity_at) OVER (PARTITION BY ${who('s')} ORDER BY started_at, pk
          ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_last
      FROM sessions s WHERE ${who('s')} IS NOT NULL
    ) x JOIN visitors v ON v.who = x.who
    GROUP BY 1, 2;
  UPDATE rollup_visitor_days SET prev_day =
    (SELECT max(r.day) FROM rollup_visitor_days r WHERE r.vid = rollup_visitor_days.vid AND r.day < rollup_visitor_days.day);
`;
