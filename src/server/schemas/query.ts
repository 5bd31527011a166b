// TypeBox schemas of the query API (API.md "Query"): validation, serialisation and /docs at once.

import { Type } from '@sinclair/typebox';

const Iso = (example: string, description?: string) =>
  Type.String({ format: 'date-time', examples: [example], ...(description ? { description } : {}) });
const NullableString = (example: string | null) =>
  Type.Union([Type.String(), Type.Null()], { examples: [example] });
const When = (description: string, example: string) =>
  Type.Optional(
    Type.String({
      description: `${description} ISO-8601 date-time (\`2026-11-01T00:00:00Z\`) or date (\`2026-11-01\`, a day of the site's time zone).`,
      examples: [example],
    }),
  );

/** `site=` of every analytics route (API.md "Sites"): may be left out while there is one site. */
export const SiteParam = Type.Optional(
  Type.String({
    maxLength: 100,
    description:
      "The site's id. Required when this Dwell has several sites (else 400 SITE_REQUIRED); a site token reads its own.",
    examples: ['example.com'],
  }),
);

/**
 * The origin filters (API.md "Breakdowns"): sessions whose origin has each value given; `(none)`
 * matches sessions without one. Every breakdown dimension is a filter.
 */
const OriginValue = (description: string) => Type.Optional(Type.String({ maxLength: 300, description }));
export const OriginFilters = {
  source: OriginValue('Source, as the breakdown names it (`Hacker News`, `Google`, `newsletter`)'),
  referrer: OriginValue("The external referrer's host"),
  utm_source: OriginValue('utm_source of the entry URL'),
  utm_medium: OriginValue('utm_medium of the entry URL'),
  utm_campaign: OriginValue('utm_campaign of the entry URL'),
  utm_content: OriginValue('utm_content of the entry URL'),
  utm_term: OriginValue('utm_term of the entry URL'),
  entry: OriginValue("The entry page's path"),
  device: OriginValue('desktop, mobile, tablet or tv'),
  browser: OriginValue('Browser family'),
  os: OriginValue('Operating system family'),
  country: OriginValue('ISO 3166-1 alpha-2 country code, upper case'),
};

/** Visible time (API.md "Query", the second clock): null where it was stored before Dwell measured it. */
const VisibleMs = (example: number) =>
  Type.Union([Type.Integer(), Type.Null()], {
    examples: [example],
    description:
      'Time visible on screen in ms, whatever the focus and input; null: stored before it was measured',
  });

export const Page = Type.Object({
  url: Type.String({ examples: ['https://example.com/pricing'] }),
  engagedMs: Type.Integer({ examples: [42_000] }),
  visibleMs: VisibleMs(61_000),
  maxScroll: Type.Union([Type.Integer(), Type.Null()], { examples: [80] }),
  sections: Type.Array(
    Type.Object({
      name: Type.String({ examples: ['pricing'] }),
      engagedMs: Type.Integer({ examples: [12_000] }),
    }),
    { description: 'Engaged time per `data-dwell-section` of the page, in page order' },
  ),
});

export const Session = Type.Object(
  {
    id: Type.String({ examples: ['0b5c3c1e-7f0a-4c57-9f5e-2f4f8d1b9a11'] }),
    status: Type.Union([Type.Literal('active'), Type.Literal('ended'), Type.Literal('expired')], {
      examples: ['ended'],
    }),
    startedAt: Iso('2026-11-23T10:00:00.000Z'),
    lastActivityAt: Iso('2026-11-23T10:03:12.000Z'),
    endedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
      examples: ['2026-11-23T10:03:12.000Z'],
    }),
    engagedMs: Type.Integer({
      examples: [151_000],
      description: 'Engaged time in ms: visible, the window focused or media playing, a reader there',
    }),
    visibleMs: VisibleMs(240_000),
    duration: Type.Integer({
      examples: [312],
      description: 'Wall clock: whole seconds from the start to the last beat (or the close), rounded down',
    }),
    beats: Type.Integer({ examples: [11] }),
    email: NullableString('ana@example.com'),
    visitorId: NullableString('Qm9fX2xZcGxhaW5rZXk'),
    site: Type.Optional(Type.String({ examples: ['example.com'], description: "The site's id" })),
    entryUrl: NullableString('https://example.com/'),
    referrer: NullableString('https://news.ycombinator.com/'),
    pages: Type.Array(Page),
  },
  { description: 'A session (API.md "Query")' },
);

