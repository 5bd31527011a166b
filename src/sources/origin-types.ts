// The shape of a session's origin (issue #24): what `describeOrigin` returns and takes, the closed
// sets of categories and device classes, and the length every stored value is cut to. The limits
// are what the store's columns will be sized by, so they live here, next to the values they bound.

/**
 * What kind of place a session came from. Fixed so the dashboard can label and colour each one;
 * docs/sources.md says which rule gives which.
 */
export const SOURCE_CATEGORIES = [
  'search',
  'social',
  'email',
  'ai',
  'paid',
  'other-site',
  'campaign',
  'direct',
] as const;
export type SourceCategory = (typeof SOURCE_CATEGORIES)[number];

/** Bowser's platform types, less `bot` (bots are declined before a session starts). */
export const DEVICE_CLASSES = ['desktop', 'mobile', 'tablet', 'tv'] as const;
export type DeviceClass = (typeof DEVICE_CLASSES)[number];

/** The five UTM parameters of the entry URL, each cleaned and cut to `ORIGIN_LIMITS.utm`. */
export interface Campaign {
  source: string | null;
  medium: string | null;
  campaign: string | null;
  content: string | null;
  term: string | null;
}

export interface Origin {
  /** A named source ("Google", "Hacker News", a tag's value) or the referrer's host; null: direct. */
  source: string | null;
  sourceCategory: SourceCategory;
  /** The external referrer's host without `www.`; null when there was none or it was internal. */
  referrerHost: string | null;
  utm: Campaign;
  device: DeviceClass | null;
  browser: string | null;
  os: string | null;
  /** ISO 3166-1 alpha-2, upper case. */
  country: string | null;
  /** A subdivision, only where the geo database has them (the shipped country database does not). */
  region: string | null;
}

/**
 * A request header as Node types it (`request.headers['sec-ch-ua']`). A header sent twice arrives
 * as an array, which no browser does for these: it counts as not sent.
 */
export type HeaderValue = string | readonly string[] | null | undefined;

/** User-Agent Client Hints, as the request sent them (raw header values). */
export interface ClientHintHeaders {
  secChUa?: HeaderValue;
  secChUaMobile?: HeaderValue;
  secChUaPlatform?: HeaderValue;
}

export interface OriginInput {
  /** The entry page's absolute URL (the tracker's `url`); its query carries the UTM and ref tags. */
  url: string | null | undefined;
  /** The page's referrer (`document.referrer`, or the request's `Referer` for the seed clients). */
  referrer: string | null | undefined;
  /**
   * The site's own hosts, optionally with a path prefix (`bio.re/alice`): a referrer from one of
   * them is internal, not a source. Empty: the entry URL's host is the only internal one.
   */
  siteHosts: readonly string[];
  userAgent: HeaderValue;
  clientHints?: ClientHintHeaders | undefined;
  /** The client's address as the server resolved it (trustProxy applied). Never returned or kept. */
  clientAddress: string | null | undefined;
}

/** Longest stored value of each field, in UTF-16 code units (so never more characters in SQL). */
export const ORIGIN_LIMITS = {
  source: 100,
  /** The longest a DNS name can be. */
  referrerHost: 253,
  utm: 200,
  browser: 50,
  os: 50,
  region: 100,
} as const;

/**
 * Longest input read before parsing. A real User-Agent is under 400 characters and a real URL
 * rarely over 2,000; reading no further keeps a 10 kB header from costing a parser 10 kB of work.
 */
export const INPUT_LIMITS = {
  url: 8192,
  userAgent: 1024,
  clientHint: 512,
} as const;
