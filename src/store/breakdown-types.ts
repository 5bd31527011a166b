// Breakdowns of engaged time by where sessions came from (issue #24), in domain words: the
// dimensions a session's origin has, the filter they make, and the answer of one breakdown.

import type { SiteScope } from './query-types.ts';

/** What `by=` (and every origin filter) may name, with the sessions column that holds it. */
export const DIMENSION_COLUMNS = {
  source: 'source',
  referrer: 'referrer_host',
  utm_source: 'utm_source',
  utm_medium: 'utm_medium',
  utm_campaign: 'utm_campaign',
  utm_content: 'utm_content',
  utm_term: 'utm_term',
  entry: 'entry_path',
  device: 'device',
  browser: 'browser',
  os: 'os',
  country: 'country',
} as const;

export type Dimension = keyof typeof DIMENSION_COLUMNS;
export const DIMENSIONS = Object.keys(DIMENSION_COLUMNS) as Dimension[];

/** The value filters and breakdowns give a session that has none (direct, no campaign, unknown). */
export const NONE = '(none)';

/** Sessions whose origin has each of these values (AND); NONE matches an empty one. */
export type OriginFilter = Partial<Record<Dimension, string>>;

/** An engaged session has at least this much engaged time (API.md "Breakdowns"). */
export const ENGAGED_SESSION_MS = 10_000;

export interface BreakdownQuery {
  site: SiteScope;
  by: Dimension;
  from: number;
  to: number;
  limit: number;
  cursor?: string | undefined;
  filter?: OriginFilter | undefined;
}

export interface BreakdownRow {
  /** null: sessions without one (direct, no campaign, unknown device or country). */
  value: string | null;
  sessions: number;
  visitors: number;
  engagedMs: { total: number; median: number };
  /** Sessions with at least ENGAGED_SESSION_MS engaged. */
  engagedSessions: number;
}

export interface Breakdown {
  items: BreakdownRow[];
  nextCursor: string | null;
}
