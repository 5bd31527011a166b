// The WHERE clause shared by the sessions list and the export: every filter of API.md, as bound
// parameters only (never interpolated), so no filter value can change the SQL.

import type { SessionFilter } from '../../query-types.ts';

/** Positional parameters ($1, $2, …) collected while a statement is built. */
export class SqlParams {
  readonly values: unknown[] = [];
  /** Binds `value` and returns its placeholder. */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

export function sessionWhere(filter: SessionFilter, params: SqlParams): string {
  const clauses: string[] = [];
  if (filter.email !== undefined) clauses.push(`s.email = ${params.add(filter.email)}`);
  if (filter.visitorId !== undefined) clauses.push(`s.visitor_id = ${params.add(filter.visitorId)}`);
  if (filter.url !== undefined) {
    clauses.push(
      `EXISTS (SELECT 1 FROM session_pages p WHERE p.session_pk = s.pk AND p.url = ${params.add(filter.url)})`,
    );
  }
  if (filter.from !== undefined) clauses.push(`s.started_at >= ${params.add(filter.from)}::bigint`);
  if (filter.to !== undefined) clauses.push(`s.started_at < ${params.add(filter.to)}::bigint`);
  if (filter.status !== undefined) {
    if (filter.status === 'ended') clauses.push('s.ended_at IS NOT NULL');
    else {
      const cutoff = params.add((filter.now ?? Date.now()) - (filter.timeoutMs ?? 1_800_000));
      const op = filter.status === 'active' ? '>=' : '<';
      clauses.push(`s.ended_at IS NULL AND s.last_activity_at ${op} ${cutoff}::bigint`);
    }
  }
  return clauses.length ? clauses.join(' AND ') : 'TRUE';
}
