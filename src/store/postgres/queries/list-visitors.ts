// People of a range of UTC days (an email, else a visitor key), most recently seen first, from the
// visitor-day rollup (migration 5, kept folded by the store before this runs). Overlapping
// sessions of one person (two tabs at once) count once: engaged time is corrected by the overlap of
// their engaged spans (visitor-totals.ts, shared with SQLite).

import type pg from 'pg';
import { personKeySql } from '../../person-key.ts';
import { InvalidCursorError, type VisitorList, type VisitorQuery } from '../../query-types.ts';
import { DAY_MS, dayRange } from '../../stats-math.ts';
import { overlapCorrected, personSessions, toVisitorTotal } from '../../visitor-totals.ts';

const WHO = personKeySql('s');

interface Person {
  who: string;
  sessions: number;
  engaged: number;
  first: number;
  last: number;
}

function encodeCursor(row: { day: number; last_at: number; who: string }): string {
  return Buffer.from(JSON.stringify([row.day, row.last_at, row.who])).toString('base64url');
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
  const params: unknown[] = [fromDay, toDay, query.limit + 1];
  let after = '';
  if (query.cursor !== undefined) {
    params.push(...decodeCursor(query.cursor));
    after = 'AND (r.day, r.last_at, r.who) < ($4::int, $5::bigint, $6::text COLLATE "C")';
  }
  // A person's place in the order is its last day in the range: rows with no later day in range.
  const [page, count] = await Promise.all([
    db.query<{ who: string; day: number; last_at: number }>(
      `SELECT r.who, r.day, r.last_at FROM rollup_visitor_days r
       WHERE r.day >= $1::int AND r.day < $2::int AND r.sessions > 0 ${after}
         AND NOT EXISTS (SELECT 1 FROM rollup_visitor_days n
           WHERE n.who = r.who AND n.day > r.day AND n.day < $2::int AND n.sessions > 0)
       ORDER BY r.day DESC, r.last_at DESC, r.who DESC LIMIT $3`,
      params,
    ),
    db.query<{ total: number }>(
      `SELECT count(*)::int AS total FROM rollup_visitor_days
       WHERE day >= $1::int AND day < $2::int AND (prev_day IS NULL OR prev_day < $1::int)`,
      [fromDay, toDay],
    ),
  ]);
  const more = page.rows.length > query.limit;
  const rows = more ? page.rows.slice(0, query.limit) : page.rows;
  const totals = await db.query<Person>(
    `SELECT who, sum(sessions)::int AS sessions, sum(engaged_ms)::bigint AS engaged,
       min(first_at) AS first, max(last_at) AS last
     FROM rollup_visitor_days WHERE who = ANY($1::text[]) AND day >= $2::int AND day < $3::int
     GROUP BY who`,
    [rows.map((r) => r.who), fromDay, toDay],
  );
  const byWho = new Map(totals.rows.map((p) => [p.who, p]));
  const people = rows.flatMap((r) => {
    const person = byWho.get(r.who);
    return person ? [person] : [];
  });
  const range = [fromDay * DAY_MS, toDay * DAY_MS];
  const corrected = await unionEngaged(
    db,
    people.filter((p) => p.sessions > 1).map((p) => p.who),
    range,
  );
  const last = rows[rows.length - 1];
  return {
    total: count.rows[0]?.total ?? 0,
    items: people.map((p) => toVisitorTotal(p, corrected.get(p.who) ?? p.engaged)),
    nextCursor: more && last ? encodeCursor(last) : null,
  };
}

/** Engaged time of each person's sessions in the range (visitor-totals.ts does the counting). */
async function unionEngaged(db: pg.Pool, whos: string[], range: number[]): Promise<Map<string, number>> {
  if (whos.length === 0) return new Map();
  const sessions = await db.query<Parameters<typeof personSessions>[0][number]>(
    `SELECT s.pk, ${WHO} AS who, s.engaged_ms, s.span_start, s.span_end FROM sessions s
     WHERE ${WHO} = ANY($1::text[]) AND s.started_at >= $2::bigint AND s.started_at < $3::bigint`,
    [whos, ...range],
  );
  const spans = await db.query<Parameters<typeof personSessions>[1][number]>(
    'SELECT session_pk, start_at AS start, end_at AS "end" FROM spans WHERE session_pk = ANY($1::bigint[])',
    [sessions.rows.map((s) => s.pk)],
  );
  return overlapCorrected(personSessions(sessions.rows, spans.rows));
}
