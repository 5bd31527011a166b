// Realistic demo sessions, generated without I/O from a seed: a small site's pages with Zipf-like
// popularity, a daily rhythm, log-normal engaged times, returning visitors (some known by email),
// the odd reader with two tabs open at once, time per marked section on three pages, and where each
// session came from (origins.ts). Used by `dwell demo` and `npm run bench:query`.

import type { Span } from '../accounting/spans.ts';
import type { ImportedSession } from '../store/query-types.ts';
import { type DemoArrival, type DemoDevice, describeDemoOrigins } from './origins.ts';

export interface GenerateOptions {
  count: number;
  /** Sessions start between `from` and `to` (epoch ms). */
  from: number;
  to: number;
  seed?: number;
  /** Base URL of the demo site. */
  origin?: string;
}

const PATHS = [
  '/',
  '/pricing',
  '/docs/getting-started',
  '/blog/engaged-time-vs-time-on-page',
  '/docs/tracker',
  '/blog/why-heartbeats-lie',
  '/features',
  '/docs/api',
  '/about',
  '/blog/privacy-without-cookies',
  '/changelog',
  '/docs/self-hosting',
  '/customers',
  '/blog/reading-depth',
  '/contact',
  '/careers',
  '/docs/dashboard',
  '/legal/privacy',
];
const NAMES = ['ana', 'ben', 'chloe', 'dev', 'emma', 'farid', 'grace', 'hugo', 'ines', 'jonas', 'kim', 'lea'];
const DOMAINS = ['acme.io', 'example.com', 'globex.net', 'initech.dev'];
const SCREENS = ['1920x1080', '1440x900', '2560x1440', '390x844', '412x915', '1366x768'];
const LANGS = ['en-US', 'en-GB', 'de-DE', 'fr-FR', 'es-ES'];
const DAY = 86_400_000;

/**
 * The demo site's marked sections (data-dwell-section), in page order: how likely a reader gets to
 * each and how much of their time it holds. Readers drop off down a page, so the dashboard's
 * attention map has a shape from the first `dwell demo`.
 */
const SECTIONS: Record<string, { name: string; reach: number; weight: number }[]> = {
  '/': [
    { name: 'hero', reach: 0.97, weight: 1 },
    { name: 'features', reach: 0.7, weight: 2 },
    { name: 'how it works', reach: 0.5, weight: 2.5 },
    { name: 'pricing teaser', reach: 0.3, weight: 0.8 },
  ],
  '/pricing': [
    { name: 'plans', reach: 0.95, weight: 1 },
    { name: 'starter', reach: 0.8, weight: 1.2 },
    { name: 'team', reach: 0.72, weight: 2.6 },
    { name: 'enterprise', reach: 0.45, weight: 1.4 },
    { name: 'faq', reach: 0.22, weight: 1 },
  ],
  '/blog/engaged-time-vs-time-on-page': [
    { name: 'intro', reach: 0.96, weight: 1.4 },
    { name: 'the problem', reach: 0.82, weight: 2 },
    { name: 'how dwell measures', reach: 0.6, weight: 3 },
    { name: 'results', reach: 0.38, weight: 2 },
    { name: 'conclusion', reach: 0.18, weight: 0.7 },
  ],
};

