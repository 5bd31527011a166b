// Where demo sessions come from (issue #24): a small tech site's mix of search, social, AI
// assistants, a newsletter and a launch campaign, read on real browsers from real countries. Each
// way in and each User-Agent goes through the real describer (src/sources/) once, when the
// generator starts; a session then only picks among the answers, so a million of them stay cheap.

import { createOriginDescriber, type Origin } from '../sources/index.ts';
import type { SessionOrigin } from '../store/types.ts';

/**
 * A way in: the referrer and the entry URL's link tags. `engagement` scales the reading time of the
 * sessions it brings, so the breakdown has a story to tell (the newsletter brings readers, the
 * launch crowd skims, ads bounce).
 */
interface Arrival {
  weight: number;
  referrer: string | null;
  query: string;
  engagement: number;
}

const NEWSLETTER = '?utm_source=newsletter&utm_medium=email&utm_campaign=weekly-digest';
const LAUNCH = 'utm_campaign=launch-2026';

const ARRIVALS: Arrival[] = [
  { weight: 26, referrer: null, query: '', engagement: 1 },
  { weight: 22, referrer: 'https://www.google.com/', query: '', engagement: 1.05 },
  { weight: 4, referrer: 'https://duckduckgo.com/', query: '', engagement: 1.1 },
  { weight: 3, referrer: 'https://www.bing.com/', query: '', engagement: 0.9 },
  { weight: 1, referrer: 'https://www.ecosia.org/', query: '', engagement: 1 },
  { weight: 7, referrer: 'https://news.ycombinator.com/', query: '', engagement: 0.75 },
  { weight: 3, referrer: 'https://www.reddit.com/', query: '', engagement: 0.7 },
  { weight: 4, referrer: 'https://www.linkedin.com/', query: '', engagement: 0.6 },
  { weight: 4, referrer: 'https://github.com/', query: '', engagement: 1.3 },
  { weight: 2, referrer: 'https://t.co/', query: '', engagement: 0.5 },
  { weight: 2, referrer: 'https://bsky.app/', query: '', engagement: 0.8 },
  { weight: 1, referrer: 'https://mastodon.social/', query: '', engagement: 0.9 },
  { weight: 3, referrer: 'https://chatgpt.com/', query: '', engagement: 1.4 },
  { weight: 1, referrer: 'https://www.perplexity.ai/', query: '', engagement: 1.3 },
  { weight: 1, referrer: 'https://lobste.rs/', query: '', engagement: 1.1 },
  { weight: 1, referrer: 'https://jvns.ca/', query: '', engagement: 1.2 },
  { weight: 4, referrer: null, query: `${NEWSLETTER}&utm_content=top-story`, engagement: 1.6 },
  { weight: 2, referrer: null, query: `${NEWSLETTER}&utm_content=footer`, engagement: 1.4 },
  { weight: 1, referrer: 'android-app://com.google.android.gm/', query: NEWSLETTER, engagement: 1.3 },
  {
    weight: 2,
    referrer: 'https://www.producthunt.com/',
    query: `?utm_source=producthunt&utm_medium=social&${LAUNCH}`,
    engagement: 0.7,
  },
  { weight: 2, referrer: null, query: `?utm_source=newsletter&utm_medium=email&${LAUNCH}`, engagement: 1.2 },
  {
    weight: 1,
    referrer: 'https://www.linkedin.com/',
    query: `?utm_source=linkedin&utm_medium=social&${LAUNCH}`,
    engagement: 0.6,
  },
  {
    weight: 2,
    referrer: 'https://www.google.com/',
    query: '?utm_source=google&utm_medium=cpc&utm_campaign=brand&utm_term=engaged+time+analytics',
    engagement: 0.4,
  },
];

