// Stats over a range of UTC days. Unfiltered, everything comes from the rollups (migration 5, kept
// folded by the store before this runs); with an email or url filter, from aggregates over the
// sessions. The arithmetic after the SQL is SQLite's (stats-math.ts), so both engines agree.

import type pg from 'pg';
import { personKeySql } from '../../person-key.ts';
import type { Stats, StatsQuery } from '../../query-types.ts';
import { assembleStats, DAY_MS, type Distribution, dayRange } from '../../stats-math.ts';

const TOP_PAGES = 100;
const WHO = personKeySql('s');

/** Positional parameters ($1, $2, …) collected while a statement is built. */
class SqlParams {
  readonly values: unknown[] = [];
  /** Binds `value` and returns its placeholder. */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

export async function getStats(db: pg.Pool, query: StatsQuery): Promise<Stats> {
  return query.email === undefined && query.url === undefined
    ? fromRollups(db, query)
    : fromSessions(db, query);
}

async function fromRollups(db: pg.Pool, query: StatsQuery): Promise<Stats> {
  const { fromDay, toDay } = dayRange(query.from, query.to);
  const range = [fromDay, toDay];
  const inRange = 'day >= $1::int AND day < $2::int';
  const [days, seconds, people, byPage] = await Promise.all([
    db.query<{ day: number; sessions: number; engaged: number }>(
      `SELECT day, sessions, engaged_ms AS engaged FROM rollup_days WHERE ${inRange} AND sessions > 0`,
      range,
    ),
    db.query<{ seconds: number; sessions: number }>(
      `SELECT seconds, sum(sessions)::bigint AS sessions FROM rollup_durations WHERE ${inRange}
       GROUP BY seconds HAVING sum(sessions) > 0 ORDER BY seconds`,
      range,
    ),
    db.query<{ visitors: number }>(
      // A person counts once: on the first of its days in the range (prev_day before the range).
      `SELECT count(*)::int AS visitors FROM rollup_visitor_days WHERE ${inRange}
       AND (prev_day IS NULL OR prev_day < $1::int)`,
      range,
    ),
    db.query<Stats['byPage'][number]>(
      `SELECT url, sum(sessions)::int AS sessions, sum(engaged_ms)::bigint AS "engagedMs" FROM rollup_pages
       WHERE ${inRange} GROUP BY url HAVING sum(sessions) > 0
       ORDER BY "engagedMs" DESC, url COLLATE "C" LIMIT ${TOP_PAGES}`,
      range,
    ),
  ]);
  const byDay = new Map(days.rows.map((r) => [r.day, { sessions: r.sessions, engagedMs: r.engaged }]));
  const distribution: Distribution = seconds.rows.map((r) => [r.seconds, r.sessions]);
  return assembleStats(fromDay, toDay, byDay, distribution, people.rows[0]?.visitors ?? 0, byPage.rows);
}

async function fromSessions(db: pg.Pool, query: StatsQuery): Promise<Stats> {
  const { fromDay, toDay } = dayRange(query.from, query.to);
  const params = new SqlParams();
  // A session belongs to the UTC day it started; with a url filter, its time on that page counts.
  let where = `s.started_at >= ${params.add(fromDay * DAY_MS)}::bigint AND s.started_at < ${params.add(toDay * DAY_MS)}::bigint`;
  if (query.email !== undefined) where += ` AND s.email = ${params.add(query.email)}`;
  const url = query.url === undefined ? null : params.add(query.url);
  const pageJoin = url === null ? '' : `JOIN session_pages p ON p.session_pk = s.pk AND p.url = ${url}`;
  const engaged = url === null ? 's.engaged_ms' : 'p.engaged_ms';
  const from = `FROM sessions s ${pageJoin} WHERE ${where}`;

  const [days, seconds, people, byPage] = await Promise.all([
    db.query<{ day: number; sessions: number; engaged: number }>(
      `SELECT s.started_at / ${DAY_MS} AS day, count(*) AS sessions, sum(${engaged})::bigint AS engaged
       ${from} GROUP BY 1`,
      params.values,
    ),
    db.query<{ seconds: number; sessions: number }>(
      `SELECT ${engaged} / 1000 AS seconds, count(*) AS sessions ${from} GROUP BY 1 ORDER BY 1`,
      params.values,
    ),
    db.query<{ visitors: number }>(`SELECT count(DISTINCT ${WHO}) AS visitors ${from}`, params.values),
    db.query<Stats['byPage'][number]>(
      `SELECT p.url, count(*)::int AS sessions, sum(p.engaged_ms)::bigint AS "engagedMs" FROM sessions s
       JOIN session_pages p ON p.session_pk = s.pk ${url === null ? '' : `AND p.url = ${url}`}
       WHERE ${where} GROUP BY p.url ORDER BY "engagedMs" DESC, p.url COLLATE "C" LIMIT ${TOP_PAGES}`,
      params.values,
    ),
  ]);

  const byDay = new Map(days.rows.map((r) => [r.day, { sessions: r.sessions, engagedMs: r.engaged }]));
  const distribution: Distribution = seconds.rows.map((r) => [r.seconds, r.sessions]);
  return assembleStats(fromDay, toDay, byDay, distribution, people.rows[0]?.visitors ?? 0, byPage.rows);
}
