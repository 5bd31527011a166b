// Stats over a range of days of one site's calendar (or of every site), on both engines. Unfiltered, everything comes from the rollups (a
// few thousand rows whatever the traffic, kept folded by the store before this runs); with an email
// or url filter, from aggregates over the sessions. The arithmetic after the SQL is shared too
// (stats-math.ts), so both paths and both engines agree.

import { personKeySql } from '../person-key.ts';
import type { Stats, StatsQuery } from '../query-types.ts';
import { type Db, join, raw, type Sql, sql } from '../sql.ts';
import { hasOriginFilter, originClauses } from './origin-filter.ts';
import { assembleStats, type Distribution, dayRange, siteClause } from './stats-math.ts';

const TOP_PAGES = 100;

export function getStats(db: Db, query: StatsQuery): Promise<Stats> {
  return query.email === undefined && query.url === undefined && !hasOriginFilter(query.origin)
    ? fromRollups(db, query)
    : fromSessions(db, query);
}

async function fromRollups(db: Db, query: StatsQuery): Promise<Stats> {
  const { fromDay, toDay } = dayRange(query.from, query.to, query.site);
  const int = (expression: string) => raw(db.dialect.int(expression));
  const inRange = sql`day >= ${fromDay} AND day < ${toDay} ${siteClause(query.site)}`;
  const [days, seconds, people, byPage] = await Promise.all([
    db.all<{ day: number; sessions: number; engaged: number }>(
      sql`SELECT day, ${int('sum(sessions)')} AS sessions, ${int('sum(engaged_ms)')} AS engaged FROM rollup_days
        WHERE ${inRange} GROUP BY day HAVING sum(sessions) > 0`,
    ),
    db.all<{ seconds: number; sessions: number }>(
      sql`SELECT seconds, ${int('sum(sessions)')} AS sessions FROM rollup_durations WHERE ${inRange}
        GROUP BY seconds HAVING sum(sessions) > 0 ORDER BY seconds`,
    ),
    // A person counts once: on the first of its days in the range (prev_day, kept per site, before
    // the range; -1 when never seen before), counted by rollup_first_days; over every site, a person
    // seen on several is still one.
    query.site === undefined
      ? db.all<{ visitors: number }>(
          sql`SELECT ${int('count(DISTINCT who)')} AS visitors FROM rollup_visitor_days WHERE ${inRange}
            AND sessions > 0`,
        )
      : db.all<{ visitors: number }>(
          sql`SELECT ${int('coalesce(sum(people), 0)')} AS visitors FROM rollup_first_days WHERE ${inRange}
            AND prev_day < ${fromDay}`,
        ),
    db.all<Stats['byPage'][number]>(
      sql`SELECT url, ${int('sum(sessions)')} AS sessions, ${int('sum(engaged_ms)')} AS "engagedMs"
        FROM rollup_pages WHERE ${inRange} GROUP BY url HAVING sum(sessions) > 0
        ORDER BY "engagedMs" DESC, url${raw(db.dialect.bytewise)} LIMIT ${TOP_PAGES}`,
    ),
  ]);
  return assemble(fromDay, toDay, days, seconds, people[0]?.visitors ?? 0, byPage);
}

async function fromSessions(db: Db, query: StatsQuery): Promise<Stats> {
  const { fromDay, toDay } = dayRange(query.from, query.to, query.site);
  const int = (expression: string) => raw(db.dialect.int(expression));
  // A session belongs to the day it started on; with a url filter, its time on that page counts.
  const origin = originClauses(query.origin);
  const where = sql`s.day >= ${fromDay} AND s.day < ${toDay} ${siteClause(query.site, 's')}
    ${query.email === undefined ? raw('') : sql`AND s.email = ${query.email}`}
    ${origin.length ? sql`AND ${join(origin, ' AND ')}` : raw('')}`;
  const pageJoin: Sql =
    query.url === undefined
      ? raw('')
      : sql`JOIN session_pages p ON p.session_pk = s.pk AND p.url = ${query.url}`;
  const engaged = query.url === undefined ? 's.engaged_ms' : 'p.engaged_ms';
  const from = sql`FROM sessions s ${pageJoin} WHERE ${where}`;
  // One pass gives both the days and the distribution: sessions grouped by (day, whole seconds).
  const [cells, people, byPage] = await Promise.all([
    db.all<{ day: number; seconds: number; sessions: number; engaged: number }>(
      sql`SELECT s.day, ${raw(engaged)} / 1000 AS seconds,
          ${int('count(*)')} AS sessions, ${int(`sum(${engaged})`)} AS engaged ${from} GROUP BY 1, 2`,
    ),
    db.all<{ visitors: number }>(
      sql`SELECT ${int(`count(DISTINCT ${personKeySql('s')})`)} AS visitors ${from}`,
    ),
    db.all<Stats['byPage'][number]>(
      sql`SELECT p.url, ${int('count(*)')} AS sessions, ${int('sum(p.engaged_ms)')} AS "engagedMs" FROM sessions s
        JOIN session_pages p ON p.session_pk = s.pk ${query.url === undefined ? raw('') : sql`AND p.url = ${query.url}`}
        WHERE ${where} GROUP BY p.url ORDER BY "engagedMs" DESC, p.url${raw(db.dialect.bytewise)} LIMIT ${TOP_PAGES}`,
    ),
  ]);
  const days = new Map<number, { day: number; sessions: number; engaged: number }>();
  const seconds = new Map<number, { seconds: number; sessions: number }>();
  for (const cell of cells) {
    const day = days.get(Number(cell.day)) ?? { day: Number(cell.day), sessions: 0, engaged: 0 };
    day.sessions += Number(cell.sessions);
    day.engaged += Number(cell.engaged);
    days.set(day.day, day);
    const bucket = seconds.get(Number(cell.seconds)) ?? { seconds: Number(cell.seconds), sessions: 0 };
    bucket.sessions += Number(cell.sessions);
    seconds.set(bucket.seconds, bucket);
  }
  const distribution = [...seconds.values()].sort((a, b) => a.seconds - b.seconds);
  return assemble(fromDay, toDay, [...days.values()], distribution, people[0]?.visitors ?? 0, byPage);
}

function assemble(
  fromDay: number,
  toDay: number,
  days: { day: number; sessions: number; engaged: number }[],
  seconds: { seconds: number; sessions: number }[],
  visitors: number,
  byPage: Stats['byPage'],
): Stats {
  const byDay = new Map(
    days.map((r) => [Number(r.day), { sessions: Number(r.sessions), engagedMs: Number(r.engaged) }]),
  );
  const distribution: Distribution = seconds.map((r) => [Number(r.seconds), Number(r.sessions)]);
  const pages = byPage.map((p) => ({
    url: p.url,
    sessions: Number(p.sessions),
    engagedMs: Number(p.engagedMs),
  }));
  return assembleStats(fromDay, toDay, byDay, distribution, Number(visitors), pages);
}
