// The attention map of one page: engaged time and reach per section, over the sessions that started
// on the days of its site's calendar that [from, to) touches (as the stats count them), optionally one person's. The page's
// rows are found by URL (session_pages_url, and session_sections_url of migration 8).

import type { PageSections, PageSectionsQuery } from '../query-types.ts';
import { type Db, join, raw, sql } from '../sql.ts';
import { originClauses } from './origin-filter.ts';
import { pageSections, type SectionRow } from './page-sections.ts';
import { dayRange, siteClause } from './stats-math.ts';

export async function getPageSections(db: Db, query: PageSectionsQuery): Promise<PageSections> {
  const { fromDay, toDay } = dayRange(query.from, query.to, query.site);
  const who = query.email === undefined ? raw('') : sql`AND s.email = ${query.email}`;
  const origin = originClauses(query.origin);
  const where = sql`s.day >= ${fromDay} AND s.day < ${toDay} ${siteClause(query.site, 's')} ${who}
    ${origin.length ? sql`AND ${join(origin, ' AND ')}` : raw('')}`;
  const int = (expression: string) => raw(db.dialect.int(expression));
  const [page, sections] = await Promise.all([
    db.all<{ sessions: number }>(
      sql`SELECT ${int('count(*)')} AS sessions FROM sessions s
        JOIN session_pages p ON p.session_pk = s.pk AND p.url = ${query.url}
        WHERE ${where} AND p.engaged_ms > 0`,
    ),
    db.all<SectionRow>(
      sql`SELECT x.name, ${int('min(x.position)')} AS position, ${int('sum(x.engaged_ms)')} AS "engagedMs",
          ${int('count(*)')} AS sessions
        FROM sessions s JOIN session_sections x ON x.session_pk = s.pk AND x.url = ${query.url}
        WHERE ${where} AND x.engaged_ms > 0 GROUP BY x.name`,
    ),
  ]);
  return pageSections(query.url, Number(page[0]?.sessions ?? 0), sections);
}