/** Real User-Agents of today's browsers, weighted roughly as a developer audience reads. */
const AGENTS: [weight: number, userAgent: string][] = [
  [
    24,
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  ],
  [
    16,
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  ],
  [
    9,
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  ],
  [6, 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0'],
  [
    5,
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
  ],
  [4, 'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0'],
  [
    3,
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  ],
  [
    14,
    'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  ],
  [
    11,
    'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  ],
  [
    3,
    'Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36',
  ],
  [
    3,
    'Mozilla/5.0 (iPad; CPU OS 17_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1',
  ],
  [2, 'Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0'],
];

/** ISO 3166-1 alpha-2 codes, weighted as an English-language tech site's readers; null: unknown. */
const COUNTRIES: [weight: number, country: string | null][] = [
  [27, 'US'],
  [12, 'DE'],
  [9, 'GB'],
  [8, 'IN'],
  [6, 'FR'],
  [5, 'CA'],
  [4, 'BR'],
  [4, 'NL'],
  [3, 'ES'],
  [3, 'PL'],
  [3, 'SE'],
  [3, 'AU'],
  [2, 'JP'],
  [2, 'IT'],
  [2, 'CH'],
  [1, 'NG'],
  [1, 'KR'],
  [2, null],
];

/** A weighted choice among `weights`, by one uniform number in [0, 1). */
function weightedPicker(weights: readonly number[]): (r: number) => number {
  const total = weights.reduce((a, b) => a + b, 0);
  let sum = 0;
  const bounds = weights.map((w) => (sum += w / total));
  return (r) => {
    for (let i = 0; i < bounds.length; i++) if (r < bounds[i]!) return i;
    return bounds.length - 1;
  };
}

export interface DemoArrival {
  referrer: string | null;
  /** The entry URL's query ('' or `?utm_…`): the entry URL is the first page's URL plus it. */
  query: string;
  engagement: number;
  source: Pick<Origin, 'source' | 'sourceCategory' | 'referrerHost' | 'utm'>;
}

export type DemoDevice = Pick<Origin, 'device' | 'browser' | 'os'>;

export interface DemoOrigins {
  /** A way in, by one uniform number. */
  arrival(r: number): DemoArrival;
  /** A browser, by one uniform number. */
  device(r: number): DemoDevice;
  /** A country (null: unknown), by one uniform number. */
  country(r: number): string | null;
  /** The stored origin of a session: its way in, its reader, and the path it entered on. */
  originOf(
    arrival: DemoArrival,
    device: DemoDevice,
    country: string | null,
    entryPath: string,
  ): SessionOrigin;
}

/** Describes every way in and every browser once, for a site at `siteOrigin` (`https://example.com`). */
export function describeDemoOrigins(siteOrigin: string): DemoOrigins {
  const describe = createOriginDescriber({ geo: false });
  const arrivals: DemoArrival[] = ARRIVALS.map((a) => {
    const o = describe({
      url: `${siteOrigin}/${a.query}`,
      referrer: a.referrer,
      siteHosts: [],
      userAgent: '',
      clientAddress: null,
    });
    const source = {
      source: o.source,
      sourceCategory: o.sourceCategory,
      referrerHost: o.referrerHost,
      utm: o.utm,
    };
    return { referrer: a.referrer, query: a.query, engagement: a.engagement, source };
  });
  const devices: DemoDevice[] = AGENTS.map(([, userAgent]) => {
    const o = describe({ url: siteOrigin, referrer: null, siteHosts: [], userAgent, clientAddress: null });
    return { device: o.device, browser: o.browser, os: o.os };
  });
  const pickArrival = weightedPicker(ARRIVALS.map((a) => a.weight));
  const pickDevice = weightedPicker(AGENTS.map(([weight]) => weight));
  const pickCountry = weightedPicker(COUNTRIES.map(([weight]) => weight));
  return {
    arrival: (r) => arrivals[pickArrival(r)]!,
    device: (r) => devices[pickDevice(r)]!,
    country: (r) => COUNTRIES[pickCountry(r)]![1],
    originOf: (arrival, device, country, entryPath) => ({
      source: arrival.source.source,
      sourceCategory: arrival.source.sourceCategory,
      referrerHost: arrival.source.referrerHost,
      utm: arrival.source.utm,
      entryPath,
      device: device.device,
      browser: device.browser,
      os: device.os,
      country,
      region: null,
    }),
  };
}
