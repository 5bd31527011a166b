// Shared links (API.md "Shared links"): a read-only dashboard of one site at /share/<secret>, and
// the API it reads. It answers aggregates and pages only — stats, breakdowns and the attention map, never an
// email, a visitor id or a session — and nothing of another site. The secret is looked up on every
// request (by its SHA-256), so a revoked link is refused at once. A link with a password answers
// 401 SHARE_PASSWORD until the password is given to /unlock, which returns a key for this link and
// password (an HMAC, kept by the page in sessionStorage and sent as x-dwell-share-key).

import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { Config } from '../../config.ts';
import { InvalidCursorError } from '../../store/query-types.ts';
import type { SiteRecord } from '../../store/site-types.ts';
import type { Store } from '../../store/types.ts';
import { errors } from '../errors.ts';
import { limitBy } from '../plugins/rate-limits.ts';
import { breakdownQueryOf, parseRange } from '../query-params.ts';
import { failures, Ok } from '../schemas/envelope.ts';
import { Breakdown, BreakdownQuery, PageSections, Stats } from '../schemas/query.ts';
import { SiteSummary } from '../schemas/sites.ts';
import { presentSiteSummary } from '../sites/present.ts';
import { digest, passwordMatches } from '../sites/secrets.ts';

export interface ShareRoutesOptions {
  config: Readonly<Config>;
  store: Store;
  adminToken: string;
}

const Secret = Type.Object({
  secret: Type.String({ minLength: 16, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
});
const Range = Type.Object({
  from: Type.Optional(Type.String({ maxLength: 40 })),
  to: Type.Optional(Type.String({ maxLength: 40 })),
});
const ShareStatsQuery = Type.Object({
  ...Range.properties,
  url: Type.Optional(Type.String({ maxLength: 2048 })),
});
const ShareSectionsQuery = Type.Object({ ...Range.properties, url: Type.String({ maxLength: 2048 }) });

export const shareRoutes: FastifyPluginAsyncTypebox<ShareRoutesOptions> = async (
  app,
  { config, store, adminToken },
) => {
  // The key that proves a password was given: bound to the link and to its password's hash, so a
  // new link (or a revoked one) never accepts an old key.
  const keyFor = (linkId: string, passwordHash: string) =>
    createHmac('sha256', `dwell-share:${adminToken}`)
      .update(`${linkId}\0${passwordHash}`)
      .digest('base64url');

  const open = async (request: { params: { secret: string } }) => {
    const link = await store.useShareLink(digest(request.params.secret), await store.now());
    const site = link && app.sites.getByPk(link.site);
    if (!link || !site) throw errors.shareNotFound();
    return { link, site };
  };
  const readable = async (request: {
    params: { secret: string };
    headers: FastifyRequest['headers'];
  }): Promise<SiteRecord> => {
    const { link, site } = await open(request);
    if (link.passwordHash !== null) {
      const presented = request.headers['x-dwell-share-key'];
      const expected = Buffer.from(keyFor(link.id, link.passwordHash));
      const given = Buffer.from(typeof presented === 'string' ? presented : '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw errors.sharePassword();
    }
    return site;
  };

  app.get(
    '/api/v1/share/:secret',
    {
      schema: {
        tags: ['share'],
        summary: "A shared link's site, and whether it needs a password",
        params: Secret,
        response: {
          200: Ok(Type.Object({ site: SiteSummary, hasPassword: Type.Boolean() })),
          ...failures(400, 404, 503),
        },
      },
    },
    async (request) => {
      const { link, site } = await open(request);
      return {
        success: true as const,
        data: { site: presentSiteSummary(site), hasPassword: link.passwordHash !== null },
      };
    },
  );

  app.post(
    '/api/v1/share/:secret/unlock',
    {
      // Passwords are guessed by trying: the session-start budget per address bounds it.
      config: limitBy(config.rateLimit?.sessions, (request) => `share:${request.ip}`),
      schema: {
        tags: ['share'],
        summary: 'Give the password of a shared link; answers the key to send as x-dwell-share-key',
        params: Secret,
        body: Type.Object({ password: Type.String({ maxLength: 200 }) }, { additionalProperties: false }),
        response: { 200: Ok(Type.Object({ key: Type.String() })), ...failures(400, 401, 404, 429, 503) },
      },
    },
    async (request) => {
      const { link } = await open(request);
      if (link.passwordHash === null) return { success: true as const, data: { key: '' } };
      if (!(await passwordMatches(request.body.password, link.passwordHash))) throw errors.sharePassword();
      return { success: true as const, data: { key: keyFor(link.id, link.passwordHash) } };
    },
  );

  app.get(
    '/api/v1/share/:secret/stats',
    {
      schema: {
        tags: ['share'],
        summary: "The shared site's stats (the same answer as /analytics/stats; no personal data in it)",
        params: Secret,
        querystring: ShareStatsQuery,
        response: { 200: Ok(Stats), ...failures(400, 401, 404, 503) },
      },
    },
    async (request) => {
      const site = await readable(request);
      const range = parseRange(request.query, await store.now(), site.timeZone);
      return {
        success: true as const,
        data: await store.getStats({ site, ...range, url: request.query.url }),
      };
    },
  );

  app.get(
    '/api/v1/share/:secret/breakdown',
    {
      schema: {
        tags: ['share'],
        summary: "The shared site's engaged time by source, campaign, device or country (issue #24)",
        params: Secret,
        querystring: BreakdownQuery,
        response: { 200: Ok(Breakdown), ...failures(400, 401, 404, 503) },
      },
    },
    async (request) => {
      const site = await readable(request);
      const q = request.query;
      const breakdown = await store
        .getBreakdown(breakdownQueryOf(site, q, await store.now()))
        .catch((error: unknown) => {
          throw error instanceof InvalidCursorError ? errors.invalidCursor() : error;
        });
      return { success: true as const, data: breakdown };
    },
  );

  app.get(
    '/api/v1/share/:secret/sections',
    {
      schema: {
        tags: ['share'],
        summary: "The attention map of one of the shared site's pages",
        params: Secret,
        querystring: ShareSectionsQuery,
        response: { 200: Ok(PageSections), ...failures(400, 401, 404, 503) },
      },
    },
    async (request) => {
      const site = await readable(request);
      const range = parseRange(request.query, await store.now(), site.timeZone);
      return {
        success: true as const,
        data: await store.getPageSections({ site, ...range, url: request.query.url }),
      };
    },
  );
};
