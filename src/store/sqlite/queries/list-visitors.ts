// People of a range of UTC days (an email, else a visitor key), most recently seen first, from the
// visitor-day rollup. Overlapping sessions of one person (two tabs at once) count once: for the
// few people the rollup flags as possibly overlapping, engaged time is corrected by the overlap of
// their engaged spans (visitor-totals.ts, shared with PostgreSQL).

import type Database from 'better-sqlite3';
import { personKeySql } from '../../person-key.ts';
import { InvalidCursorError, type VisitorList, type VisitorQuery } from '../../query-types.ts';
import { DAY_MS, dayRange } from '../../stats-math.ts';
import { overlapCorrected, personSessions, toVisitorTotal } from '../../visitor-totals.ts';

interface Aggregate {
  vid: number;
  who: string;
  sessions: number;
  engaged: number;
  first: number;
  last: number;
  overlaps: number;
}

export function countVisitors(db: Database.Database, fromDay: number, toDay: number): number {
  return db
    .prepare(
      `SELECT count(*) FROM rollup_visitor_days WHERE day >= @fromDay AND day < @toDay
       AND (prev_day IS NULL OR prev_day < @fromDay)`,
    )
    .pluck()
    .get({ fromDay, toDay }) as number;
}

export function listVisitors(db: Database.Database, query: VisitorQuery): VisitorList {
  const { fromDay, toDay } = dayRange(query.from, query.to);
  const params: Record<string, number> = { fromDay, toDay, limit: query.limit + 1 };
  let after = '';
  if (query.cursor !== undefined) {
    const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(Buffer.from(query.cursor, 'base64url').toString());
    if (!match) throw new InvalidCursorError('cursor is not one this API returned');
    after = 'AND (r.day, r.last_at, r.vid) < (@cDay, @cLast, @cVid)';
    Object.assign(params, { cDay: Number(match[1]), cLast: Number(match[2]), cVid: Number(match[3]) });
  }
  // A person's place in the order is its last day in the range: rows with no later day in range.
  const page = db
    .prepare(
      `SELECT r.vid, r.day, r.last_at FROM rollup_visitor_days r
       WHERE r.day >= @fromDay AND r.day < @toDay ${after}
         AND NOT EXISTS (SELECT 1 FROM rollup_visitor_days n WHERE n.vid = r.vid AND n.day > r.day AND n.day < @toDay)
       ORDER BY r.day DESC, r.last_at DESC, r.vid DESC LIMIT @limit`,
    )
    .raw()
    .all(params) as [number, number, number][];
  const more = page.length > query.limit;
  const rows = more ? page.slice(0, query.limit) : page;
  const vids = JSON.stringify(rows.map(([vid]) => vid));
  const aggregates = db
    .prepare(
      `SELECT r.vid, v.who, sum(r.sessions) AS sessions, sum(r.engaged_ms) AS engaged, min(r.first_at) AS first,
         max(r.last_at) AS last, sum(r.overlaps) AS overlaps
       FROM rollup_visitor_days r JOIN visitors v ON v.vid = r.vid
       WHERE r.vid IN (SELECT value FROM json_each(@vids)) AND r.day >= @fromDay AND r.day < @toDay
       GROUP BY r.vid`,
    )
    .all({ vids, fromDay, toDay }) as Aggregate[];
  const byVid = new Map(aggregates.map((a) => [a.vid, a]));
  const flagged = aggregates.filter((a) => a.overlaps > 0).map((a) => a.who);
  const corrected = unionEngaged(db, flagged, fromDay, toDay);
  const items = rows.flatMap(([vid]) => {
    const a = byVid.get(vid);
    return a ? [toVisitorTotal(a, corrected.get(a.who) ?? a.engaged)] : [];
  });
  const last = rows[rows.length - 1];
  return {
    total: countVisitors(db, fromDay, toDay),
    items,
    // The cursor is read back as day.last_at.vid; the row is [vid, day, last_at].
    nextCursor: more && last ? Buffer.from(`${last[1]}.${last[2]}.${last[0]}`).toString('base64url') : null,
  };
}

/**
 * Engaged time of the people the rollup flags as possibly overlapping, in two queries whatever
 * their number (visitor-totals.ts does the counting).
 */
function unionEngaged(
  db: Database.Database,
  whos: string[],
  fromDay: number,
  toDay: number,
): Map<string, number> {
  if (whos.length === 0) return new Map();
  const sessions = db
    .prepare(
      `SELECT pk, ${personKeySql()} AS who, engaged_ms, span_start, span_end
       FROM sessions
       WHERE ${personKeySql()} IN (SELECT value FROM json_each(?))
         AND started_at >= ? AND started_at < ?`,
    )
    .all(JSON.stringify(whos), fromDay * DAY_MS, toDay * DAY_MS) as Parameters<typeof personSessions>[0];
  const spans = db
    .prepare(
      'SELECT session_pk, start_at AS start, end_at AS end FROM spans WHERE session_pk IN (SELECT value FROM json_each(?))',
    )
    .all(JSON.stringify(sessions.map((s) => s.pk))) as Parameters<typeof personSessions>[1];
  return overlapCorrected(personSessions(sessions, spans));
}
