// Query-string times and ranges of the query API: ISO-8601 date-times or dates (UTC), with the
// defaults and limits docs/query.md ("Query API") documents.

import { errors } from './errors.ts';

const DAY_MS = 86_400_000;
const MAX_RANGE_DAYS = 3_660;

export function parseTime(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : Date.parse(value);
  if (Number.isNaN(ms) || !/^\d{4}-\d{2}-\d{2}/.test(value)) {
    throw errors.invalidRange(`querystring/${name} must be an ISO-8601 date or date-time, like 2026-11-01`);
  }
  return ms;
}

/** from/to of the aggregate routes: default the last 30 days up to now; at most ten years. */
export function parseRange(query: { from?: string; to?: string }, now: number): { from: number; to: number } {
  const to = parseTime('to', query.to) ?? now;
  const from = parseTime('from', query.from) ?? to - 30 * DAY_MS;
  if (from >= to) throw errors.invalidRange('querystring/from must be before to');
  if (to - from > MAX_RANGE_DAYS * DAY_MS)
    throw errors.invalidRange(`a range is at most ${MAX_RANGE_DAYS} days`);
  return { from, to };
}
