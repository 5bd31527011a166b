// The WHERE clause shared by the sessions list and the export: every filter of API.md, as bound
// parameters only (never interpolated), so no filter value can change the SQL.

import type { SessionFilter } from '../../query-types.ts';

export interface SqlWhere {
  sql: string;
  params: Record<string, string | number>;
}

export function sessionWhere(filter: SessionFilter): SqlWhere {
  const clauses: string[] = [];
  const params: Record<string, string | number> = {};
  if (filter.email !== undefined) {
    clauses.push('s.email = @email');
    params.email = filter.email;
  }
  if (filter.visitorId !== undefined) {
    clauses.push('s.visitor_id = @visitorId');
    params.visitorId = filter.visitorId;
  }
  if (filter.url !== undefined) {
    clauses.push('EXISTS (SELECT 1 FROM session_pages p WHERE p.session_pk = s.pk AND p.url = @url)');
    params.url = filter.url;
  }
  if (filter.from !== undefined) {
    clauses.push('s.started_at >= @from');
    params.from = filter.from;
  }
  if (filter.to !== undefined) {
    clauses.push('s.started_at < @to');
    params.to = filter.to;
  }
  if (filter.status !== undefined) {
    const cutoff = (filter.now ?? Date.now()) - (filter.timeoutMs ?? 1_800_000);
    params.cutoff = cutoff;
    if (filter.status === 'ended') clauses.push('s.ended_at IS NOT NULL');
    else if (filter.status === 'active') clauses.push('s.ended_at IS NULL AND s.last_activity_at >= @cutoff');
    else clauses.push('s.ended_at IS NULL AND s.last_activity_at < @cutoff');
  }
  return { sql: clauses.length ? clauses.join(' AND ') : '1', params };
}
