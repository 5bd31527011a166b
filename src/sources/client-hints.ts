// User-Agent Client Hints (Sec-CH-UA, -Mobile, -Platform), the low-entropy ones Chromium browsers
// send with every request. They say what the frozen User-Agent no longer does: Brave and Opera
// send Chrome's User-Agent but name themselves here, and Chrome on a phone in "desktop mode"
// still reports `?1`. The headers are RFC 8941 structured fields, parsed by `structured-headers`.

import { parseItem, parseList } from 'structured-headers';
import { cleanText } from './clean-text.ts';
import { type ClientHintHeaders, type HeaderValue, INPUT_LIMITS, ORIGIN_LIMITS } from './origin-types.ts';

export interface ClientHints {
  /** The browser's own brand, without GREASE and without "Chromium" when a more specific one is sent. */
  brand: string | null;
  mobile: boolean | null;
  platform: string | null;
}

export const NO_HINTS: ClientHints = Object.freeze({ brand: null, mobile: null, platform: null });

// Browsers add a made-up brand ("Not A(Brand", "Not_A Brand", "Not/A)Brand") so that servers
// cannot rely on the list's order or content (the GREASE rule of the UA-CH spec).
const GREASE = /^not.a.brand$/i;

/** Brand names of the hints, spelled as Bowser spells the same browsers. */
const BRAND_NAMES: Readonly<Record<string, string>> = {
  'Google Chrome': 'Chrome',
  'Microsoft Edge': 'Microsoft Edge',
  'Samsung Internet': 'Samsung Internet',
  'Opera GX': 'Opera GX',
  Opera: 'Opera',
  Brave: 'Brave',
  Yandex: 'Yandex Browser',
  YaBrowser: 'Yandex Browser',
  Vivaldi: 'Vivaldi',
};

/** Platform names of the hints, spelled as Bowser spells the same systems. */
const PLATFORM_NAMES: Readonly<Record<string, string>> = {
  Windows: 'Windows',
  macOS: 'macOS',
  Android: 'Android',
  iOS: 'iOS',
  Linux: 'Linux',
  'Chrome OS': 'Chrome OS',
  'Chromium OS': 'Chrome OS',
};

export function readClientHints(headers: ClientHintHeaders): ClientHints {
  return {
    brand: readBrand(headers.secChUa),
    mobile: readItem(headers.secChUaMobile, 'boolean'),
    platform: normalisedPlatform(readItem(headers.secChUaPlatform, 'string')),
  };
}

function readBrand(header: HeaderValue): string | null {
  if (typeof header !== 'string' || header === '') return null;
  let brands: string[];
  try {
    brands = parseList(header.slice(0, INPUT_LIMITS.clientHint)).flatMap(([value]) =>
      typeof value === 'string' && !GREASE.test(value) ? [value] : [],
    );
  } catch {
    // A malformed header is bad input like any other: the hint is simply not there.
    return null;
  }
  const specific = brands.find((brand) => brand !== 'Chromium') ?? brands[0];
  if (specific === undefined) return null;
  return BRAND_NAMES[specific] ?? cleanText(specific, ORIGIN_LIMITS.browser);
}

function readItem(header: HeaderValue, type: 'boolean'): boolean | null;
function readItem(header: HeaderValue, type: 'string'): string | null;
function readItem(header: HeaderValue, type: 'boolean' | 'string'): boolean | string | null {
  if (typeof header !== 'string' || header === '') return null;
  try {
    const [value] = parseItem(header.slice(0, INPUT_LIMITS.clientHint));
    return typeof value === type ? (value as boolean | string) : null;
  } catch {
    // As above: a malformed hint is one not sent.
    return null;
  }
}

function normalisedPlatform(platform: string | null): string | null {
  if (platform === null || platform === '' || platform === 'Unknown') return null;
  return PLATFORM_NAMES[platform] ?? cleanText(platform, ORIGIN_LIMITS.os);
}
