// Migrations 3 to 5: rollups that keep the query API fast on millions of sessions (issue
// "Insight"; targets and figures in docs/benchmarks.md, "Fast on big data"). Triggers maintain them in the
// same transaction as the write they follow, so no code path (beats, gate, imports, purge) can
// forget them. Beats, the hot path, leave their deltas in rollup_pending, which is folded in bulk
// every 250 ms and before every read of the rollups (rollup-fold.ts), so readers never see them
// stale.
//
// - rollup_days (UTC day): sessions and engaged time, for totals and byDay.
// - rollup_durations (day, whole seconds): the distribution, for the median, p90 and histogram.
// - rollup_pages (day, url): sessions and engaged time per page, for byPage.
// - visitors + rollup_visitor_days (day, visitor): per-person totals. prev_day is the previous day
//   that visitor was seen, so "distinct visitors in [a, b]" is a count of rows with prev_day < a.
//   `overlaps` counts sessions that started while another session of that visitor was recently
//   active: only those visitors need their spans unioned (two tabs counted once).
// A session's day is the UTC day it started; a visitor is its email, else its visitor key.

import { personKeySql } from '../person-key.ts';

const DAY = 86_400_000;
/** Two sessions of one visitor may overlap when one starts while the other was active this recently. */
const OVERLAP_WINDOW_MS = 2 * 3_600_000;

const who = (row: string) => personKeySql(row);
const vid = (row: 'new' | 'old') => `(SELECT vid FROM visitors WHERE who = ${who(row)})`;
const day = (row: 'new' | 'old') => `(${row}.started_at / ${DAY})`;

/** Adds a session's contribution to every rollup. */
function addSession(row: 'new' | 'old'): string {
  return `
    INSERT INTO rollup_days (day, sessions, engaged_ms) VALUES (${day(row)}, 1, ${row}.engaged_ms)
      ON CONFLICT (day) DO UPDATE SET sessions = sessions + 1, engaged_ms = engaged_ms + excluded.engaged_ms;
    INSERT INTO rollup_durations (day, seconds, sessions) VALUES (${day(row)}, ${row}.engaged_ms / 1000, 1)
      ON CONFLICT (day, seconds) DO UPDATE SET sessions = sessions + 1;
    INSERT OR IGNORE INTO visitors (who) SELECT ${who(row)} WHERE ${who(row)} IS NOT NULL;
    INSERT OR IGNORE INTO rollup_visitor_days (day, vid, sessions, engaged_ms, first_at, last_at, overlaps, prev_day)
      SELECT ${day(row)}, v.vid, 0, 0, ${row}.started_at, ${row}.last_activity_at, 0,
        (SELECT max(r.day) FROM rollup_visitor_days r WHERE r.vid = v.vid AND r.day < ${day(row)})
      FROM visitors v WHERE v.who = ${who(row)};
    UPDATE rollup_visitor_days SET
        prev_day = ${day(row)}
      WHERE vid = ${vid(row)}
        AND day = (SELECT min(r.day) FROM rollup_visitor_days r WHERE r.vid = ${vid(row)} AND r.day > ${day(row)})
        AND (prev_day IS NULL OR prev_day < ${day(row)});
    UPDATE rollup_visitor_days SET
        sessions = sessions + 1,
        engaged_ms = engaged_ms + ${row}.engaged_ms,
        first_at = min(first_at, ${row}.started_at),
        last_at = max(last_at, ${row}.last_activity_at),
        overlaps = overlaps + EXISTS (
          SELECT 1 FROM sessions o
          WHERE ${who('o')} = ${who(row)} AND o.pk <> ${row}.pk
            AND o.started_at BETWEEN ${row}.started_at - ${DAY} AND ${row}.last_activity_at
            AND o.last_activity_at >= ${row}.started_at - ${OVERLAP_WINDOW_MS})
      WHERE day = ${day(row)} AND vid = ${vid(row)};`;
}

/** Removes a session's contribution from every rollup. */
function removeSession(row: 'new' | 'old'): string {
  return `
    UPDATE rollup_days SET sessions = sessions - 1, engaged_ms = engaged_ms - ${row}.engaged_ms
      WHERE day = ${day(row)};
    UPDATE rollup_durations SET sessions = sessions - 1
      WHERE day = ${day(row)} AND seconds = ${row}.engaged_ms / 1000;
    UPDATE rollup_visitor_days SET sessions = sessions - 1, engaged_ms = engaged_ms - ${row}.engaged_ms
      WHERE day = ${day(row)} AND vid = ${vid(row)};
    DELETE FROM rollup_visitor_days WHERE day = ${day(row)} AND vid = ${vid(row)} AND sessions <= 0;`;
}

/**
 * Since migration 5 a removal also recomputes the visitor-day's first and last activity from the
 * sessions that remain (on the who index), so they never show a purged session's times.
 */
function removeSessionExactly(row: 'old'): string {
  const same = `FROM sessions o WHERE ${who('o')} = ${who(row)}
        AND o.started_at >= ${day(row)} * ${DAY} AND o.started_at < (${day(row)} + 1) * ${DAY}`;
  return `${removeSession(row)}
    UPDATE rollup_visitor_days SET
        first_at = coalesce((SELECT min(o.started_at) ${same}), first_at),
        last_at = coalesce((SELECT max(o.last_activity_at) ${same}), last_at)
      WHERE day = ${day(row)} AND vid = ${vid(row)};`;
}

