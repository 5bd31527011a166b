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
}
