// The attention map of one page: engaged time and reach per section, over the sessions that started
// in the UTC days [from, to) touches (as the stats count them), optionally one person's.

import type pg from 'pg';
import { pageSections, type SectionRow } from '../../page-sections.ts';
import type { PageSections, PageSectionsQuery } from '../../query-types.ts';
import { DAY_MS, dayRange } from '../../stats-math.ts';

export async function getPageSections(db: pg.Pool, query: PageSectionsQuery): Promise<PageSections> {
  const { fromDay, toDay } = dayRange(query.from, query.to);
  const params = [query.url, fromDay * DAY_MS, toDay * DAY_MS, query.email ?? null];
  const where =
    's.started_at >= $2::bigint AND s.started_at < $3::bigint AND ($4::text IS NULL OR s.email = $4)';
  const [page, sections] = await Promise.all([
    db.query<{ sessions: number }>(
      `SELECT count(*)::int AS sessions FROM sessions s
       JOIN session_pages p ON p.session_pk = s.pk AND p.url = $1
       WHERE ${where} AND p.engaged_ms > 0`,
      params,
    ),
    db.query<SectionRow>(
      `SELECT x.name, min(x.position)::int AS position, sum(x.engaged_ms)::bigint AS "engagedMs",
         count(*)::int AS sessions
       FROM sessions s JOIN session_sections x ON x.session_pk = s.pk AND x.url = $1
       WHERE ${where} AND x.engaged_ms > 0 GROUP BY x.name`,
      params,
    ),
  ]);
  return pageSections(query.url, page.rows[0]?.sessions ?? 0, sections.rows);
}
