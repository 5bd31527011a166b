// Who is engaged now: sessions not ended whose last beat is at or after `since`. Only sessions
// started in the last day are considered, as on SQLite (a tab open longer than a day shows up
// again with its next session).

import type pg from 'pg';
import type { LiveSession } from '../../query-types.ts';
import { DAY_MS } from '../../stats-math.ts';

export async function listLiveSessions(db: pg.Pool, since: number, limit: number): Promise<LiveSession[]> {
  const { rows } = await db.query<{
    id: string;
    email: string | null;
    visitor_id: string | null;
    current_url: string | null;
    engaged_ms: number;
    last_activity_at: number;
  }>(
    `SELECT id, email, visitor_id, current_url, engaged_ms, last_activity_at FROM sessions
     WHERE started_at >= $1 AND ended_at IS NULL AND last_activity_at >= $2
     ORDER BY last_activity_at DESC LIMIT $3`,
    [since - DAY_MS, since, limit],
  );
  return rows.map((r) => ({
    id: r.id,
    email: r.email,
    visitorId: r.visitor_id,
    url: r.current_url,
    engagedMs: r.engaged_ms,
    lastActivityAt: r.last_activity_at,
  }));
}
