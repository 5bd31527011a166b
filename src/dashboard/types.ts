// The shapes the dashboard reads from the API (API.md "Query", "Sites", "Shared links"), and the
// context every view is drawn with.

export interface Page {
  url: string;
  engagedMs: number;
  visibleMs: number | null;
  maxScroll: number | null;
  /** Engaged time per data-dwell-section, in page order. */
  sections?: { name: string; engagedMs: number }[];
}

export interface Session {
  id: string;
  status: string;
  startedAt: string;
  lastActivityAt: string;
  endedAt: string | null;
  engagedMs: number;
  /** Null for sessions stored before Dwell measured it. */
  visibleMs: number | null;
  /** The wall clock, whole seconds. */
  duration: number;
  beats: number;
  email: string | null;
  visitorId: string | null;
  entryUrl: string | null;
  referrer: string | null;
  pages: Page[];
}

/** Where a session came from, on what, from where (API.md "Query", docs/sources.md). */
export interface Origin {
  source: string | null;
  sourceCategory: string;
  referrerHost: string | null;
  utm: {
    source: string | null;
    medium: string | null;
    campaign: string | null;
    content: string | null;
    term: string | null;
  };
  entryPath: string | null;
  device: string | null;
  browser: string | null;
  os: string | null;
  country: string | null;
  region: string | null;
}

/** One row of a breakdown: `value` null is the sessions without one (direct, no campaign…). */
export interface BreakdownRow {
  value: string | null;
  sessions: number;
  visitors: number;
  engagedMs: { total: number; median: number };
  engagedSessions: number;
}

export interface Breakdown {
  items: BreakdownRow[];
  nextCursor: string | null;
}

export interface Stats {
  sessions: number;
  visitors: number;
  engagedMs: { total: number; median: number; p90: number };
  histogram: { le: number | null; count: number }[];
  byDay: { day: string; sessions: number; engagedMs: number }[];
  byPage: { url: string; sessions: number; engagedMs: number }[];
}

export interface Visitor {
  email: string | null;
  visitorId: string | null;
  sessions: number;
  engagedMs: number;
  firstSeen: string;
  lastSeen: string;
}

export interface Live {
  count: number;
  sessions: {
    id: string;
    email: string | null;
    visitorId: string | null;
    url: string | null;
    engagedMs: number;
    lastActivityAt: string;
  }[];
}

/** What every reader may know of a site: a site token and a shared link see no more. */
export interface SiteSummary {
  id: string;
  name: string;
  timeZone: string;
  hosts: string[];
}

/** A site as the admin sees it, with its settings. */
export interface Site extends SiteSummary {
  origins: string[];
  customOrigins: boolean;
  gate: { allow?: string[]; verify?: 'off' | 'link' };
  createdAt: string;
  updatedAt: string;
}

export interface SiteToken {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}

export interface ShareLink extends SiteToken {
  hasPassword: boolean;
}

export interface DeclinedHost {
  host: string;
  requests: number;
  firstAt: string;
  lastAt: string;
}

export type Params = Record<string, string | number | undefined>;

/** The origin dimensions of breakdowns and filters (API.md "Origin filters"). */
export type Dimension =
  | 'source'
  | 'referrer'
  | 'utm_source'
  | 'utm_medium'
  | 'utm_campaign'
  | 'utm_content'
  | 'utm_term'
  | 'entry'
  | 'device'
  | 'browser'
  | 'os'
  | 'country';

/** The overview's filters, one value per dimension; `(none)` is the sessions without one. */
export type Filters = Partial<Record<Dimension, string>>;

export interface Context {
  /** The period, ISO instants. */
  from: string;
  to: string;
  /**
   * Reads an analytics route (stats, sections, sessions…) of the site on screen: the query API
   * with site=, or in the shared view the link's own API, which answers stats and sections only.
   */
  read: <T>(route: string, params?: Params) => Promise<T>;
  site: SiteSummary | null;
  /** The shared view (a /share/ link): aggregates only, never a person. */
  shared: boolean;
  go: (hash: string) => void;
  /** The origin filters in the URL (`?site=…&source=Hacker News`), applied by `read` already. */
  filters: Filters;
  /** Replaces the filters: a new URL (bookmarkable, with a history entry) and the view drawn again. */
  setFilters: (next: Filters) => void;
}
