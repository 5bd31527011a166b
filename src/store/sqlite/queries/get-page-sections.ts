// The attention map of one page: engaged time and reach per section, over the sessions that started
// in the UTC days [from, to) touches (as the stats count them), optionally one person's.

import type Database from 'better-sqlite3';
import { pageSections, type SectionRow } from '../../page-sections.ts';
import type { PageSections, PageSectionsQuery } from '../../query-types.ts';
import { DAY_MS, dayRange } from '../../stats-math.ts';

export function getPageSections(db: Database.Database, query: PageSectionsQuery): PageSections {
  const { fromDay, toDay } = dayRange(query.from, query.to);
  const params = { url: query.url, from: fromDay * DAY_MS, to: toDay * DAY_MS, email: query.email ?? null };
  // The page's rows are found by URL (session_pages_url, and session_sections_url of migration 8).
  const where = `s.started_at >= @from AND s.started_at < @to ${query.email === undefined ? '' : 'AND s.email = @email'}`;
  const sessions = db
    .prepare(
      `SELECT count(*) FROM sessions s JOIN session_pages p ON p.session_pk = s.pk AND p.url = @url
       WHERE ${where} AND p.engaged_ms > 0`,
    )
    .pluck()
    .get(params) as number;
  const rows = db
    .prepare(
      `SELECT x.name, min(x.position) AS position, sum(x.engaged_ms) AS engagedMs, count(*) AS sessions
       FROM sessions s JOIN session_sections x ON x.session_pk = s.pk AND x.url = @url
       WHERE ${where} AND x.engaged_ms > 0 GROUP BY x.name`,
    )
    .all(params) as SectionRow[];
  return pageSections(query.url, sessions, rows);
}
