// A new session row of its site, stamped with the store's clock (the database's own on PostgreSQL, so
// instances with skewed clocks agree; the injected one on SQLite, so tests control time).

import { FIRST_SITE } from '../query-types.ts';
import type { Db, Sql } from '../sql.ts';
import { sql } from '../sql.ts';
import type { NewSession } from '../types.ts';

export async function createSession(db: Db, now: Sql, session: NewSession): Promise<{ startedAt: number }> {
  const site = session.site ?? FIRST_SITE;
  const o = session.origin;
  // The day it counts on, in its site's calendar: dwell_local_day is a SQL function on PostgreSQL
  // (migration 12) and the JavaScript of src/sites/local-day.ts on SQLite (connect.ts).
  const [row] = await db.all<{ started_at: number }>(
    sql`INSERT INTO sessions (id, token_hash, cookie_only, started_at, last_activity_at, email, visitor_id,
        entry_url, referrer, screen, lang, current_url, visible_ms, site, day,
        source, source_category, referrer_host, utm_source, utm_medium, utm_campaign, utm_content, utm_term,
        entry_path, device, browser, os, country, region)
      VALUES (${session.id}, ${session.tokenHash}, ${session.cookieOnly ? 1 : 0}, ${now}, ${now},
        ${session.email}, ${session.visitorId}, ${session.entryUrl}, ${session.referrer}, ${session.screen},
        ${session.lang}, ${session.entryUrl}, 0, ${site.pk}, dwell_local_day(${now}, ${site.timeZone}),
        ${o?.source ?? null}, ${o?.sourceCategory ?? null}, ${o?.referrerHost ?? null}, ${o?.utm.source ?? null},
        ${o?.utm.medium ?? null}, ${o?.utm.campaign ?? null}, ${o?.utm.content ?? null}, ${o?.utm.term ?? null},
        ${o?.entryPath ?? null}, ${o?.device ?? null}, ${o?.browser ?? null}, ${o?.os ?? null}, ${o?.country ?? null},
        ${o?.region ?? null})
      RETURNING started_at`,
  );
  return { startedAt: Number(row!.started_at) };
}
