// Parsing of the two kinds of host the source rules compare: a referrer URL, and the site's hosts
// (each optionally with a path prefix, as a site of a link-in-bio platform has: `bio.re/alice`).

import { INPUT_LIMITS } from './origin-types.ts';

export interface ParsedReferrer {
  /** Lower case, without a trailing dot. */
  host: string;
  path: string;
}

export interface SiteHost {
  host: string;
  /** '' or a path starting with '/', without a trailing slash. */
  pathPrefix: string;
}

// android-app:// is what Android apps (Gmail, the Google app, Reddit) send; the list knows them.
const REFERRER_PROTOCOLS = new Set(['http:', 'https:', 'android-app:']);

/** The referrer's host and path, or null for anything that is not a web or app URL with a host. */
export function parseReferrer(referrer: string | null | undefined): ParsedReferrer | null {
  if (typeof referrer !== 'string' || referrer === '') return null;
  const text = referrer.slice(0, INPUT_LIMITS.url);
  const url = URL.canParse(text) ? new URL(text) : null;
  if (!url || !REFERRER_PROTOCOLS.has(url.protocol)) return null;
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  return host === '' ? null : { host, path: url.pathname };
}

/** The site's hosts in comparable form; entries that are not a host are left out. */
export function readSiteHosts(siteHosts: readonly string[]): SiteHost[] {
  const hosts: SiteHost[] = [];
  for (const entry of siteHosts) {
    if (typeof entry !== 'string') continue;
    const slash = entry.indexOf('/');
    const host = (slash < 0 ? entry : entry.slice(0, slash))
      .toLowerCase()
      .replace(/:\d+$/, '')
      .replace(/\.$/, '');
    const pathPrefix = slash < 0 ? '' : entry.slice(slash).replace(/\/+$/, '');
    if (host !== '') hosts.push({ host, pathPrefix });
  }
  return hosts;
}
