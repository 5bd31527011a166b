// Every instance's copy of the sites (issue #23): deciding a session's site and checking a beat's
// origin cost no database read. The sites are few; the copy reloads when the store's site version
// moves (checked every few seconds), so a change made on another instance arrives within
// RELOAD_MS, and at once on the instance that made it.

import type { FastifyBaseLogger } from 'fastify';
import { registrableDomain, SiteResolver, siteIdFor } from '../sites/index.ts';
import type { SiteRecord } from '../store/site-types.ts';
import { SiteConflictError } from '../store/site-types.ts';
import type { Store } from '../store/types.ts';

export const RELOAD_MS = 3_000;

/** What a session start says about its page. */
export interface PageClues {
  /** An explicit site id (`data-site`, the components' `site`, the body's `site`). */
  site?: string | undefined;
  url?: string | undefined;
  origin?: string | undefined;
  referer?: string | undefined;
}

export type SiteDecision = { site: SiteRecord } | { site: null; host: string | null; reason: 'unknown-site' };

export class SiteDirectory {
  private sites: SiteRecord[] = [];
  private byId = new Map<string, SiteRecord>();
  private byPk = new Map<number, SiteRecord>();
  private resolver = new SiteResolver<SiteRecord>([]);
  /** Hosts of the sites that keep the default origins (any path of theirs). */
  private defaultOriginHosts = new Set<string>();
  private version = -1;
  private timer: NodeJS.Timeout | null = null;
  private reloading: Promise<void> | null = null;

  constructor(
    private readonly store: Store,
    private readonly options: { auto: boolean; log?: FastifyBaseLogger },
  ) {}

  /** Loads the sites and keeps them fresh until stop(). */
  async start(): Promise<void> {
    await this.reload();
    this.timer = setInterval(() => {
      this.checkVersion().catch((error) =>
        this.options.log?.warn({ err: error }, 'could not reload the sites'),
      );
    }, RELOAD_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Reloads now (after a change made here). */
  reload(): Promise<void> {
    this.reloading ??= (async () => {
      try {
        const version = await this.store.siteVersion();
        this.apply(await this.store.listSites(), version);
      } finally {
        this.reloading = null;
      }
    })();
    return this.reloading;
  }

  private async checkVersion(): Promise<void> {
    if ((await this.store.siteVersion()) !== this.version) await this.reload();
  }

  private apply(sites: SiteRecord[], version: number): void {
    this.sites = sites;
    this.byId = new Map(sites.map((s) => [s.id, s]));
    this.byPk = new Map(sites.map((s) => [s.pk, s]));
    this.resolver = new SiteResolver(sites);
    this.defaultOriginHosts = new Set(
      sites.filter((s) => s.origins === null).flatMap((s) => s.hosts.map((h) => h.host)),
    );
    this.version = version;
  }

  list(): readonly SiteRecord[] {
    return this.sites;
  }
  get(id: string): SiteRecord | undefined {
    return this.byId.get(id);
  }
  getByPk(pk: number): SiteRecord | undefined {
    return this.byPk.get(pk);
  }

  /**
   * The site of a new session: the explicit one, else the one claiming the page's URL, else its
   * Origin or Referer; with a single site, a page that names no host at all is that site's.
   * DWELL_SITES=auto creates the site of an unknown host instead of declining it.
   */
  async decide(clues: PageClues): Promise<SiteDecision> {
    if (clues.site !== undefined) {
      const site = this.byId.get(clues.site);
      return site ? { site } : { site: null, host: null, reason: 'unknown-site' };
    }
    let host: string | null = null;
    for (const candidate of [clues.url, clues.origin, clues.referer]) {
      const url = candidate && URL.canParse(candidate) ? new URL(candidate) : null;
      if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) continue;
      const site = this.resolver.resolveHost(url.hostname, url.pathname);
      if (site) return { site };
      host ??= url.hostname;
      // The page's own URL decides; a Referer is another site's page when the URL says nothing.
      if (candidate === clues.url || candidate === clues.origin) break;
    }
    if (host === null && this.sites.length === 1) return { site: this.sites[0]! };
    if (host !== null && this.options.auto) return { site: await this.adopt(host) };
    return { site: null, host, reason: 'unknown-site' };
  }

  /** DWELL_SITES=auto: the host joins the site of its registrable domain, made if need be. */
  private async adopt(host: string): Promise<SiteRecord> {
    const domain = registrableDomain(host);
    const id = siteIdFor({ host: domain, path: '' });
    const now = await this.store.now();
    try {
      const existing = this.byId.get(id);
      if (existing) await this.store.updateSite(id, { hosts: [...existing.hosts, { host, path: '' }] }, now);
      else {
        await this.store.createSite(
          { id, name: domain, hosts: [{ host, path: '' }], timeZone: 'UTC', origins: null },
          now,
        );
      }
    } catch (error) {
      // Another instance (or request) adopted it first: theirs is as good.
      if (!(error instanceof SiteConflictError)) throw error;
    }
    await this.reload();
    return this.resolver.resolveHost(host) ?? this.byId.get(id)!;
  }

  /**
   * May a page on `origin` send beats here? Yes when a site lists it among its origins, or, for a
   * site that keeps the defaults, when it is one of that site's hosts over https (over http too for
   * localhost), on any port.
   */
  originAllowed(origin: string): boolean {
    if (!URL.canParse(origin)) return false;
    const url = new URL(origin);
    for (const site of this.sites) if (site.origins?.includes(url.origin)) return true;
    if (!this.defaultOriginHosts.has(url.hostname)) return this.options.auto;
    return url.protocol === 'https:' || LOOPBACK.has(url.hostname);
  }
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
