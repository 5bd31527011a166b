// People of a range of UTC days (an email, else a visitor key), most recently seen first, from the
// visitor-day rollup. Overlapping sessions of one person (two tabs at once) count once: for the
// few people the rollup flags as possibly overlapping, engaged time is corrected by the overlap of
// their engaged spans (sum of span lengths minus the length of their union).

import type Database from 'better-sqlite3';
import { unionLength } from '../../../accounting/spans.ts';
import {
  InvalidCursorError,
  type VisitorList,
  type VisitorQuery,
  type VisitorTotal,
} from '../../query-types.ts';
import { DAY_MS, dayRange } from '../../stats-math.ts';

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
  const items = rows.flatMap(([vid]) => {
    const a = byVid.get(vid);
    if (!a) return [];
    const engagedMs = a.overlaps > 0 ? unionEngaged(db, a.who, fromDay, toDay) : a.engaged;
    return [toVisitor(a, engagedMs)];
  });
  const last = rows[rows.length - 1];
  return {
    total: countVisitors(db, fromDay, toDay),
    items,
    // The cursor is read back as day.last_at.vid; the row is [vid, day, last_at].
    nextCursor: more && last ? Buffer.from(`${last[1]}.${last[2]}.${last[0]}`).toString('base64url') : null,
  };
}

/** Engaged time of one person's sessions in the range, time on overlapping spans counted once. */
function unionEngaged(db: Database.Database, who: string, fromDay: number, toDay: number): number {
  const sessions = db
    .prepare(
      `SELECT pk, engaged_ms, span_start, span_end FROM sessions
       WHERE coalesce('e:' || email, 'v:' || visitor_id) = ? AND started_at >= ? AND started_at < ?`,
    )
    .all(who, fromDay * DAY_MS, toDay * DAY_MS) as {
    pk: number;
    engaged_ms: number;
    span_start: number | null;
    span_end: number | null;
  }[];
  const spans = db
    .prepare(
      'SELECT start_at AS start, end_at AS end FROM spans WHERE session_pk IN (SELECT value FROM json_each(?))',
    )
    .all(JSON.stringify(sessions.map((s) => s.pk))) as { start: number; end: number }[];
  for (const s of sessions) {
    if (s.span_start !== null) spans.push({ start: s.span_start, end: s.span_end ?? s.span_start });
  }
  const engaged = sessions.reduce((sum, s) => sum + s.engaged_ms, 0);
  const spanTotal = spans.reduce((sum, s) => sum + Math.max(0, s.end - s.start), 0);
  const overlap = spanTotal - unionLength(spans);
  const longest = sessions.reduce((max, s) => Math.max(max, s.engaged_ms), 0);
  return Math.max(longest, engaged - overlap);
}

function toVisitor(a: Aggregate, engagedMs: number): VisitorTotal {
  const isEmail = a.who.startsWith('e:');
  return {
    email: isEmail ? a.who.slice(2) : null,
    visitorId: isEmail ? null : a.who.slice(2),
    sessions: a.sessions,
    engagedMs,
    firstSeen: a.first,
    lastSeen: a.last,
  };
}
