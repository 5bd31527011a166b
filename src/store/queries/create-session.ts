// A new session row, stamped with the store's clock (the database's own on PostgreSQL, so
// instances with skewed clocks agree; the injected one on SQLite, so tests control time).

import type { Db, Sql } from '../sql.ts';
import { sql } from '../sql.ts';
import type { NewSession } from '../types.ts';

export async function createSession(db: Db, now: Sql, session: NewSession): Promise<{ startedAt: number }> {
  const [row] = await db.all<{ started_at: number }>(
    sql`INSERT INTO sessions (id, token_hash, cookie_only, started_at, last_activity_at, email, visitor_id,
        entry_url, referrer, screen, lang, current_url, visible_ms)
      VALUES (${session.id}, ${session.tokenHash}, ${session.cookieOnly ? 1 : 0}, ${now}, ${now},
        ${session.email}, ${session.visitorId}, ${session.entryUrl}, ${session.referrer}, ${session.screen},
        ${session.lang}, ${session.entryUrl}, 0)
      RETURNING started_at`,
  );
  return { startedAt: Number(row!.started_at) };
}
