// Schemas of the ingest routes (API.md "Ingest"): validation, serialisation and /docs at once.

import { Type } from '@sinclair/typebox';

const Url = Type.String({ maxLength: 2048 });

export const StartSessionBody = Type.Object(
  {
    url: Type.Optional(Url),
    referrer: Type.Optional(Url),
    site: Type.Optional(
      Type.String({
        maxLength: 100,
        description:
          "The site's id, where one script serves several sites' hosts (`data-site`); else the page's URL decides",
      }),
    ),
    visitorId: Type.Optional(Type.String({ maxLength: 64 })),
    screen: Type.Optional(Type.String({ pattern: '^[0-9]{1,5}x[0-9]{1,5}$' })),
    lang: Type.Optional(Type.String({ maxLength: 35 })),
  },
  {
    additionalProperties: false,
    description: 'All optional; JSON, as application/json or text/plain',
    examples: [{ url: 'https://example.com/pricing', referrer: '', screen: '1920x1080', lang: 'en-GB' }],
  },
);

export const StartedSession = Type.Union([
  Type.Object({
    id: Type.String({ description: 'Unguessable session id (UUID v4, 122 random bits)' }),
    token: Type.String({ description: 'Beat capability (192 random bits); only its hash is stored' }),
    interval: Type.Integer({ description: 'Heartbeat period in ms' }),
    timeout: Type.Integer({ description: 'The session expires this many ms after its last beat' }),
  }),
  Type.Object({
    id: Type.Null(),
    reason: Type.String({
      description: 'Why tracking was declined: bot, gpc, dnt, unknown-site (no site claims the page)',
    }),
  }),
]);

export const HeartbeatParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 128, description: 'The session id' }),
});

/** Sections a page may mark, and the length of a name (API.md "sections"; docs/tracker.md). */
export const MAX_SECTIONS = 64;
export const MAX_SECTION_NAME = 100;

export const HeartbeatBody = Type.Object(
  {
    token: Type.Optional(Type.String({ maxLength: 256 })),
    seq: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })),
    engagedMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400_000 })),
    visibleMs: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 86_400_000,
        description: 'Visible time measured since the previous accepted beat (≥ engagedMs)',
      }),
    ),
    url: Type.Optional(Url),
    scroll: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
    final: Type.Optional(Type.Boolean()),
    sections: Type.Optional(
      Type.Array(
        Type.Tuple([
          Type.String({ minLength: 1, maxLength: MAX_SECTION_NAME }),
          Type.Integer({ minimum: 0, maximum: 86_400_000 }),
          Type.Integer({ minimum: 0, maximum: MAX_SECTIONS - 1 }),
        ]),
        {
          maxItems: MAX_SECTIONS,
          description:
            'Engaged ms per `data-dwell-section` of the page since the previous accepted beat: `[name, engagedMs, position in page order]`. Their sum is capped at the credited engaged time.',
        },
      ),
    ),
  },
  {
    additionalProperties: false,
    description: 'Optional; JSON as application/json or text/plain (what sendBeacon sends)',
    examples: [{ token: 'k1B…', seq: 7, engagedMs: 15000, url: 'https://example.com/pricing', scroll: 62 }],
  },
);

export const HeartbeatResult = Type.Object(
  { ok: Type.Literal(true) },
  {
    description:
      'The beat is committed (appended to the journal); the fold credits it by the accounting rules shortly after and before any read, so the answer carries no credit.',
  },
);