/** The beat's trigger is WHEN this: the session keeps its person and its start (the usual case). */
const sameSessionKey = `${who('old')} IS ${who('new')} AND old.started_at = new.started_at`;

/**
 * Version 3's beat trigger: every beat applied its deltas to three rollups at once. Kept for
 * migration 3, and for `npm run bench:store`, which measures it beside its successor.
 */
export const beatTriggerV3 = `
  CREATE TRIGGER sessions_rollup_beat AFTER UPDATE OF engaged_ms, last_activity_at ON sessions
  WHEN ${sameSessionKey} BEGIN
    UPDATE rollup_days SET engaged_ms = engaged_ms + new.engaged_ms - old.engaged_ms
      WHERE day = ${day('new')} AND new.engaged_ms <> old.engaged_ms;
    UPDATE rollup_durations SET sessions = sessions - 1
      WHERE day = ${day('old')} AND seconds = old.engaged_ms / 1000 AND new.engaged_ms / 1000 <> old.engaged_ms / 1000;
    INSERT INTO rollup_durations (day, seconds, sessions)
      SELECT ${day('new')}, new.engaged_ms / 1000, 1 WHERE new.engaged_ms / 1000 <> old.engaged_ms / 1000
      ON CONFLICT (day, seconds) DO UPDATE SET sessions = sessions + 1;
    UPDATE rollup_visitor_days SET engaged_ms = engaged_ms + new.engaged_ms - old.engaged_ms,
        last_at = max(last_at, new.last_activity_at)
      WHERE day = ${day('new')} AND vid = ${vid('new')};
  END;`;

/** The triggers that take a session out of the rollups: deleted, or moved to another person or start. */
const removalTriggers = (remove: (row: 'old') => string) => `
  CREATE TRIGGER sessions_rollup_delete AFTER DELETE ON sessions BEGIN ${remove('old')}
  END;
  -- Rare: a session changes person (an email attached later) or start: move it as a whole.
  CREATE TRIGGER sessions_rollup_move AFTER UPDATE OF email, visitor_id, started_at ON sessions
  WHEN ${who('old')} IS NOT ${who('new')} OR old.started_at <> new.started_at BEGIN ${remove('old')}
    ${addSession('new')}
  END;`;

/** The triggers other than the beat's and the removals', the same in every version. */
const otherTriggersSql = `
  CREATE TRIGGER sessions_rollup_insert AFTER INSERT ON sessions BEGIN ${addSession('new')}
  END;
  -- A removed visitor-day hands its prev_day to its successor, so distinct counts stay exact.
  CREATE TRIGGER rollup_visitor_days_unlink AFTER DELETE ON rollup_visitor_days BEGIN
    UPDATE rollup_visitor_days SET prev_day = old.prev_day WHERE vid = old.vid AND prev_day = old.day;
  END;

  CREATE TRIGGER session_pages_rollup_insert AFTER INSERT ON session_pages BEGIN
    INSERT INTO rollup_pages (day, url, sessions, engaged_ms)
      SELECT s.started_at / ${DAY}, new.url, 1, new.engaged_ms FROM sessions s WHERE s.pk = new.session_pk
      ON CONFLICT (day, url) DO UPDATE SET sessions = sessions + 1, engaged_ms = engaged_ms + excluded.engaged_ms;
  END;
  CREATE TRIGGER session_pages_rollup_delete AFTER DELETE ON session_pages BEGIN
    UPDATE rollup_pages SET sessions = sessions - 1, engaged_ms = engaged_ms - old.engaged_ms
      WHERE url = old.url AND day = (SELECT s.started_at / ${DAY} FROM sessions s WHERE s.pk = old.session_pk);
  END;
`;

/**
 * The triggers that keep the rollups in step with every write but the fold's, which appends its
 * own deltas (fold.ts, since migration 10). Imports drop and recreate them.
 */
export const rollupTriggersSql = otherTriggersSql + removalTriggers(removeSessionExactly);

/** Drops the triggers: bulk imports do, then rebuild the rollups in one pass and recreate them. */
export const dropRollupTriggersSql = `
  DROP TRIGGER IF EXISTS sessions_rollup_insert;
  DROP TRIGGER IF EXISTS sessions_rollup_delete;
  DROP TRIGGER IF EXISTS sessions_rollup_beat;
  DROP TRIGGER IF EXISTS sessions_rollup_move;
  DROP TRIGGER IF EXISTS rollup_visitor_days_unlink;
  DROP TRIGGER IF EXISTS session_pages_rollup_insert;
  DROP TRIGGER IF EXISTS session_pages_rollup_update;
  DROP TRIGGER IF EXISTS session_pages_rollup_delete;
`;

/** Version 3's rebuild: every rollup computed from the sessions (a few seconds per million). */
const rebuildV3 = `
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

/** Recomputes every rollup from the sessions; pending beat deltas are part of what it counts. */
export const rebuildRollupsSql = `DELETE FROM rollup_pending; ${rebuildV3}`;
