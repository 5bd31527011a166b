// Builds the breakdown columns (breakdowns/segment.ts) of days whose columns are missing or stale:
// reads the day's count of rollup deltas first, then its sessions, and stores the columns with that
// count. A change that lands in between is in the columns and bumps the count later, so a day only
// looks stale, never current when it is not; two instances building one day at once are safe for
// the same reason. Writes nothing a read depends on for exactness (get-breakdown.ts).

import { setImmediate as nextTurn } from 'node:timers/promises';
import { localDay } from '../../sites/index.ts';
import { DayBuilder, encodeDay } from '../breakdowns/segment.ts';
import { type Db, raw, sql } from '../sql.ts';
import { DAY_COLUMNS, type SessionRow, segmentSession } from './get-breakdown.ts';

/** Sessions added to a day's columns between two turns of the event loop (~10 ms of work). */
const ADD_PER_TURN = 4_000;

/**
 * Days of every site whose columns are missing or stale, latest first: days before each site's
 * today at `now` (today's sessions still beat), or every day with `includeToday`.
 */
export async function staleBreakdownDays(
  db: Db,
  options: { now: number; includeToday: boolean; limit: number },
): Promise<{ site: number; day: number }[]> {
  // The sites with days (a deleted site's days wait for the purge of its sessions).
  const sites = await db.all<{ pk: number; time_zone: string }>(
    sql`SELECT d.site AS pk, coalesce(s.time_zone, 'UTC') AS time_zone
      FROM (SELECT DISTINCT site FROM rollup_days) d LEFT JOIN sites s ON s.pk = d.site ORDER BY d.site`,
  );
  const found: { site: number; day: number }[] = [];
  for (const site of sites) {
    const before = options.includeToday ? 2 ** 31 - 1 : localDay(options.now, site.time_zone);
    const rows = await db.all<{ day: number }>(
      sql`SELECT r.day FROM rollup_days r LEFT JOIN breakdown_days b ON b.site = r.site AND b.day = r.day
        WHERE r.site = ${Number(site.pk)} AND r.day < ${before} AND (b.changes IS NULL OR b.changes <> r.changes)
        ORDER BY r.day DESC LIMIT ${options.limit - found.length}`,
    );
    for (const row of rows) found.push({ site: Number(site.pk), day: Number(row.day) });
    if (found.length >= options.limit) break;
  }
  return found;
}

/**
 * Builds one day's columns. The day's sessions are read `pageRows` at a time (in the order of their
 * key, through the `(site, day)` index) and added a few thousand at a time, with the event loop free
 * in between: a day of a busy site is seconds of work, which must not stall the requests beside it.
 */
export async function buildBreakdownDay(
  db: Db,
  site: number,
  day: number,
  pageRows: number = Number.POSITIVE_INFINITY,
): Promise<void> {
  const [count] = await db.all<{ changes: number }>(
    sql`SELECT changes FROM rollup_days WHERE site = ${site} AND day = ${day}`,
  );
  if (!count) return;
  const builder = new DayBuilder();
  const limit = Number.isFinite(pageRows) ? raw(`ORDER BY s.pk LIMIT ${Math.floor(pageRows)}`) : raw('');
  for (let after = 0; ; ) {
    const rows = await db.all<SessionRow & { pk: number }>(
      sql`SELECT s.pk, ${DAY_COLUMNS} FROM sessions s
        WHERE s.site = ${site} AND s.day = ${day} AND s.pk > ${after} ${limit}`,
    );
    for (let i = 0; i < rows.length; i++) {
      builder.add(segmentSession(rows[i]!));
      if (i % ADD_PER_TURN === ADD_PER_TURN - 1) await nextTurn();
    }
    if (rows.length < pageRows) break;
    after = Number(rows[rows.length - 1]!.pk);
    await nextTurn();
  }
  const slice = builder.finish();
  // Upserts, every column each time: two instances building one day at once both succeed.
  await db.transaction(async (tx) => {
    for (const { part, bytes } of encodeDay(slice)) {
      await tx.run(
        sql`INSERT INTO breakdown_columns (site, part, day, changes, bytes)
          VALUES (${site}, ${part}, ${day}, ${Number(count.changes)}, ${bytes})
          ON CONFLICT (site, part, day) DO UPDATE SET changes = excluded.changes, bytes = excluded.bytes`,
      );
    }
    await tx.run(
      sql`INSERT INTO breakdown_days (site, day, changes, sessions)
        VALUES (${site}, ${day}, ${Number(count.changes)}, ${slice.sessions})
        ON CONFLICT (site, day) DO UPDATE SET changes = excluded.changes, sessions = excluded.sessions`,
    );
  });
}

/** Days that no longer match their rollups: a purge takes what it deleted out of them at once. */
export async function dropStaleBreakdownDays(db: Db): Promise<number> {
  const stale = sql`NOT EXISTS (SELECT 1 FROM rollup_days r
    WHERE r.site = b.site AND r.day = b.day AND r.changes = b.changes)`;
  return db.transaction(async (tx) => {
    await tx.run(sql`DELETE FROM breakdown_columns WHERE EXISTS (SELECT 1 FROM breakdown_days b
      WHERE b.site = breakdown_columns.site AND b.day = breakdown_columns.day AND ${stale})`);
    return tx.run(sql`DELETE FROM breakdown_days WHERE NOT EXISTS (SELECT 1 FROM rollup_days r
      WHERE r.site = breakdown_days.site AND r.day = breakdown_days.day AND r.changes = breakdown_days.changes)`);
  });
}
