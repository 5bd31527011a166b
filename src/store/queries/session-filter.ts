// The WHERE clause shared by the sessions list and the exports of both engines: every filter of
// API.md, as bound values only (sql.ts), so no filter value can change the SQL.

import type { SessionFilter } from '../query-types.ts';
import { type Dialect, join, raw, type Sql, sql } from '../sql.ts';
import { originClauses } from './origin-filter.ts';

export function sessionWhere(filter: SessionFilter, dialect: Dialect): Sql {
  const clauses: Sql[] = [];
  if (filter.site !== undefined) clauses.push(sql`s.site = ${filter.site}`);
  clauses.push(...originClauses(filter.origin));
  if (filter.email !== undefined) clauses.push(sql`s.email = ${filter.email}`);
  if (filter.visitorId !== undefined) clauses.push(sql`s.visitor_id = ${filter.visitorId}`);
  if (filter.url !== undefined) {
    clauses.push(
      sql`EXISTS (SELECT 1 FROM session_pages p WHERE p.session_pk = s.pk AND p.url = ${filter.url})`,
    );
  }
  if (filter.from !== undefined) clauses.push(sql`s.started_at >= ${filter.from}`);
  if (filter.to !== undefined) clauses.push(sql`s.started_at < ${filter.to}`);
  if (filter.status !== undefined) {
    if (filter.status === 'ended') clauses.push(sql`s.ended_at IS NOT NULL`);
    else {
      const cutoff = (filter.now ?? Date.now()) - (filter.timeoutMs ?? 1_800_000);
      clauses.push(
        filter.status === 'active'
          ? sql`s.ended_at IS NULL AND s.last_activity_at >= ${cutoff}`
          : sql`s.ended_at IS NULL AND s.last_activity_at < ${cutoff}`,
      );
    }
  }
  return clauses.length ? join(clauses, ' AND ') : raw(dialect.always);
}
