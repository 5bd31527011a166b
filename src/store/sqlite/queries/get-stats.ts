// Stats over a range of UTC days. Unfiltered, everything comes from the rollups (a few thousand
// rows whatever the traffic); with an email or url filter, from the sessions themselves, with the
// same arithmetic (stats-math.ts) so both paths agree.

import type Database from 'better-sqlite3';
import { personKeySql } from '../../person-key.ts';
import type { Stats, StatsQuery } from '../../query-types.ts';
import { assembleStats, type Distribution, dayRange } from '../../stats-math.ts';

const TOP_PAGES = 100;

export function getStats(db: Database.Database, query: StatsQuery): Stats {
  return query.email === undefined && query.url === undefined
    ? fromRollups(db, query)
    : fromSessions(db, query);
}

function fromRollups(db: Database.Database, query: StatsQuery): Stats {
  const { fromDay, toDay } = dayRange(query.from, query.to);
  const days = db
    .prepare('SELECT day, sessions, engaged_ms FROM rollup_days WHERE day >= ? AND day < ? AND sessions > 0')
    .raw()
    .all(fromDay, toDay) as [number, number, number][];
  const distribution = db
    .prepare(
      `SELECT seconds, sum(sessions) FROM rollup_durations WHERE day >= ? AND day < ?
       GROUP BY seconds HAVING sum(sessions) > 0 ORDER BY seconds`,
    )
    .raw()
    .all(fromDay, toDay) as Distribution;
  const byPage = db
    .prepare(
      `SELECT url, sum(sessions) AS sessions, sum(engaged_ms) AS engagedMs FROM rollup_pages
       WHERE day >= ? AND day < ? GROUP BY url HAVING sum(sessions) > 0 ORDER BY engagedMs DESC, url LIMIT ?`,
    )
    .all(fromDay, toDay, TOP_PAGES) as Stats['byPage'];
  // A visitor counts once: only on the first of its days in the range (prev_day before the range).
  const visitors = db
    .prepare(
      `SELECT count(*) FROM rollup_visitor_days WHERE day >= @fromDay AND day < @toDay
       AND (prev_day IS NULL OR prev_day < @fromDay)`,
    )
    .pluck()
    .get({ fromDay, toDay }) as number;
  const byDay = new Map(days.map(([day, sessions, engagedMs]) => [day, { sessions, engagedMs }]));
  return assembleStats(fromDay, toDay, byDay, distribution, visitors, byPage);
}

function fromSessions(db: Database.Database, query: StatsQuery): Stats {
  const { fromDay, toDay } = dayRange(query.from, query.to);
  const params = {
    from: fromDay * 86_400_000,
    to: toDay * 86_400_000,
    email: query.email ?? null,
    url: query.url ?? null,
  };
  const pageJoin =
    query.url === undefined ? '' : 'JOIN session_pages p ON p.session_pk = s.pk AND p.url = @url';
  const engaged = query.url === undefined ? 's.engaged_ms' : 'p.engaged_ms';
  const where = `s.started_at >= @from AND s.started_at < @to ${query.email === undefined ? '' : 'AND s.email = @email'}`;
  const rows = db
    .prepare(
      `SELECT s.started_at / 86400000, ${personKeySql('s')}, ${engaged}
       FROM sessions s ${pageJoin} WHERE ${where}`,
    )
    .raw()
    .iterate(params) as IterableIterator<[number, string | null, number]>;
  const byDay = new Map<number, { sessions: number; engagedMs: number }>();
  const seconds = new Map<number, number>();
  const people = new Set<string>();
  for (const [day, who, ms] of rows) {
    const entry = byDay.get(day) ?? { sessions: 0, engagedMs: 0 };
    entry.sessions += 1;
    entry.engagedMs += ms;
    byDay.set(day, entry);
    const s = Math.floor(ms / 1000);
    seconds.set(s, (seconds.get(s) ?? 0) + 1);
    if (who !== null) people.add(who);
  }
  const distribution = [...seconds.entries()].sort((a, b) => a[0] - b[0]);
  const byPage = db
    .prepare(
      `SELECT p.url, count(*) AS sessions, sum(p.engaged_ms) AS engagedMs FROM sessions s
       JOIN session_pages p ON p.session_pk = s.pk ${query.url === undefined ? '' : 'AND p.url = @url'}
       WHERE ${where} GROUP BY p.url ORDER BY engagedMs DESC, p.url LIMIT ${TOP_PAGES}`,
    )
    .all(params) as Stats['byPage'];
  return assembleStats(fromDay, toDay, byDay, distribution, people.size, byPage);
}
