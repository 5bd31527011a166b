// The read side of the store, in domain words: what the query API, the dashboard, the CLI and the
// benchmark ask of an engine, plus the two maintenance writes that belong with it (purge, import).
// Engine-neutral: one Store (store.ts) answers them the same on every engine.

import type { Span } from '../accounting/spans.ts';
import { localDay } from '../sites/index.ts';
import type { Breakdown, BreakdownQuery, OriginFilter } from './breakdown-types.ts';
import type { PageTotal, SessionRecord } from './records.ts';
import type { SessionOrigin } from './types.ts';

/**
 * The site a read is about: its key, and the time zone its days are counted in (the day a session
 * counts on was fixed in that zone when it started; a range of instants becomes a range of days).
 */
export interface SiteScope {
  pk: number;
  timeZone: string;
}

/**
 * The site a session is stored with when the writer names none: the first site a database gets
 * (pk 1 on both engines). The server always names one; store-level tests and imports may not.
 */
export const FIRST_SITE: SiteScope = { pk: 1, timeZone: 'UTC' };

/** Filters of the sessions list and the export; every field is optional. Times in epoch ms. */
export interface SessionFilter {
  /** One site's sessions (its pk); every site's when left out (the CLI's whole-database export). */
  site?: number | undefined;
  /** Sessions of these origins (source, campaign, device, country…). */
  origin?: OriginFilter | undefined;
  email?: string | undefined;
  visitorId?: string | undefined;
  /** Sessions that credited time to this page (exact URL). */
  url?: string | undefined;
  /** Started at or after `from`. */
  from?: number | undefined;
  /** Started before `to`. */
  to?: number | undefined;
  status?: 'active' | 'ended' | 'expired' | undefined;
  /** Needed to tell active from expired sessions: "now" and the session timeout. */
  now?: number | undefined;
  timeoutMs?: number | undefined;
}

export interface SessionPage {
  items: SessionRecord[];
  /** Opaque: pass it back as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

export interface VisitorTotal {
  /** The session email when there is one, else the visitor key. */
  email: string | null;
  visitorId: string | null;
  sessions: number;
  /** Engaged time with overlapping sessions (two tabs at once) counted once. */
  engagedMs: number;
  firstSeen: number;
  lastSeen: number;
}

/** Visitors of one site on the days of its calendar that [from, to) touches, most recently seen first. */
export interface VisitorQuery {
  site: SiteScope;
  from: number;
  to: number;
  limit: number;
  cursor?: string | undefined;
  /** People counted by their sessions that match (sessions, engaged time, first and last seen). */
  filter?: OriginFilter | undefined;
}

export interface VisitorList {
  /** How many visitors the range holds in all. */
  total: number;
  items: VisitorTotal[];
  nextCursor: string | null;
}

/**
 * Stats of the days that [from, to) touches, in the site's calendar. Without a site: every site,
 * each session on the day of its own site's calendar, the range read as UTC days.
 */
export interface StatsQuery {
  site?: SiteScope | undefined;
  /** Sessions of these origins only (read from the sessions, not the rollups). */
  origin?: OriginFilter | undefined;
  from: number;
  to: number;
  url?: string | undefined;
  email?: string | undefined;
}

export interface HistogramBucket {
  /** Upper bound in ms (inclusive); null for the last, open-ended bucket. */
  le: number | null;
  count: number;
}

export interface Stats {
  sessions: number;
  visitors: number;
  engagedMs: { total: number; median: number; p90: number };
  histogram: HistogramBucket[];
  byDay: { day: string; sessions: number; engagedMs: number }[];
  byPage: { url: string; sessions: number; engagedMs: number }[];
}

/** The attention map of one page: sessions that started on the days [from, to) touches (as stats). */
export interface PageSectionsQuery {
  site?: SiteScope | undefined;
  origin?: OriginFilter | undefined;
  url: string;
  from: number;
  to: number;
  /** One person's sessions only. */
  email?: string | undefined;
}

export interface SectionTotal {
  name: string;
  /** Its index in page order (the smallest seen, should the page have changed). */
  position: number;
  engagedMs: number;
  /** Sessions that spent any engaged time in it. */
  sessions: number;
  /** sessions / the page's sessions, 0–1. */
  reach: number;
}

