// Engaged time by one dimension of the sessions' origin (issue #24, API.md "Breakdowns"), on both
// engines: sessions, distinct people, engaged time (total and median) and engaged sessions per
// value, most engaged first, over the site's days that [from, to) touches, with any origin filters.
// Read from the sessions of the range (the sessions_site_day index): exact, and as fast as a scan
// of the range's sessions is. Rollups per dimension are the next step (docs/sources.md says so).

import {
  type Breakdown,
  type BreakdownQuery,
  DIMENSION_COLUMNS,
  ENGAGED_SESSION_MS,
} from '../breakdown-types.ts';
import { personKeySql } from '../person-key.ts';
import { InvalidCursorError } from '../query-types.ts';
import { type Db, join, raw, sql } from '../sql.ts';
import { originClauses } from './origin-filter.ts';
import { dayRange, summarizeDurations } from './stats-math.ts';

function decodeOffset(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  const offset = Number(Buffer.from(cursor, 'base64url').toString());
  if (!Number.isSafeInteger(offset) || offset <= 0)
    throw new InvalidCursorError('cursor is not one this API returned');
  return offset;
}

export async function getBreakdown(db: Db, query: BreakdownQuery): Promise<Breakdown> {
  const { fromDay, toDay } = dayRange(query.from, query.to, query.site);
  const offset = decodeOffset(query.cursor);
  const column = raw(`s.${DIMENSION_COLUMNS[query.by]}`);
  const int = (expression: string) => raw(db.dialect.int(expression));
  const where = join(
    [
      sql`s.site = ${query.site.pk} AND s.day >= ${fromDay} AND s.day < ${toDay}`,
      ...originClauses(query.filter),
    ],
    ' AND ',
  );
  const rows = await db.all<{
    value: string | null;
    sessions: number;
    visitors: number;
    engaged: number;
    engaged_sessions: number;
  }>(
    sql`SELECT ${column} AS value, ${int('count(*)')} AS sessions,
        ${int(`count(DISTINCT ${personKeySql('s')})`)} AS visitors, ${int('sum(s.engaged_ms)')} AS engaged,
        ${int(`sum(CASE WHEN s.engaged_ms >= ${ENGAGED_SESSION_MS} THEN 1 ELSE 0 END)`)} AS engaged_sessions
      FROM sessions s WHERE ${where}
      GROUP BY ${column}
      ORDER BY engaged DESC, sessions DESC, ${column}${raw(db.dialect.bytewise)}
      LIMIT ${query.limit + 1} OFFSET ${offset}`,
  );
  const more = rows.length > query.limit;
  const page = more ? rows.slice(0, query.limit) : rows;
  // The median of each value on the page: its distribution of whole seconds, as stats keeps it.
  const values = page.map((r) => r.value).filter((v): v is string => v !== null);
  const hasNull = page.some((r) => r.value === null);
  const inPage = join(
    [
      ...(values.length ? [db.dialect.isIn(`s.${DIMENSION_COLUMNS[query.by]}`, values)] : []),
      ...(hasNull ? [sql`${column} IS NULL`] : []),
    ],
    ' OR ',
  );
  const cells =
    page.length === 0
      ? []
      : await db.all<{ value: string | null; seconds: number; sessions: number }>(
          sql`SELECT ${column} AS value, s.engaged_ms / 1000 AS seconds, ${int('count(*)')} AS sessions
            FROM sessions s WHERE ${where} AND (${inPage})
            GROUP BY ${column}, s.engaged_ms / 1000`,
        );
  const distributions = new Map<string | null, [number, number][]>();
  for (const cell of cells) {
    const list = distributions.get(cell.value) ?? [];
    list.push([Number(cell.seconds), Number(cell.sessions)]);
    distributions.set(cell.value, list);
  }
  return {
    items: page.map((r) => ({
      value: r.value,
      sessions: Number(r.sessions),
      visitors: Number(r.visitors),
      engagedMs: {
        total: Number(r.engaged),
        median: summarizeDurations((distributions.get(r.value) ?? []).sort((a, b) => a[0] - b[0])).median,
      },
      engagedSessions: Number(r.engaged_sessions),
    })),
    nextCursor: more ? Buffer.from(String(offset + query.limit)).toString('base64url') : null,
  };
}
