// Sites, tokens and links as the API shows them (API.md "Sites").

import { defaultOrigins, formatHostPattern } from '../../sites/index.ts';
import type { ShareLinkRecord, SiteRecord, SiteTokenRecord } from '../../store/site-types.ts';

const iso = (ms: number) => new Date(ms).toISOString();

export function presentSite(site: SiteRecord) {
  return {
    id: site.id,
    name: site.name,
    hosts: site.hosts.map(formatHostPattern),
    timeZone: site.timeZone,
    origins: site.origins ?? defaultOrigins(site.hosts),
    customOrigins: site.origins !== null,
    gate: site.settings.gate ?? {},
    createdAt: iso(site.createdAt),
    updatedAt: iso(site.updatedAt),
  };
}

/** What a site token or a shared link may know of its site. */
export function presentSiteSummary(site: SiteRecord) {
  return { id: site.id, name: site.name, timeZone: site.timeZone, hosts: site.hosts.map(formatHostPattern) };
}

export function presentToken(token: SiteTokenRecord) {
  return {
    id: token.id,
    name: token.name,
    createdAt: iso(token.createdAt),
    lastUsedAt: token.lastUsedAt === null ? null : iso(token.lastUsedAt),
  };
}

export function presentLink(link: ShareLinkRecord) {
  return {
    id: link.id,
    name: link.name,
    hasPassword: link.hasPassword,
    createdAt: iso(link.createdAt),
    lastUsedAt: link.lastUsedAt === null ? null : iso(link.lastUsedAt),
  };
}
