// Who is engaged now: sessions not ended whose last beat is at or after `since`. Only sessions
// started in the last day are considered, so the read stays on the newest rows of the started_at
// index (a tab that stays open longer than a day shows up again with its next session).

import type { LiveSession } from '../query-types.ts';
import { type Db, sql } from '../sql.ts';
import { DAY_MS, siteClause } from './stats-math.ts';

export async function listLiveSessions(
  db: Db,
  since: number,
  limit: number,
  site?: number,
): Promise<LiveSession[]> {
  const rows = await db.all<{
    id: string;
    email: string | null;
    visitor_id: string | null;
    current_url: string | null;
    engaged_ms: number;
    last_activity_at: number;
  }>(sql`SELECT id, email, visitor_id, current_url, engaged_ms, last_activity_at FROM sessions
    WHERE started_at >= ${since - DAY_MS} AND ended_at IS NULL AND last_activity_at >= ${since} ${siteClause(site)}
    ORDER BY last_activity_at DESC LIMIT ${limit}`);
  return rows.map((r) => ({
    id: r.id,
    email: r.email,
    visitorId: r.visitor_id,
    url: r.current_url,
    engagedMs: r.engaged_ms,
    lastActivityAt: r.last_activity_at,
  }));
}
