// Which site a page belongs to (issue #23), from its URL or an Origin header's host: the site
// listing that exact host with the longest path prefix of the page's path.

import { formatHostPattern, type HostPattern } from './site-input.ts';

interface Claim<T> {
  /** '' for the whole host, else the path and the same with a slash, for segment-wise matching. */
  path: string;
  pathSlash: string;
  site: T;
}

/**
 * Built once from the list of sites, then asked per session start: a Map lookup by host and a
 * check of that host's few paths, longest first. Hosts match exactly (`www.example.com` is not
 * `example.com`: a site lists each of its hosts) and on every port. Where two sites claim the same
 * host and path, the first listed wins; findHostConflicts finds such pairs before they get here.
 */
export class SiteResolver<T extends { hosts: readonly HostPattern[] }> {
  readonly #byHost = new Map<string, Claim<T>[]>();

  constructor(sites: Iterable<T>) {
    for (const site of sites) {
      for (const { host, path } of site.hosts) {
        let claims = this.#byHost.get(host);
        if (claims === undefined) {
          claims = [];
          this.#byHost.set(host, claims);
        }
        if (!claims.some((c) => c.path === path)) claims.push({ path, pathSlash: `${path}/`, site });
      }
    }
    for (const claims of this.#byHost.values()) claims.sort((a, b) => b.path.length - a.path.length);
  }

  /** The site of a page URL; null for a URL that does not parse, is not http(s) or is nobody's. */
  resolve(pageUrl: string): T | null {
    if (!URL.canParse(pageUrl)) return null;
    const url = new URL(pageUrl);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
    return this.resolveHost(url.hostname, url.pathname);
  }

  /** The same from a hostname as `URL#hostname` gives it (an Origin header has no path: '/'). */
  resolveHost(hostname: string, path = '/'): T | null {
    // `example.com.` is the same host to DNS and to a browser; the patterns drop the dot too.
    let host = hostname.toLowerCase();
    if (host.endsWith('.')) host = host.slice(0, -1);
    if (host.includes(':') && !host.startsWith('[')) host = `[${host}]`;
    const claims = this.#byHost.get(host);
    if (claims === undefined) return null;
    for (const claim of claims) {
      if (claim.path === '' || path === claim.path || path.startsWith(claim.pathSlash)) return claim.site;
    }
    return null;
  }
}

/** Host patterns (`bio.re/alice`) that more than one site claims, with those sites' ids. */
export function findHostConflicts(
  sites: readonly { id: string; hosts: readonly HostPattern[] }[],
): { pattern: string; ids: string[] }[] {
  const claimants = new Map<string, string[]>();
  for (const { id, hosts } of sites) {
    for (const host of hosts) {
      const pattern = formatHostPattern(host);
      const ids = claimants.get(pattern) ?? [];
      if (!ids.includes(id)) ids.push(id);
      claimants.set(pattern, ids);
    }
  }
  return [...claimants]
    .filter(([, ids]) => ids.length > 1)
    .map(([pattern, ids]) => ({ pattern, ids }))
    .sort((a, b) => (a.pattern < b.pattern ? -1 : a.pattern > b.pattern ? 1 : 0));
}