const Status = Type.Union([Type.Literal('active'), Type.Literal('ended'), Type.Literal('expired')]);

export const SessionsQuery = Type.Object({
  site: SiteParam,
  ...OriginFilters,
  email: Type.Optional(Type.String({ maxLength: 320, examples: ['ana@example.com'] })),
  visitorId: Type.Optional(Type.String({ maxLength: 64 })),
  url: Type.Optional(
    Type.String({ maxLength: 2048, description: 'Sessions that spent time on this exact URL' }),
  ),
  from: When('Sessions started at or after this time.', '2026-11-01'),
  to: When('Sessions started before this time.', '2026-11-24'),
  status: Type.Optional(Status),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 50 }),
  cursor: Type.Optional(Type.String({ maxLength: 200, description: 'nextCursor of the previous page' })),
});

export const SessionList = Type.Object({
  items: Type.Array(Session),
  nextCursor: Type.Union([Type.String(), Type.Null()], { examples: ['MTc5NTM5MjE4OTU3My4xMjM0'] }),
});

export const SessionParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

export const Span = Type.Object({
  url: Type.Union([Type.String(), Type.Null()], { examples: ['https://example.com/pricing'] }),
  start: Iso('2026-11-23T10:00:00.000Z'),
  end: Iso('2026-11-23T10:01:30.000Z'),
});

const Nullable = Type.Union([Type.String(), Type.Null()]);

/** Where a session came from (issue #24); null for sessions stored before it was recorded. */
export const SessionOrigin = Type.Union([
  Type.Object({
    source: Nullable,
    sourceCategory: Type.String({ examples: ['social'] }),
    referrerHost: Nullable,
    utm: Type.Object({
      source: Nullable,
      medium: Nullable,
      campaign: Nullable,
      content: Nullable,
      term: Nullable,
    }),
    entryPath: Nullable,
    device: Nullable,
    browser: Nullable,
    os: Nullable,
    country: Nullable,
    region: Nullable,
  }),
  Type.Null(),
]);

export const SessionWithTimeline = Type.Intersect([
  Session,
  Type.Object({ timeline: Type.Array(Span), origin: Type.Optional(SessionOrigin) }),
]);

export const RangeQuery = Type.Object({
  site: SiteParam,
  from: When("First day, in the site's time zone (default: 30 days before `to`).", '2026-10-25'),
  to: When(
    "End of the range, exclusive; the day of the site's time zone it falls in is included (default: now).",
    '2026-11-24',
  ),
});

export const VisitorsQuery = Type.Object({
  ...RangeQuery.properties,
  ...OriginFilters,
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
});

export const Visitor = Type.Object({
  email: NullableString('ana@example.com'),
  visitorId: NullableString(null),
  sessions: Type.Integer({ examples: [3] }),
  engagedMs: Type.Integer({
    examples: [420_000],
    description: 'Overlapping sessions (two tabs) counted once',
  }),
  firstSeen: Iso('2026-11-02T08:12:00.000Z'),
  lastSeen: Iso('2026-11-23T10:03:12.000Z'),
});

