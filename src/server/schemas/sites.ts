// TypeBox schemas of the sites API (API.md "Sites"): validation, serialisation and /docs at once.
// Field checks beyond shape (a host, a time zone, an origin) are src/sites/site-fields.ts's, so the
// API and the CLI refuse the same input with the same message.

import { Type } from '@sinclair/typebox';

const Iso = Type.String({ format: 'date-time' });
const NullableIso = Type.Union([Iso, Type.Null()]);

export const SiteIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });
export const SiteItemParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 100 }),
  itemId: Type.String({ minLength: 1, maxLength: 64 }),
});

const Gate = Type.Object(
  {
    allow: Type.Optional(Type.Array(Type.String({ maxLength: 320 }), { maxItems: 1000 })),
    verify: Type.Optional(Type.Union([Type.Literal('off'), Type.Literal('link')])),
  },
  {
    additionalProperties: false,
    description: "The email gate's settings for this site (DWELL_GATE_* where left out)",
  },
);

const siteFields = {
  name: Type.Optional(Type.String({ maxLength: 200, examples: ['Example blog'] })),
  hosts: Type.Optional(
    Type.Array(Type.String({ maxLength: 300 }), {
      minItems: 1,
      maxItems: 100,
      examples: [['example.com', 'www.example.com']],
      description: 'Host names, each optionally with a path prefix (bio.re/alice); the first is the main one',
    }),
  ),
  timeZone: Type.Optional(
    Type.String({ maxLength: 64, examples: ['Europe/Berlin'], description: 'IANA name' }),
  ),
  origins: Type.Optional(
    Type.Union([Type.Array(Type.String({ maxLength: 300 }), { maxItems: 100 }), Type.Null()], {
      description:
        "Origins allowed to send beats; null: the site's hosts over https (and http for localhost)",
    }),
  ),
  gate: Type.Optional(Type.Union([Gate, Type.Null()])),
};

export const NewSiteBody = Type.Object(
  { id: Type.Optional(Type.String({ maxLength: 100, examples: ['example.com'] })), ...siteFields },
  { additionalProperties: false },
);

export const SitePatchBody = Type.Object(siteFields, { additionalProperties: false });

export const Site = Type.Object({
  id: Type.String({ examples: ['example.com'] }),
  name: Type.String(),
  hosts: Type.Array(Type.String()),
  timeZone: Type.String(),
  origins: Type.Array(Type.String(), { description: 'The origins in effect (its own, or the defaults)' }),
  customOrigins: Type.Boolean(),
  gate: Gate,
  createdAt: Iso,
  updatedAt: Iso,
});

/** What a site token sees of its own site (never the settings). */
export const SiteSummary = Type.Object({
  id: Type.String(),
  name: Type.String(),
  timeZone: Type.String(),
  hosts: Type.Array(Type.String()),
});

export const SiteList = Type.Object({ items: Type.Array(Type.Union([Site, SiteSummary])) });

export const DeletedSite = Type.Object({ id: Type.String(), sessions: Type.Integer() });

export const NewTokenBody = Type.Object(
  { name: Type.Optional(Type.String({ minLength: 1, maxLength: 100, examples: ['Client dashboard'] })) },
  { additionalProperties: false },
);

export const SiteToken = Type.Object({
  id: Type.String(),
  name: Type.String(),
  createdAt: Iso,
  lastUsedAt: NullableIso,
});

export const CreatedToken = Type.Intersect([
  SiteToken,
  Type.Object({ token: Type.String({ description: 'Shown once: only its hash is kept' }) }),
]);

export const NewLinkBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100, examples: ['For the client'] })),
    password: Type.Optional(Type.String({ minLength: 8, maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const ShareLink = Type.Object({
  id: Type.String(),
  name: Type.String(),
  hasPassword: Type.Boolean(),
  createdAt: Iso,
  lastUsedAt: NullableIso,
});

export const CreatedLink = Type.Intersect([
  ShareLink,
  Type.Object({ url: Type.String({ description: 'Shown once: /share/<secret>; only its hash is kept' }) }),
]);

export const DeclinedHostList = Type.Object({
  items: Type.Array(
    Type.Object({ host: Type.String(), requests: Type.Integer(), firstAt: Iso, lastAt: Iso }),
  ),
});
