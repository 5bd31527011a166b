// Stats over a range of UTC days, as aggregates over the sessions (PostgreSQL keeps no rollups:
// migration 3). The arithmetic after the SQL is SQLite's (stats-math.ts), so both engines agree.

import type pg from 'pg';
import type { Stats, StatsQuery } from '../../query-types.ts';
import { assembleStats, DAY_MS, type Distribution, dayRange } from '../../stats-math.ts';
import { SqlParams } from './session-filter.ts';

const TOP_PAGES = 100;
const WHO = "coalesce('e:' || s.email, 'v:' || s.visitor_id)";

export async function getStats(db: pg.Pool, query: StatsQuery): Promise<Stats> {
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
