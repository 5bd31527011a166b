// Query-string times and ranges of the query API: ISO-8601 date-times or dates (days of the site's
// time zone), with the
// defaults and limits docs/query.md ("Query API") documents.

import { dayStart, parseDayName } from '../sites/index.ts';
import {
  type BreakdownQuery,
  DIMENSIONS,
  type Dimension,
  type OriginFilter,
} from '../store/breakdown-types.ts';
import type { SiteScope } from '../store/query-types.ts';
import { errors } from './errors.ts';

const DAY_MS = 86_400_000;
const MAX_RANGE_DAYS = 3_660;

/** A date (`2026-11-01`) is the first instant of that day in `timeZone` (the site's). */
export function parseTime(name: string, value: string | undefined, timeZone = 'UTC'): number | undefined {
  if (value === undefined) return undefined;
  const day = /^\d{4}-\d{2}-\d{2}$/.test(value) ? parseDayName(value) : null;
  const ms = day !== null ? dayStart(day, timeZone) : Date.parse(value);
  if (Number.isNaN(ms) || !/^\d{4}-\d{2}-\d{2}/.test(value)) {
    throw errors.invalidRange(`querystring/${name} must be an ISO-8601 date or date-time, like 2026-11-01`);
  }
  return ms;
}

/** from/to of the aggregate routes: default the last 30 days up to now; at most ten years. */
export function parseRange(
  query: { from?: string; to?: string },
  now: number,
  timeZone = 'UTC',
): { from: number; to: number } {
  const to = parseTime('to', query.to, timeZone) ?? now;
  const from = parseTime('from', query.from, timeZone) ?? to - 30 * DAY_MS;
  if (from >= to) throw errors.invalidRange('querystring/from must be before to');
  if (to - from > MAX_RANGE_DAYS * DAY_MS)
    throw errors.invalidRange(`a range is at most ${MAX_RANGE_DAYS} days`);
  return { from, to };
}

/** The origin filters a query string gives (API.md "Breakdowns"); undefined when it gives none. */
export function originFilterOf(query: Partial<Record<Dimension, string>>): OriginFilter | undefined {
  const filter: OriginFilter = {};
  for (const dimension of DIMENSIONS) {
    const value = query[dimension];
    if (value !== undefined) filter[dimension] = value;
  }
  return Object.keys(filter).length ? filter : undefined;
}

/** A breakdown's query from its query string (the query API's and a shared link's alike). */
export function breakdownQueryOf(
  site: SiteScope,
  query: Partial<Record<Dimension, string>> & {
    by: Dimension;
    from?: string;
    to?: string;
    limit: number;
    cursor?: string;
  },
  now: number,
): BreakdownQuery {
  return {
    site,
    by: query.by,
    ...parseRange(query, now, site.timeZone),
    limit: query.limit,
    cursor: query.cursor,
    filter: originFilterOf(query),
  };
}
