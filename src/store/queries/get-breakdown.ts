// Engaged time by one dimension of the sessions' origin (issue #24, API.md "Breakdowns"), on both
// engines: sessions, distinct people, engaged time (total and median) and engaged sessions per
// value, most engaged first, over the site's days that [from, to) touches, with any origin filters.
//
// Each day of the range is read from its stored columns (breakdowns/segment.ts) when they are
// current — built at the count of rollup deltas the day has taken since (rollup_days.changes) — and
// from the day's sessions otherwise (today, a day that took a late beat, a day not built yet).
// The store folds the journal and the rollups before this read, so the answer is exact either way;
// the builder (build-breakdown-days.ts) only decides how fast it is.

import { type Breakdown, type BreakdownQuery, DIMENSION_COLUMNS, DIMENSIONS } from '../breakdown-types.ts';
import { aggregateDays, dimensionsRead } from '../breakdowns/aggregate.ts';
import { ColumnCache } from '../breakdowns/column-cache.ts';
import {
  assembleDay,
  buildDay,
  CORE,
  type DaySlice,
  type DecodedPart,
  decodePart,
  type SegmentSession,
} from '../breakdowns/segment.ts';
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

/** The columns a day is built from, for a sessions row aliased `s`. */
export const DAY_COLUMNS = raw(
  `s.day, ${DIMENSIONS.map((d, i) => `s.${DIMENSION_COLUMNS[d]} AS v${i}`).join(', ')}, s.engaged_ms, ${personKeySql('s')} AS person`,
);

export type SessionRow = { day: number; engaged_ms: number; person: string | null } & Record<
  string,
  string | null
>;

/** Sessions rows (DAY_COLUMNS) built into one day each. */
export function buildDays(rows: readonly SessionRow[]): Map<number, DaySlice> {
  const days = new Map<number, SessionRow[]>();
  for (const row of rows) {
    const day = Number(row.day);
    const list = days.get(day);
    if (list) list.push(row);
    else days.set(day, [row]);
  }
  return new Map([...days].map(([day, list]) => [day, buildDay(list.map(segmentSession))]));
}

/** A sessions row (DAY_COLUMNS) as a day's builder takes it. */
export function segmentSession(row: SessionRow): SegmentSession {
  return {
    values: DIMENSIONS.map((_, i) => row[`v${i}`] ?? null),
    engagedMs: Number(row.engaged_ms),
    person: row.person,
  };
}

/** The day-building rows of a site's sessions matching `where` (a clause over `s`). */
export function readSessionRows(db: Db, site: number, where: Sql): Promise<SessionRow[]> {
  return db.all<SessionRow>(sql`SELECT ${DAY_COLUMNS} FROM sessions s WHERE s.site = ${site} AND ${where}`);
}

/** The runs of days in [fromDay, toDay) that `present` lacks, as [from, to) pairs. */
export function missingRanges(fromDay: number, toDay: number, present: Set<number>): [number, number][] {
  const ranges: [number, number][] = [];
  for (let day = fromDay; day < toDay; day++) {
    if (present.has(day)) continue;
    const last = ranges[ranges.length - 1];
    if (last && last[1] === day) last[1] = day + 1;
    else ranges.push([day, day + 1]);
  }
  return ranges;
}

export async function getBreakdown(
  db: Db,
  query: BreakdownQuery,
  cache: ColumnCache = new ColumnCache(0),
): Promise<Breakdown> {
  const { fromDay, toDay } = dayRange(query.from, query.to, query.site);
  const offset = decodeOffset(query.cursor);
  const site = query.site.pk;
  // The range's days whose columns are current, at their count of changes.
  const built = await db.all<{ day: number; changes: number }>(
    sql`SELECT b.day, b.changes FROM breakdown_days b
      JOIN rollup_days r ON r.site = b.site AND r.day = b.day AND r.changes = b.changes
      WHERE b.site = ${site} AND b.day >= ${fromDay} AND b.day < ${toDay}`,
  );
  // The columns read: the core, `by` and the filtered dimensions; from the cache, else stored.
  const parts = [CORE, ...dimensionsRead(query.by, query.filter)];
  const decoded = new Map<number, Map<string, DecodedPart | null>>();
  const missing: number[] = [];
  for (const row of built) {
    const [day, changes] = [Number(row.day), Number(row.changes)];
    const found = new Map(parts.map((part) => [part, cache.get(site, day, changes, part) ?? null]));
    decoded.set(day, found);
    if ([...found.values()].some((part) => part === null)) missing.push(day);
  }
  const changesOf = new Map(built.map((row) => [Number(row.day), Number(row.changes)]));
  if (missing.length > 0) {
    const stored = await db.all<{ day: number; part: string; changes: number; bytes: Uint8Array }>(
      sql`SELECT day, part, changes, bytes FROM breakdown_columns
        WHERE site = ${site} AND ${db.dialect.isIn('part', parts)} AND ${db.dialect.isIn('day', missing)}`,
    );
    for (const row of stored) {
      const [day, changes] = [Number(row.day), Number(row.changes)];
      // Rebuilt since the days were listed: that day is read from its sessions below.
      if (changesOf.get(day) !== changes) continue;
      const part = decodePart(row.part, row.bytes);
      decoded.get(day)!.set(row.part, part);
      if (part) cache.set(site, day, changes, row.part, part);
    }
  }
  const days: DaySlice[] = [];
  const current: number[] = [];
  for (const [day, found] of decoded) {
    const slice = assembleDay(found);
    if (!slice) continue;
    days.push(slice);
    current.push(day);
  }
  // The other days, from their sessions, a range of days at a time (usually only today's), so the
  // index walks those days alone; the filters narrow what is read.
  const present = new Set(current);
  let gaps = missingRanges(fromDay, toDay, present);
  // Days built here and there over years: one range, and the days read already are skipped below.
  if (gaps.length > 64) gaps = [[gaps[0]![0], gaps[gaps.length - 1]![1]]];
  if (gaps.length > 0) {
    const inGaps = join(
      gaps.map(([from, to]) => sql`(s.day >= ${from} AND s.day < ${to})`),
      ' OR ',
    );
    const where = join([sql`(${inGaps})`, ...originClauses(query.filter)], ' AND ');
    for (const [day, slice] of buildDays(await readSessionRows(db, site, where))) {
      if (!present.has(day)) days.push(slice);
    }
  }
  const { items, more } = aggregateDays(days, {
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
