// Sites in domain words (issue #23): what the sites API, the CLI, the ingest's site directory and
// the access checks ask of the store. One Store (store.ts) answers them on every engine.

import type { HostPattern } from '../sites/index.ts';

/** The settings of a site's email gate; a field left out falls back to the server's (DWELL_GATE_*). */
export interface SiteGateSettings {
  /** Emails or `@domain` entries allowed in; empty: anyone who verifies. */
  allow?: string[] | undefined;
  /** `link`: an email must be verified by a link before access. */
  verify?: 'off' | 'link' | undefined;
}

export interface SiteSettings {
  gate?: SiteGateSettings | undefined;
}

export interface SiteRecord {
  pk: number;
  /** Short, stable id (its main host, e.g. `example.com`), used in URLs and `site=`. */
  id: string;
  name: string;
  /** In the order given; the first is its main host. */
  hosts: HostPattern[];
  /** IANA name; days are counted in it. */
  timeZone: string;
  /** Origins allowed to send its beats; null: the defaults of its hosts. */
  origins: string[] | null;
  settings: SiteSettings;
  createdAt: number;
  updatedAt: number;
}

export interface NewSite {
  id: string;
  name: string;
  hosts: HostPattern[];
  timeZone: string;
  origins: string[] | null;
  settings?: SiteSettings | undefined;
}

export type SitePatch = Partial<Omit<NewSite, 'id'>>;

/** A site id or a host another site already has; `field` names the input at fault. */
export class SiteConflictError extends Error {
  override readonly name = 'SiteConflictError';
  constructor(
    readonly field: 'id' | 'hosts',
    message: string,
  ) {
    super(message);
  }
}

/** A read-only token of one site, as listed (the token itself is shown once, at creation). */
export interface SiteTokenRecord {
  id: string;
  site: number;
  name: string;
  createdAt: number;
  lastUsedAt: number | null;
}

/** A read-only shared view of one site, as listed (its secret URL is shown once, at creation). */
export interface ShareLinkRecord {
  id: string;
  site: number;
  name: string;
  hasPassword: boolean;
  createdAt: number;
  lastUsedAt: number | null;
}

export interface DeclinedHost {
  host: string;
  requests: number;
  firstAt: number;
  lastAt: number;
}

export interface SiteStore {
  /** Every site, in creation order. */
  listSites(): Promise<SiteRecord[]>;
  /** Bumped by every change to a site: a cache reloads when it moved. */
  siteVersion(): Promise<number>;
  /** Throws SiteConflictError for an id or a host already taken. */
  createSite(site: NewSite, now: number): Promise<SiteRecord>;
  /**
   * Null for an unknown site. A new time zone moves each of its sessions to the day of the new
   * calendar it started on, with its rollups (by the rollup triggers, folded like any delta).
   */
  updateSite(id: string, patch: SitePatch, now: number): Promise<SiteRecord | null>;
  /** Deletes the site with its sessions, tokens and links; null for an unknown site. */
  deleteSite(id: string): Promise<{ sessions: number } | null>;
  countSiteSessions(site: number): Promise<number>;

  createSiteToken(
    token: { id: string; site: number; name: string; tokenHash: Buffer },
    now: number,
  ): Promise<SiteTokenRecord>;
  listSiteTokens(site: number): Promise<SiteTokenRecord[]>;
  revokeSiteToken(site: number, id: string): Promise<boolean>;
  /** The token's site, noting its use; null for a token that does not exist (or was revoked). */
  useSiteToken(tokenHash: Buffer, now: number): Promise<{ id: string; site: number } | null>;

  createShareLink(
    link: { id: string; site: number; name: string; secretHash: Buffer; passwordHash: string | null },
    now: number,
  ): Promise<ShareLinkRecord>;
  listShareLinks(site: number): Promise<ShareLinkRecord[]>;
  revokeShareLink(site: number, id: string): Promise<boolean>;
  /** The link with its password hash, noting its use; null for one that does not exist (or was revoked). */
  useShareLink(
    secretHash: Buffer,
    now: number,
  ): Promise<(ShareLinkRecord & { passwordHash: string | null }) | null>;

  /** Notes a request from a host no site claims (the dashboard offers to add it). */
  recordDeclinedHost(host: string, count: number, now: number): Promise<void>;
  listDeclinedHosts(since: number, limit: number): Promise<DeclinedHost[]>;
  /** Deletes the hosts last declined before `before` (the list shows recent ones only); how many. */
  forgetDeclinedHosts(before: number): Promise<number>;
}
