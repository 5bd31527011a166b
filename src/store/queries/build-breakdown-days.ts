// Builds the breakdown segments (breakdowns/segment.ts) of days whose segment is missing or stale:
// reads the day's count of rollup deltas first, then its sessions, and stores the segment with that
// count. A change that lands in between is in the segment and bumps the count later, so the segment
// only looks stale, never current when it is not; two instances building one day at once are safe
// for the same reason. Writes nothing a read depends on for exactness (get-breakdown.ts).

import { buildSegment, encodeSegment } from '../breakdowns/segment.ts';
import { type Db, sql } from '../sql.ts';
import { readSegmentRows, segmentsByDay } from './get-breakdown.ts';

/** Days of every site whose segment is missing or stale, latest first, before `beforeDay`. */
export async function staleBreakdownDays(
  db: Db,
  options: { beforeDay: number; limit: number },
): Promise<{ site: number; day: number }[]> {
  const rows = await db.all<{ site: number; day: number }>(
    sql`SELECT r.site, r.day FROM rollup_days r
      LEFT JOIN breakdown_days b ON b.site = r.site AND b.day = r.day
      WHERE r.day < ${options.beforeDay} AND (b.changes IS NULL OR b.changes <> r.changes)
      ORDER BY r.day DESC, r.site LIMIT ${options.limit}`,
  );
  return rows.map((r) => ({ site: Number(r.site), day: Number(r.day) }));
}

export async function buildBreakdownDay(db: Db, site: number, day: number): Promise<void> {
  const [count] = await db.all<{ changes: number }>(
    sql`SELECT changes FROM rollup_days WHERE site = ${site} AND day = ${day}`,
  );
  if (!count) return;
  const rows = await readSegmentRows(db, site, sql`s.day = ${day}`);
  const segment = segmentsByDay(rows).get(day) ?? buildSegment([]);
  await db.run(
    sql`INSERT INTO breakdown_days (site, day, changes, sessions, segment)
      VALUES (${site}, ${day}, ${Number(count.changes)}, ${segment.sessions}, ${encodeSegment(segment)})
      ON CONFLICT (site, day) DO UPDATE SET changes = excluded.changes, sessions = excluded.sessions,
        segment = excluded.segment`,
  );
}

/** Segments of days that no longer match their rollups: a purge takes what it deleted out of them. */
export function dropStaleBreakdownDays(db: Db): Promise<number> {
  return db.run(sql`DELETE FROM breakdown_days WHERE NOT EXISTS (SELECT 1 FROM rollup_days r
    WHERE r.site = breakdown_days.site AND r.day = breakdown_days.day AND r.changes = breakdown_days.changes)`);
}
