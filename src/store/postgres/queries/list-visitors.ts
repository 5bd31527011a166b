// People of a range of UTC days (an email, else a visitor key), most recently seen first, as
// aggregates over the sessions. Overlapping sessions of one person (two tabs at once) count once:
// engaged time is corrected by the overlap of their engaged spans (sum of span lengths minus the
// length of their union), as on SQLite.

import type pg from 'pg';
import { unionLength } from '../../../accounting/spans.ts';
import {
  InvalidCursorError,
  type VisitorList,
  type VisitorQuery,
  type VisitorTotal,
} from '../../query-types.ts';
import { DAY_MS, dayRange } from '../../stats-math.ts';

const WHO = `coalesce('e:' || s.email, 'v:' || s.visitor_id)`;

interface Person {
  who: string;
  day: number;
  last_at: number;
  sessions: number;
  engaged: number;
  first: number;
  last: number;
}

function encodeCursor(p: Person): string {
  return Buffer.from(JSON.stringify([p.day, p.last_at, p.who])).toString('base64url');
}

function decodeCursor(cursor: string): [number, number, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    if (
      Array.isArray(value) &&
      value.length === 3 &&
      Number.isSafeInteger(value[0]) &&
      Number.isSafeInteger(value[1]) &&
      typeof value[2] === 'string'
    ) {
      return value as [number, number, string];
    }
  } catch {}
  throw new InvalidCursorError('cursor is not one this API returned');
}

export async function listVisitors(db: pg.Pool, query: VisitorQuery): Promise<VisitorList> {
  const { fromDay, toDay } = dayRange(query.from, query.to);
  const range = [fromDay * DAY_MS, toDay * DAY_MS];
  const inRange = `s.started_at >= $1::bigint AND s.started_at < $2::bigint AND ${WHO} IS NOT NULL`;
  const params: unknown[] = [...range, query.limit + 1];
  let after = '';
  if (query.cursor !== undefined) {
    params.push(...decodeCursor(query.cursor));
    after = 'WHERE (day, last_at, who) < ($4::bigint, $5::bigint, $6::text COLLATE "C")';
  }
  // A person's place in the order is its last day in the range, then its last activity on that day.
  const [page, count] = await Promise.all([
    db.query<Person>(
      `WITH people AS (
         SELECT ${WHO} COLLATE "C" AS who, max(s.started_at / ${DAY_MS}) AS day,
           (array_agg(s.last_activity_at ORDER BY s.started_at / ${DAY_MS} DESC, s.last_activity_at DESC))[1] AS last_at,
           count(*)::int AS sessions, sum(s.engaged_ms)::bigint AS engaged,
           min(s.started_at) AS first, max(s.last_activity_at) AS last
         FROM sessions s WHERE ${inRange} GROUP BY 1)
       SELECT * FROM people ${after} ORDER BY day DESC, last_at DESC, who DESC LIMIT $3`,
      params,
    ),
    db.query<{ total: number }>(
      `SELECT count(DISTINCT ${WHO})::int AS total FROM sessions s WHERE ${inRange}`,
      range,
    ),
  ]);
  const more = page.rows.length > query.limit;
  const rows = more ? page.rows.slice(0, query.limit) : page.rows;
  const corrected = await unionEngaged(
    db,
    rows.filter((p) => p.sessions > 1).map((p) => p.who),
    range,
  );
  const last = rows[rows.length - 1];
  return {
    total: count.rows[0]?.total ?? 0,
    items: rows.map((p) => toVisitor(p, corrected.get(p.who) ?? p.engaged)),
    nextCursor: more && last ? encodeCursor(last) : null,
  };
}

/** Engaged time of each person's sessions in the range, time on overlapping spans counted once. */
async function unionEngaged(db: pg.Pool, whos: string[], range: number[]): Promise<Map<string, number>> {
  const result = new Map<string, number>();
  if (whos.length === 0) return result;
  const sessions = await db.query<{
    pk: number;
    who: string;
    engaged_ms: number;
    span_start: number | null;
    span_end: number | null;
  }>(
    `SELECT s.pk, ${WHO} AS who, s.engaged_ms, s.span_start, s.span_end FROM sessions s
     WHERE ${WHO} = ANY($1::text[]) AND s.started_at >= $2::bigint AND s.started_at < $3::bigint`,
    [whos, ...range],
  );
  const spans = await db.query<{ session_pk: number; start: number; end: number }>(
    'SELECT session_pk, start_at AS start, end_at AS "end" FROM spans WHERE session_pk = ANY($1::bigint[])',
    [sessions.rows.map((s) => s.pk)],
  );
  const spansOf = new Map<number, { start: number; end: number }[]>();
  for (const s of spans.rows) spansOf.set(s.session_pk, [...(spansOf.get(s.session_pk) ?? []), s]);
  for (const who of whos) {
    const own = sessions.rows.filter((s) => s.who === who);
    const all = own.flatMap((s) => [
      ...(spansOf.get(s.pk) ?? []),
      ...(s.span_start === null ? [] : [{ start: s.span_start, end: s.span_end ?? s.span_start }]),
    ]);
    const engaged = own.reduce((sum, s) => sum + s.engaged_ms, 0);
    const spanTotal = all.reduce((sum, s) => sum + Math.max(0, s.end - s.start), 0);
    const overlap = spanTotal - unionLength(all);
    const longest = own.reduce((max, s) => Math.max(max, s.engaged_ms), 0);
    result.set(who, Math.max(longest, engaged - overlap));
  }
  return result;
}

function toVisitor(p: Person, engagedMs: number): VisitorTotal {
  const isEmail = p.who.startsWith('e:');
  return {
    email: isEmail ? p.who.slice(2) : null,
    visitorId: isEmail ? null : p.who.slice(2),
    sessions: p.sessions,
    engagedMs,
    firstSeen: p.first,
    lastSeen: p.last,
  };
}
