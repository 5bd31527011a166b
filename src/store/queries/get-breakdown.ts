// Engaged time by one dimension of the sessions' origin (issue #24, API.md "Breakdowns"), on both
// engines: sessions, distinct people, engaged time (total and median) and engaged sessions per
// value, most engaged first, over the site's days that [from, to) touches, with any origin filters.
//
// Each day of the range is read from its segment (breakdowns/segment.ts) when the segment is
// current — built at the count of rollup deltas its day has taken since (rollup_days.changes) — and
// from the day's sessions otherwise (today, a day that took a late beat, a segment not built yet).
// The store folds the journal and the rollups before this read, so the answer is exact either way;
// the builder (build-breakdown-days.ts) only decides how fast it is.

import { type Breakdown, type BreakdownQuery, DIMENSION_COLUMNS, DIMENSIONS } from '../breakdown-types.ts';
import { aggregateSegments } from '../breakdowns/aggregate.ts';
import { buildSegment, decodeSegment, type Segment } from '../breakdowns/segment.ts';
import { personKeySql } from '../person-key.ts';
import { InvalidCursorError } from '../query-types.ts';
import { type Db, join, raw, type Sql, sql } from '../sql.ts';
import { originClauses } from './origin-filter.ts';
import { dayRange } from './stats-math.ts';

function decodeOffset(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  const offset = Number(Buffer.from(cursor, 'base64url').toString());
  if (!Number.isSafeInteger(offset) || offset <= 0)
    throw new InvalidCursorError('cursor is not one this API returned');
  return offset;
}

/** The columns a segment is built from, for a sessions row aliased `s`. */
const SEGMENT_COLUMNS = raw(
  `s.day, ${DIMENSIONS.map((d, i) => `s.${DIMENSION_COLUMNS[d]} AS v${i}`).join(', ')}, s.engaged_ms, ${personKeySql('s')} AS person`,
);

type SegmentRow = { day: number; engaged_ms: number; person: string | null } & Record<string, string | null>;

/** Sessions rows (SEGMENT_COLUMNS) grouped into one segment per day. */
export function segmentsByDay(rows: readonly SegmentRow[]): Map<number, Segment> {
  const days = new Map<number, SegmentRow[]>();
  for (const row of rows) {
    const day = Number(row.day);
    const list = days.get(day);
    if (list) list.push(row);
    else days.set(day, [row]);
  }
  return new Map(
    [...days].map(([day, list]) => [
      day,
      buildSegment(
        list.map((row) => ({
          values: DIMENSIONS.map((_, i) => row[`v${i}`] ?? null),
          engagedMs: Number(row.engaged_ms),
          person: row.person,
        })),
      ),
    ]),
  );
}

/** The segment-building rows of a site's sessions matching `where` (a clause over `s`). */
export function readSegmentRows(db: Db, site: number, where: Sql): Promise<SegmentRow[]> {
  return db.all<SegmentRow>(
    sql`SELECT ${SEGMENT_COLUMNS} FROM sessions s WHERE s.site = ${site} AND ${where}`,
  );
}

export async function getBreakdown(db: Db, query: BreakdownQuery): Promise<Breakdown> {
  const { fromDay, toDay } = dayRange(query.from, query.to, query.site);
  const offset = decodeOffset(query.cursor);
  const site = query.site.pk;
  const built = await db.all<{ day: number; segment: Uint8Array }>(
    sql`SELECT b.day, b.segment FROM breakdown_days b
      JOIN rollup_days r ON r.site = b.site AND r.day = b.day AND r.changes = b.changes
      WHERE b.site = ${site} AND b.day >= ${fromDay} AND b.day < ${toDay}`,
  );
  const segments: Segment[] = [];
  const current: number[] = [];
  for (const row of built) {
    const segment = decodeSegment(row.segment);
    if (!segment) continue;
    segments.push(segment);
    current.push(Number(row.day));
  }
  // The other days, from their sessions; the filters narrow what is read.
  const rest = join(
    [
      sql`s.day >= ${fromDay} AND s.day < ${toDay}`,
      ...(current.length > 0 ? [sql`NOT (${db.dialect.isIn('s.day', current)})`] : []),
      ...originClauses(query.filter),
    ],
    ' AND ',
  );
  for (const segment of segmentsByDay(await readSegmentRows(db, site, rest)).values()) segments.push(segment);
  const { items, more } = aggregateSegments(segments, {
    by: query.by,
    filter: query.filter,
    limit: query.limit,
    offset,
  });
  return {
    items,
    nextCursor: more ? Buffer.from(String(offset + query.limit)).toString('base64url') : null,
  };
}