export const VisitorList = Type.Object({
  total: Type.Integer({ examples: [1234], description: 'Visitors of the whole range' }),
  items: Type.Array(Visitor),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const StatsQuery = Type.Object({
  ...RangeQuery.properties,
  ...OriginFilters,
  url: Type.Optional(Type.String({ maxLength: 2048, description: 'Only time spent on this page' })),
  email: Type.Optional(Type.String({ maxLength: 320 })),
});

export const Stats = Type.Object({
  sessions: Type.Integer({ examples: [12_345] }),
  visitors: Type.Integer({ examples: [6_789] }),
  engagedMs: Type.Object({
    total: Type.Integer({ examples: [987_654_321] }),
    median: Type.Integer({ examples: [44_000] }),
    p90: Type.Integer({ examples: [181_000] }),
  }),
  histogram: Type.Array(
    Type.Object({
      le: Type.Union([Type.Integer(), Type.Null()], {
        examples: [30_000],
        description: 'Upper bound in ms of the duration; null for the last, open bucket',
      }),
      count: Type.Integer({ examples: [321] }),
    }),
  ),
  byDay: Type.Array(
    Type.Object({
      day: Type.String({ format: 'date', examples: ['2026-11-23'] }),
      sessions: Type.Integer(),
      engagedMs: Type.Integer(),
    }),
  ),
  byPage: Type.Array(
    Type.Object({
      url: Type.String({ examples: ['https://example.com/pricing'] }),
      sessions: Type.Integer(),
      engagedMs: Type.Integer(),
    }),
  ),
});

export const ExportQuery = Type.Object({
  site: SiteParam,
  ...OriginFilters,
  format: Type.Union([Type.Literal('csv'), Type.Literal('ndjson')], { default: 'ndjson' }),
  from: SessionsQuery.properties.from,
  to: SessionsQuery.properties.to,
  email: SessionsQuery.properties.email,
  url: SessionsQuery.properties.url,
});

export const LiveQuery = Type.Object({
  site: SiteParam,
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
});

export const PageSectionsQuery = Type.Object({
  ...RangeQuery.properties,
  ...OriginFilters,
  url: Type.String({
    maxLength: 2048,
    description: 'The page (exact URL)',
    examples: ['https://example.com/deck'],
  }),
  email: Type.Optional(Type.String({ maxLength: 320, description: "One person's sessions only" })),
});

export const PageSections = Type.Object(
  {
    url: Type.String({ examples: ['https://example.com/deck'] }),
    sessions: Type.Integer({ examples: [120], description: 'Sessions that spent engaged time on the page' }),
    sections: Type.Array(
      Type.Object({
        name: Type.String({ examples: ['pricing'] }),
        position: Type.Integer({ examples: [2], description: 'Index in page order' }),
        engagedMs: Type.Integer({ examples: [184_000] }),
        sessions: Type.Integer({ examples: [54], description: 'Sessions that spent engaged time in it' }),
        reach: Type.Number({ examples: [0.45], description: "sessions / the page's sessions, 0–1" }),
      }),
      { description: 'In page order' },
    ),
  },
  { description: 'The attention map of a page (issue #17)' },
);

export const BreakdownQuery = Type.Object({
  ...RangeQuery.properties,
  ...OriginFilters,
  by: Type.Union(
    [
      Type.Literal('source'),
      Type.Literal('referrer'),
      Type.Literal('utm_source'),
      Type.Literal('utm_medium'),
      Type.Literal('utm_campaign'),
      Type.Literal('utm_content'),
      Type.Literal('utm_term'),
      Type.Literal('entry'),
      Type.Literal('device'),
      Type.Literal('browser'),
      Type.Literal('os'),
      Type.Literal('country'),
    ],
    { description: "The dimension of the sessions' origin to break engaged time down by" },
  ),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 20 }),
  cursor: Type.Optional(Type.String({ maxLength: 200, description: 'nextCursor of the previous page' })),
});

export const Breakdown = Type.Object({
  items: Type.Array(
    Type.Object({
      value: Type.Union([Type.String(), Type.Null()], {
        examples: ['Hacker News'],
        description: 'null: sessions without one (direct, no campaign, unknown)',
      }),
      sessions: Type.Integer(),
      visitors: Type.Integer({ description: 'Distinct people (email, else visitor key) over the range' }),
      engagedMs: Type.Object({ total: Type.Integer(), median: Type.Integer() }),
      engagedSessions: Type.Integer({ description: 'Sessions with at least 10 s engaged' }),
    }),
  ),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});
