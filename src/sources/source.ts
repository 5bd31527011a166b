// Decides a session's source and its category from the link tags and the referrer (issue #24).
//
// Precedence, as in Plausible: a source the link names (utm_source, source, ref) wins over the
// referrer; a named source the list knows is spelled as the list spells it ("google" → "Google").
// The category then comes from, in order: a paid utm_medium; the listed category of the source;
// another telling utm_medium (email, social); the referrer's own category; "campaign" for a tagged
// link nothing else explains; "direct" when there is neither a tag nor an external referrer.

import { categoryOfMedium, type LinkTags } from './campaign.ts';
import { cutText } from './clean-text.ts';
import { ORIGIN_LIMITS, type SourceCategory } from './origin-types.ts';
import { findSourceByHost, findSourceByName, type KnownSource, type ReferrerList } from './referrer-list.ts';
import { parseReferrer, readSiteHosts, type SiteHost } from './referrer-url.ts';

export interface ResolvedSource {
  source: string | null;
  sourceCategory: SourceCategory;
  referrerHost: string | null;
}

export interface SourceInput {
  entryUrl: URL | null;
  referrer: string | null | undefined;
  siteHosts: readonly string[];
  tags: LinkTags;
}

export function resolveSource(list: ReferrerList, input: SourceInput): ResolvedSource {
  const referrer = parseReferrer(input.referrer);
  const external = referrer && !isInternal(referrer, input.entryUrl, readSiteHosts(input.siteHosts));
  const referrerHost = external ? cutText(withoutWww(referrer.host), ORIGIN_LIMITS.referrerHost) : null;
  const fromReferrer = external ? findSourceByHost(list, referrer.host, referrer.path) : null;

  const tagged = input.tags.taggedSource;
  const fromTag = tagged === null ? null : findSourceByName(list, tagged);
  const known: KnownSource | null = tagged === null ? fromReferrer : fromTag;
  const source = known?.name ?? tagged ?? referrerHost;

  const medium = categoryOfMedium(input.tags.utm.medium);
  const category: SourceCategory =
    (medium === 'paid' ? medium : null) ??
    known?.category ??
    medium ??
    fromReferrer?.category ??
    (referrerHost !== null ? 'other-site' : null) ??
    (tagged !== null ? 'campaign' : 'direct');
  return {
    source: source === null ? null : cutText(source, ORIGIN_LIMITS.source),
    sourceCategory: category,
    referrerHost,
  };
}

function isInternal(
  referrer: { host: string; path: string },
  entryUrl: URL | null,
  siteHosts: readonly SiteHost[],
): boolean {
  // Without the site's hosts, the entry page's own host is the one internal host (Plausible's rule).
  if (siteHosts.length === 0)
    return entryUrl !== null && sameHost(referrer.host, entryUrl.hostname.toLowerCase());
  return siteHosts.some(
    (site) =>
      sameHost(referrer.host, site.host) &&
      (site.pathPrefix === '' ||
        referrer.path === site.pathPrefix ||
        referrer.path.startsWith(`${site.pathPrefix}/`)),
  );
}

function sameHost(a: string, b: string): boolean {
  return withoutWww(a) === withoutWww(b);
}

function withoutWww(host: string): string {
  return host.startsWith('www.') ? host.slice(4) : host;
}
