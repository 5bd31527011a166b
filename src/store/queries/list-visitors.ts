// People of one site over a range of days of its calendar (an email, else a visitor key), most recently seen first, from the
// visitor-day rollup (the same table on both engines), with keyset pagination. Sessions of one person that overlap (two tabs at
// once) count once: for every person with more than one session in the range, engaged time is
// the union of their engaged spans (visitor-totals.ts); a person with one session needs no spans.

import { personKeySql } from '../person-key.ts';
import { InvalidCursorError, type VisitorList, type VisitorQuery } from '../query-types.ts';
import { type Db, raw, sql } from '../sql.ts';
import { dayRange } from './stats-math.ts';
import { overlapCorrected, personSessions, toVisitorTotal } from './visitor-totals.ts';

/** The cursor is the last row's place in the order: its day, its last activity and its person. */
function encodeCursor(day: number, lastAt: number, who: string): string {
  return Buffer.from(JSON.stringify([day, lastAt, who])).toString('base64url');
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

interface Totals {
  who: string;
  sessions: number;
  engaged: number;
  first: number;
  last: number;
}

export async function listVisitors(db: Db, query: VisitorQuery): Promise<VisitorList> {
  const { fromDay, toDay } = dayRange(query.from, query.to, query.site);
  const site = query.site.pk;
  const int = (expression: string) => raw(db.dialect.int(expression));
  // Byte order on both engines, so the cursor's comparison and the order agree.
  const who = raw(`r.who${db.dialect.bytewise}`);
  let after = raw('');
  if (query.cursor !== undefined) {
    const [day, lastAt, person] = decodeCursor(query.cursor);
    after = sql`AND (r.day < ${day} OR (r.day = ${day} AND (r.last_at < ${lastAt}
      OR (r.last_at = ${lastAt} AND ${who} < ${person}))))`;
  }
  // A person's place in the order is its last day in the range: rows with no later day in range.
  const [page, count] = await Promise.all([
    db.all<{ who: string; day: number; last_at: number }>(
      sql`SELECT r.who, r.day, r.last_at FROM rollup_visitor_days r
        WHERE r.site = ${site} AND r.day >= ${fromDay} AND r.day < ${toDay} AND r.sessions > 0 ${after}
          AND NOT EXISTS (SELECT 1 FROM rollup_visitor_days n
            WHERE n.site = r.site AND n.who = r.who AND n.day > r.day AND n.day < ${toDay} AND n.sessions > 0)
        ORDER BY r.day DESC, r.last_at DESC, ${who} DESC LIMIT ${query.limit + 1}`,
    ),
    db.all<{ total: number }>(
      sql`SELECT ${int('coalesce(sum(people), 0)')} AS total FROM rollup_first_days
        WHERE site = ${site} AND day >= ${fromDay} AND day < ${toDay} AND prev_day < ${fromDay}`,
    ),
  ]);
  const more = page.length > query.limit;
  const rows = more ? page.slice(0, query.limit) : page;
  const totals =
    rows.length === 0
      ? []
      : await db.all<Totals>(
          sql`SELECT r.who, ${int('sum(r.sessions)')} AS sessions, ${int('sum(r.engaged_ms)')} AS engaged,
            min(r.first_at) AS first, max(r.last_at) AS last
          FROM rollup_visitor_days r
          WHERE ${db.dialect.isIn(
            'r.who',
            rows.map((r) => r.who),
          )} AND r.site = ${site} AND r.day >= ${fromDay} AND r.day < ${toDay}
          GROUP BY r.who`,
        );
  const byWho = new Map(totals.map((t) => [t.who, t]));
  const found = rows.flatMap((r) => {
    const person = byWho.get(r.who);
    return person ? [person] : [];
  });
  const corrected = await unionEngaged(
    db,
    found.filter((p) => p.sessions > 1).map((p) => p.who),
    { site, fromDay, toDay },
  );
  const last = rows[rows.length - 1];
  return {
    total: Number(count[0]?.total ?? 0),
    items: found.map((p) => toVisitorTotal(p, corrected.get(p.who) ?? Number(p.engaged))),
    nextCursor: more && last ? encodeCursor(Number(last.day), Number(last.last_at), last.who) : null,
  };
}

/** Engaged time of each person's sessions of the site's days, in two queries whatever their number. */
async function unionEngaged(
  db: Db,
  whos: string[],
  { site, fromDay, toDay }: { site: number; fromDay: number; toDay: number },
): Promise<Map<string, number>> {
  if (whos.length === 0) return new Map();
  const sessions = await db.all<Parameters<typeof personSessions>[0][number]>(
    sql`SELECT pk, ${raw(personKeySql())} AS who, engaged_ms, span_start, span_end FROM sessions
      WHERE ${db.dialect.isIn(personKeySql(), whos)} AND site = ${site} AND day >= ${fromDay} AND day < ${toDay}`,
  );
  const spans = await db.all<Parameters<typeof personSessions>[1][number]>(
    sql`SELECT session_pk, start_at AS start, end_at AS "end" FROM spans WHERE ${db.dialect.isIn(
      'session_pk',
      sessions.map((s) => Number(s.pk)),
    )}`,
  );
  return overlapCorrected(personSessions(sessions, spans));
}
