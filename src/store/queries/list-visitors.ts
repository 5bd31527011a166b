// People of one site over a range of days of its calendar (an email, else a visitor key), most recently seen first, from the
// visitor-day rollup (the same table on both engines), with keyset pagination. Sessions of one person that overlap (two tabs at
// once) count once: for every person with more than one session in the range, engaged time is
// the union of their engaged spans (visitor-totals.ts); a person with one session needs no spans.
// With origin filters (`source=…`), people are counted by their matching sessions only, read from
// the sessions of the range (the rollups are not kept per origin), in the same order and pages.

import type { OriginFilter } from '../breakdown-types.ts';
import { personKeySql } from '../person-key.ts';
import { InvalidCursorError, type VisitorList, type VisitorQuery } from '../query-types.ts';
import { type Db, join, raw, sql } from '../sql.ts';
import { hasOriginFilter, originClauses } from './origin-filter.ts';
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
  if (hasOriginFilter(query.filter)) return listFilteredVisitors(db, query);
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

/** Byte order of person keys, as the rollup's `bytewise` order and the cursor compare them. */
const compareWho = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** The filtered list: each person's matching sessions of the range, grouped here. */
async function listFilteredVisitors(db: Db, query: VisitorQuery): Promise<VisitorList> {
  const { fromDay, toDay } = dayRange(query.from, query.to, query.site);
  const site = query.site.pk;
  const rows = await db.all<{
    who: string;
    day: number;
    started_at: number;
    last_at: number;
    engaged_ms: number;
  }>(
    sql`SELECT ${raw(personKeySql('s'))} AS who, s.day, s.started_at, s.last_activity_at AS last_at, s.engaged_ms
      FROM sessions s WHERE s.site = ${site} AND s.day >= ${fromDay} AND s.day < ${toDay}
        AND ${raw(personKeySql('s'))} IS NOT NULL${join(
          originClauses(query.filter).map((clause) => sql` AND ${clause}`),
          '',
        )}`,
  );
  const people = new Map<string, Totals & { day: number; dayLast: number }>();
  for (const row of rows) {
    const [day, started, lastAt] = [Number(row.day), Number(row.started_at), Number(row.last_at)];
    const person = people.get(row.who);
    if (!person) {
      people.set(row.who, {
        who: row.who,
        sessions: 1,
        engaged: Number(row.engaged_ms),
        first: started,
        last: lastAt,
        day,
        dayLast: lastAt,
      });
      continue;
    }
    person.sessions++;
    person.engaged += Number(row.engaged_ms);
    person.first = Math.min(person.first, started);
    person.last = Math.max(person.last, lastAt);
    if (day > person.day) [person.day, person.dayLast] = [day, lastAt];
    else if (day === person.day) person.dayLast = Math.max(person.dayLast, lastAt);
  }
  // The unfiltered list's order: last day seen, that day's last activity, then the key, descending.
  const order = (a: { day: number; dayLast: number; who: string }, b: typeof a) =>
    b.day - a.day || b.dayLast - a.dayLast || compareWho(b.who, a.who);
  let ranked = [...people.values()].sort(order);
  if (query.cursor !== undefined) {
    const [day, dayLast, who] = decodeCursor(query.cursor);
    ranked = ranked.filter((p) => order({ day, dayLast, who }, p) < 0);
  }
  const page = ranked.slice(0, query.limit);
  const corrected = await unionEngaged(
    db,
    page.filter((p) => p.sessions > 1).map((p) => p.who),
    { site, fromDay, toDay, filter: query.filter },
  );
  const last = page[page.length - 1];
  return {
    total: people.size,
    items: page.map((p) => toVisitorTotal(p, corrected.get(p.who) ?? p.engaged)),
    nextCursor: ranked.length > query.limit && last ? encodeCursor(last.day, last.dayLast, last.who) : null,
  };
}

/** Engaged time of each person's sessions of the site's days, in two queries whatever their number. */
async function unionEngaged(
  db: Db,
  whos: string[],
  {
    site,
    fromDay,
    toDay,
    filter,
  }: { site: number; fromDay: number; toDay: number; filter?: OriginFilter | undefined },
): Promise<Map<string, number>> {
  if (whos.length === 0) return new Map();
  // Unqualified, as the sessions_who index spells the person's key.
  const matching = originClauses(filter, 'sessions').map((clause) => sql` AND ${clause}`);
  const sessions = await db.all<Parameters<typeof personSessions>[0][number]>(
    sql`SELECT pk, ${raw(personKeySql())} AS who, engaged_ms, span_start, span_end FROM sessions
      WHERE ${db.dialect.isIn(personKeySql(), whos)} AND site = ${site} AND day >= ${fromDay} AND day < ${toDay}${join(matching, '')}`,
  );
  const spans = await db.all<Parameters<typeof personSessions>[1][number]>(
    sql`SELECT session_pk, start_at AS start, end_at AS "end" FROM spans WHERE ${db.dialect.isIn(
      'session_pk',
      sessions.map((s) => Number(s.pk)),
    )}`,
  );
  return overlapCorrected(personSessions(sessions, spans));
}