/** mulberry32: a tiny, fast seeded PRNG, so demo data and benchmarks replay the same way. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function* generateSessions(options: GenerateOptions): Generator<ImportedSession> {
  const rand = seededRandom(options.seed ?? 42);
  const origin = options.origin ?? 'https://example.com';
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  // Zipf-like: page i is chosen with weight 1/(i+1).
  const weights = PATHS.map((_, i) => 1 / (i + 1));
  const weightSum = weights.reduce((a, b) => a + b, 0);
  const pickPath = () => {
    let r = rand() * weightSum;
    for (const [i, w] of weights.entries()) {
      r -= w;
      if (r <= 0) return PATHS[i]!;
    }
    return PATHS[0]!;
  };
  const gaussian = () => Math.sqrt(-2 * Math.log(rand() || 1e-9)) * Math.cos(2 * Math.PI * rand());
  // About one visitor per three sessions; one visitor in five is known by email (the gate).
  const visitorCount = Math.max(1, Math.round(options.count / 3));
  const span = Math.max(1, options.to - options.from);
  const ids = seededRandom((options.seed ?? 42) ^ 0x5bd1e995);
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(ids() * 16).toString(16)).join('');

  // Sections draw from their own sequence, so the rest of the data is the same as without them.
  const sectionRand = seededRandom((options.seed ?? 42) ^ 0x2545f491);
  /** A reader's time per section of a page, in page order (0 for the sections not reached). */
  const sectionsOf = (path: string, engagedMs: number) => {
    const marked = SECTIONS[path];
    if (!marked) return undefined;
    // Readers go down the page and stop; some of the time is spent outside any section.
    let reading = true;
    const weights = marked.map((m, i) => {
      reading &&= i === 0 || sectionRand() < m.reach / marked[i - 1]!.reach;
      return reading ? m.weight * (0.5 + sectionRand()) : 0;
    });
    const sum = weights.reduce((a, b) => a + b, 0);
    const inSections = engagedMs * (0.85 + sectionRand() * 0.13);
    return marked.map((m, i) => ({ name: m.name, engagedMs: Math.floor((inSections * weights[i]!) / sum) }));
  };

  // Origins draw from their own sequence too. A reader keeps their country, and their device four
  // times in five: both are a function of the visitor, so returning readers look like themselves.
  const origins = describeDemoOrigins(origin);
  const originRand = seededRandom((options.seed ?? 42) ^ 0x68e31da4);
  const readerSalt = Math.imul((options.seed ?? 42) | 0, 0x9e3779b1);
  const readerOf = (visitor: number) => ({
    device: origins.device(originRand() < 0.8 ? unitHash(visitor ^ readerSalt) : originRand()),
    country: origins.country(unitHash(~visitor ^ readerSalt)),
  });

  let previous: { session: ImportedSession; arrival: DemoArrival; device: DemoDevice } | null = null;
  for (let n = 0; n < options.count; n++) {
    // Start times ascend; a daily rhythm makes afternoons busier than nights.
    let startedAt = options.from + Math.floor(((n + rand()) / options.count) * span);
    const hour = new Date(startedAt).getUTCHours();
    if (hour < 6 && rand() < 0.5) startedAt = Math.min(options.to - 1, startedAt + 8 * 3_600_000);
    const twoTabs: boolean = previous !== null && rand() < 0.03;
    const visitor = twoTabs ? null : Math.floor(Math.abs(gaussian()) * visitorCount * 0.4) % visitorCount;
    const email =
      twoTabs && previous
        ? previous.session.email
        : visitor !== null && visitor % 5 === 0
          ? `${NAMES[visitor % NAMES.length]}.${visitor}@${DOMAINS[visitor % DOMAINS.length]}`
          : null;
    const visitorId =
      twoTabs && previous ? previous.session.visitorId : `v${(visitor ?? 0).toString(36).padStart(6, '0')}`;
    if (twoTabs && previous) startedAt = previous.session.startedAt + Math.floor(rand() * 20_000);
    // Two tabs at once: two links opened from the same place, on the same device.
    const arrival: DemoArrival = twoTabs && previous ? previous.arrival : origins.arrival(originRand());
    const reader: { device: DemoDevice; country: string | null } =
      twoTabs && previous
        ? { device: previous.device, country: previous.session.origin?.country ?? null }
        : readerOf(visitor ?? 0);

    // Engaged time: log-normal around 45 s (longer from a newsletter, shorter from an ad), capped at an hour.
    const engagedMs = Math.min(
      3_600_000,
      Math.max(1_000, Math.round(Math.exp(10.7 + 1.1 * gaussian()) * arrival.engagement)),
    );
    const pageCount = 1 + Math.min(5, Math.floor(rand() * 4 + rand() * 1.2));
    const pages = new Map<string, number>();
    const first = pickPath();
    pages.set(first, 0);
    while (pages.size < pageCount) pages.set(pickPath(), 0);
    const urls = [...pages.keys()];
    let left = engagedMs;
    const pageTotals = urls.map((path, i) => {
      const share = i === urls.length - 1 ? left : Math.floor(left * (0.3 + rand() * 0.5));
      left -= share;
      const sections = sectionsOf(path, share);
      return {
        url: `${origin}${path}`,
        engagedMs: share,
        maxScroll: Math.min(100, Math.round(20 + rand() * 85)),
        ...(sections ? { sections } : {}),
      };
    });
    // Two spans: the reading is split by one pause away from the tab.
    const pause = Math.floor(rand() * 120_000);
    const firstPart = Math.floor(engagedMs * (0.4 + rand() * 0.3));
    const spans: Span[] = [
      { url: pageTotals[0]!.url, start: startedAt, end: startedAt + firstPart },
      {
        url: pageTotals[pageTotals.length - 1]!.url,
        start: startedAt + firstPart + pause,
        end: startedAt + engagedMs + pause,
      },
    ];
    const lastActivityAt = startedAt + engagedMs + pause + Math.floor(rand() * 5_000);
    const session: ImportedSession = {
      id: `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`,
      startedAt,
      lastActivityAt,
      endedAt: rand() < 0.7 ? lastActivityAt : null,
      engagedMs,
      beats: Math.max(1, Math.round(engagedMs / 15_000) + 1),
      email,
      visitorId,
      // The entry URL keeps its campaign tags; the pages do not (the tracker's page URLs).
      entryUrl: `${pageTotals[0]!.url}${arrival.query}`,
      referrer: arrival.referrer,
      screen: pick(SCREENS),
      lang: pick(LANGS),
      origin: origins.originOf(arrival, reader.device, reader.country, first),
      pages: pageTotals,
      spans,
    };
    previous = { session, arrival, device: reader.device };
    yield session;
  }
}

/** A well-mixed number in [0, 1) from an integer (murmur3's finalizer): the same input, the same one. */
function unitHash(n: number): number {
  let h = n | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) / 4_294_967_296;
}

export const DEMO_DAY_MS = DAY;