export interface PageSections {
  url: string;
  /** Sessions that spent engaged time on the page. */
  sessions: number;
  /** In page order. */
  sections: SectionTotal[];
}

/** A session with engaged time in its last moments: the live view. */
export interface LiveSession {
  id: string;
  email: string | null;
  visitorId: string | null;
  url: string | null;
  engagedMs: number;
  lastActivityAt: number;
}

/** A whole session with its pages and closed spans, as the demo seeder and imports write it. */
export interface ImportedSession extends Omit<SessionRecord, 'lastSeq' | 'currentUrl' | 'pages'> {
  /** Its site (the first site, on UTC days, when left out: as NewSession). */
  site?: SiteScope | undefined;
  origin?: SessionOrigin | undefined;
  pages: PageTotal[];
  spans: Span[];
}

/** The origin columns of an imported session, in the order ORIGIN_COLUMNS names them. */
export const ORIGIN_COLUMNS = [
  'source',
  'source_category',
  'referrer_host',
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_content',
  'utm_term',
  'entry_path',
  'device',
  'browser',
  'os',
  'country',
  'region',
] as const;

export function originValues(origin: SessionOrigin | undefined): (string | null)[] {
  if (!origin) return ORIGIN_COLUMNS.map(() => null);
  const u = origin.utm;
  return [
    origin.source,
    origin.sourceCategory,
    origin.referrerHost,
    u.source,
    u.medium,
    u.campaign,
    u.content,
    u.term,
    origin.entryPath,
    origin.device,
    origin.browser,
    origin.os,
    origin.country,
    origin.region,
  ];
}

/** The site and day an imported session is stored with. */
export function importedSiteDay(session: ImportedSession): { site: number; day: number } {
  const site = session.site ?? FIRST_SITE;
  return { site: site.pk, day: localDay(session.startedAt, site.timeZone) };
}

/** A pagination cursor that this store did not hand out (or that was altered). */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
}

export interface QueryStore {
  /** Throws InvalidCursorError for a cursor this store did not hand out. */
  listSessions(filter: SessionFilter, limit: number, cursor?: string): Promise<SessionPage>;
  listVisitors(query: VisitorQuery): Promise<VisitorList>;
  getStats(query: StatsQuery): Promise<Stats>;
  /** Engaged time and reach per section of one page (issue #17, the attention map). */
  getPageSections(query: PageSectionsQuery): Promise<PageSections>;
  /** Sessions not ended with activity at or after `since`, most recent first (one site's, or all). */
  listLiveSessions(since: number, limit: number, site?: number): Promise<LiveSession[]>;
  /**
   * Every session of the filter, oldest first, in batches of a few thousand (constant memory).
   * `pages: false` leaves each session's pages empty (the CSV export has no column for them).
   */
  exportSessions(filter: SessionFilter, options?: { pages?: boolean }): AsyncIterable<SessionRecord[]>;
  /**
   * Optional fast path: the same sessions as CSV rows (CSV_COLUMNS of src/query/present.ts, no
   * header), in chunks of a few thousand rows, formatted by the engine — one string per row instead
   * of one per column is what makes a large export fast. Without it, the export formats
   * exportSessions' records itself (same bytes, slower).
   */
  exportSessionsCsv?(
    filter: SessionFilter,
    context: { now: number; timeoutMs: number },
  ): AsyncIterable<string>;
  /** Engaged time by one dimension of the sessions' origin, most engaged first (issue #24). */
  getBreakdown(query: BreakdownQuery): Promise<Breakdown>;
  /**
   * Builds the breakdown segments of days that lack a current one (the server does it in the
   * background; tools call it after a bulk load). `includeToday` builds today's too.
   */
  buildBreakdowns(options?: {
    limit?: number;
    budgetMs?: number;
    includeToday?: boolean;
    /** Sessions read per query; the engine's own paging unless set (tests vary it). */
    pageRows?: number;
  }): Promise<number>;
  /** Deletes sessions whose last activity is before `before`, with their pages and spans. */
  purgeSessions(before: number): Promise<number>;
  /** Writes complete sessions in one transaction (the demo seeder, benchmarks, imports). */
  importSessions(sessions: Iterable<ImportedSession>, onProgress?: (done: number) => void): Promise<number>;
}
