// The link tags of an entry URL: the five UTM parameters, and the source a link names for itself
// (`utm_source`, else `source`, else `ref`, Plausible's order), which overrides the referrer.

import { cleanText } from './clean-text.ts';
import { type Campaign, ORIGIN_LIMITS } from './origin-types.ts';

export interface LinkTags {
  utm: Campaign;
  /** The source the link names, cleaned; null when it names none. */
  taggedSource: string | null;
}

export const NO_CAMPAIGN: Campaign = Object.freeze({
  source: null,
  medium: null,
  campaign: null,
  content: null,
  term: null,
});

/** Reads the link tags of an entry URL; a URL without a query (or none at all) has none. */
export function readLinkTags(url: URL | null): LinkTags {
  if (!url || url.search === '') return { utm: NO_CAMPAIGN, taggedSource: null };
  const query = url.searchParams;
  const tag = (name: string) => cleanText(query.get(name), ORIGIN_LIMITS.utm);
  const utm: Campaign = {
    source: tag('utm_source'),
    medium: tag('utm_medium'),
    campaign: tag('utm_campaign'),
    content: tag('utm_content'),
    term: tag('utm_term'),
  };
  const named = utm.source ?? tag('source') ?? tag('ref');
  return { utm, taggedSource: named === null ? null : cleanText(named, ORIGIN_LIMITS.source) };
}

// utm_medium values that say what kind of link it was, for a source the list does not know (a
// newsletter's own name) or, for paid, whatever the source: an ad on Google is paid, not search.
// Lower-cased, with `-`, `_` and spaces removed before matching.
const PAID_MEDIA = new Set([
  'cpc',
  'ppc',
  'cpm',
  'cpv',
  'cpa',
  'paid',
  'paidsearch',
  'paidsocial',
  'display',
  'banner',
]);
const EMAIL_MEDIA = new Set(['email', 'mail', 'newsletter']);
const SOCIAL_MEDIA = new Set(['social', 'socialmedia', 'socialnetwork', 'sm']);

/** What utm_medium says about the link: paid, email, social, or nothing. */
export function categoryOfMedium(medium: string | null): 'paid' | 'email' | 'social' | null {
  if (medium === null) return null;
  const key = medium.toLowerCase().replace(/[-_\s]/g, '');
  if (PAID_MEDIA.has(key)) return 'paid';
  if (EMAIL_MEDIA.has(key)) return 'email';
  if (SOCIAL_MEDIA.has(key)) return 'social';
  return null;
}

/**
 * A page's URL without its campaign tags (`utm_source` … `utm_term`, any case): a page is the same
 * page whichever campaign brought the reader, so its time is not split by campaign (issue #24). The
 * campaign is the session's, read from the entry URL at its start. Cheap when there is no tag (the
 * common case: one substring search), and a URL that does not parse is left as it is.
 */
export function withoutCampaignTags(url: string): string {
  if (!/utm_/i.test(url) || !URL.canParse(url)) return url;
  const parsed = new URL(url);
  const tags = [...parsed.searchParams.keys()].filter((key) => /^utm_/i.test(key));
  if (tags.length === 0) return url;
  for (const key of tags) parsed.searchParams.delete(key);
  return parsed.toString();
}
