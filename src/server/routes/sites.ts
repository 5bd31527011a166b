// The sites API (API.md "Sites"): sites, their tokens and shared links, and the hosts declined for
// want of a site. The admin manages them; a site token sees its own site's name and nothing else
// (no settings, no tokens, no links). Routes are thin: schema → check → store → presenter, and the
// instance's site directory reloads after every change so the next session start sees it.

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { parseNewSite, parseSitePatch, SiteInputError } from '../../sites/index.ts';
import { SiteConflictError, type SiteRecord } from '../../store/site-types.ts';
import type { Store } from '../../store/types.ts';
import { DECLINED_DAYS } from '../declined-hosts.ts';
import { errors } from '../errors.ts';
import { requireAdminReader, requireReader } from '../plugins/read-access.ts';
import { failures, Ok } from '../schemas/envelope.ts';
import {
  CreatedLink,
  CreatedToken,
  DeclinedHostList,
  DeletedSite,
  NewLinkBody,
  NewSiteBody,
  NewTokenBody,
  ShareLink,
  Site,
  SiteIdParams,
  SiteItemParams,
  SiteList,
  SitePatchBody,
  SiteToken,
} from '../schemas/sites.ts';
import { presentLink, presentSite, presentSiteSummary, presentToken } from '../sites/present.ts';
import { hashPassword, newShareLink, newSiteToken } from '../sites/secrets.ts';

export interface SiteRoutesOptions {
  store: Store;
  adminToken: string;
}

const security = [{ admin: [] }];

/** A site's input errors and conflicts (a host or id another site has) as API.md's 400. */
function inputErrors(error: unknown): never {
  if (error instanceof SiteInputError) throw errors.invalidBody(error.message);
  if (error instanceof SiteConflictError) throw errors.siteConflict(error.message);
  throw error;
}

export const siteRoutes: FastifyPluginAsyncTypebox<SiteRoutesOptions> = async (
  app,
  { store, adminToken },
) => {
  requireReader(app, adminToken, store);
  const directory = app.sites;
  /** The site of `:id` for the admin; 404 SITE_NOT_FOUND for a name no site has. */
  const adminSite = (request: FastifyRequest, id: string): SiteRecord => {
    requireAdminReader(request);
    const site = directory.get(id);
    if (!site) throw errors.siteNotFound();
    return site;
  };

  app.get(
    '/api/v1/sites',
    {
      schema: {
        tags: ['sites'],
        summary: 'The sites this token may read',
        description:
          'The admin sees every site with its settings; a site token sees its own site only, without settings.',
        security,
        response: { 200: Ok(SiteList), ...failures(401, 503) },
      },
    },
    async (request) => {
      if (request.reader.kind === 'site') {
        const own = directory.getByPk(request.reader.site);
        return { success: true as const, data: { items: own ? [presentSiteSummary(own)] : [] } };
      }
      await directory.reload();
      return { success: true as const, data: { items: directory.list().map(presentSite) } };
    },
  );

  app.post(
    '/api/v1/sites',
    {
      schema: {
        tags: ['sites'],
        summary: 'Add a site',
        description: 'Only `hosts` is required: the id defaults to the main host, the time zone to UTC.',
        security,
        body: NewSiteBody,
        response: { 201: Ok(Site), ...failures(400, 401, 403, 503) },
      },
    },
    async (request, reply) => {
      requireAdminReader(request);
      let fields: ReturnType<typeof parseNewSite>;
      try {
        fields = parseNewSite(request.body);
      } catch (error) {
        inputErrors(error);
      }
      const site = await store.createSite(fields, await store.now()).catch(inputErrors);
      await directory.reload();
      return reply.code(201).send({ success: true as const, data: presentSite(site) });
    },
  );

  app.get(
    '/api/v1/sites/:id',
    {
      schema: {
        tags: ['sites'],
        summary: 'One site with its settings',
        security,
        params: SiteIdParams,
        response: { 200: Ok(Site), ...failures(401, 403, 404, 503) },
      },
    },
    async (request) => ({ success: true as const, data: presentSite(adminSite(request, request.params.id)) }),
  );

  app.patch(
    '/api/v1/sites/:id',
    {
      schema: {
        tags: ['sites'],
        summary: "Change a site's name, hosts, time zone, origins or gate",
        description:
          'A new time zone moves every stored session of the site to the day of the new calendar it started on; stats, visitors and retention by day follow (API.md "Sites").',
        security,
        params: SiteIdParams,
        body: SitePatchBody,
        response: { 200: Ok(Site), ...failures(400, 401, 403, 404, 503) },
      },
    },
    async (request) => {
      adminSite(request, request.params.id);
      let patch: ReturnType<typeof parseSitePatch>;
      try {
        patch = parseSitePatch(request.body);
      } catch (error) {
        inputErrors(error);
      }
      const site = await store.updateSite(request.params.id, patch, await store.now()).catch(inputErrors);
      if (!site) throw errors.siteNotFound();
      await directory.reload();
      return { success: true as const, data: presentSite(site) };
    },
  );

  app.delete(
    '/api/v1/sites/:id',
    {
      schema: {
        tags: ['sites'],
        summary: 'Remove a site with all its sessions, tokens and shared links',
        security,
        params: SiteIdParams,
        response: { 200: Ok(DeletedSite), ...failures(401, 403, 404, 503) },
      },
    },
    async (request) => {
      adminSite(request, request.params.id);
      const deleted = await store.deleteSite(request.params.id);
      if (!deleted) throw errors.siteNotFound();
      await directory.reload();
      return { success: true as const, data: { id: request.params.id, sessions: deleted.sessions } };
    },
  );

  // Site tokens: read-only API access to one site.

  app.get(
    '/api/v1/sites/:id/tokens',
    {
      schema: {
        tags: ['sites'],
        summary: "A site's tokens (never the tokens themselves)",
        security,
        params: SiteIdParams,
        response: { 200: Ok(Type.Object({ items: Type.Array(SiteToken) })), ...failures(401, 403, 404, 503) },
      },
    },
    async (request) => {
      const site = adminSite(request, request.params.id);
      const tokens = await store.listSiteTokens(site.pk);
      return { success: true as const, data: { items: tokens.map(presentToken) } };
    },
  );

  app.post(
    '/api/v1/sites/:id/tokens',
    {
      schema: {
        tags: ['sites'],
        summary: 'Create a read-only token of one site',
        description: 'The token is in this answer only; Dwell keeps its SHA-256.',
        security,
        params: SiteIdParams,
        body: Type.Optional(NewTokenBody),
        response: { 201: Ok(CreatedToken), ...failures(400, 401, 403, 404, 503) },
      },
    },
    async (request, reply) => {
      const site = adminSite(request, request.params.id);
      const { id, token, tokenHash } = newSiteToken();
      const name = request.body?.name ?? `token ${id}`;
      const record = await store.createSiteToken({ id, site: site.pk, name, tokenHash }, await store.now());
      return reply.code(201).send({ success: true as const, data: { ...presentToken(record), token } });
    },
  );

  app.delete(
    '/api/v1/sites/:id/tokens/:itemId',
    {
      schema: {
        tags: ['sites'],
        summary: 'Revoke a site token (refused from the next request on)',
        security,
        params: SiteItemParams,
        response: { 200: Ok(Type.Object({ id: Type.String() })), ...failures(401, 403, 404, 503) },
      },
    },
    async (request) => {
      const site = adminSite(request, request.params.id);
      if (!(await store.revokeSiteToken(site.pk, request.params.itemId)))
        throw errors.notFound('No such token');
      return { success: true as const, data: { id: request.params.itemId } };
    },
  );

  // Shared links: a read-only dashboard of one site's aggregates.

  app.get(
    '/api/v1/sites/:id/links',
    {
      schema: {
        tags: ['sites'],
        summary: "A site's shared links, with when each was last used",
        security,
        params: SiteIdParams,
        response: { 200: Ok(Type.Object({ items: Type.Array(ShareLink) })), ...failures(401, 403, 404, 503) },
      },
    },
    async (request) => {
      const site = adminSite(request, request.params.id);
      const links = await store.listShareLinks(site.pk);
      return { success: true as const, data: { items: links.map(presentLink) } };
    },
  );

  app.post(
    '/api/v1/sites/:id/links',
    {
      schema: {
        tags: ['sites'],
        summary: 'Create a shared link (a read-only dashboard, optionally behind a password)',
        description: 'The link is in this answer only; Dwell keeps the SHA-256 of its secret.',
        security,
        params: SiteIdParams,
        body: Type.Optional(NewLinkBody),
        response: { 201: Ok(CreatedLink), ...failures(400, 401, 403, 404, 503) },
      },
    },
    async (request, reply) => {
      const site = adminSite(request, request.params.id);
      const { id, secret, secretHash } = newShareLink();
      const password = request.body?.password;
      const record = await store.createShareLink(
        {
          id,
          site: site.pk,
          name: request.body?.name ?? `link ${id}`,
          secretHash,
          passwordHash: password === undefined ? null : await hashPassword(password),
        },
        await store.now(),
      );
      return reply
        .code(201)
        .send({ success: true as const, data: { ...presentLink(record), url: `/share/${secret}` } });
    },
  );

  app.delete(
    '/api/v1/sites/:id/links/:itemId',
    {
      schema: {
        tags: ['sites'],
        summary: 'Revoke a shared link (refused from the next request on)',
        security,
        params: SiteItemParams,
        response: { 200: Ok(Type.Object({ id: Type.String() })), ...failures(401, 403, 404, 503) },
      },
    },
    async (request) => {
      const site = adminSite(request, request.params.id);
      if (!(await store.revokeShareLink(site.pk, request.params.itemId)))
        throw errors.notFound('No such link');
      return { success: true as const, data: { id: request.params.itemId } };
    },
  );

  app.get(
    '/api/v1/declined-hosts',
    {
      schema: {
        tags: ['sites'],
        summary: `Hosts whose pages asked for a session in the last ${DECLINED_DAYS} days while no site claimed them`,
        security,
        response: { 200: Ok(DeclinedHostList), ...failures(401, 403, 503) },
      },
    },
    async (request) => {
      requireAdminReader(request);
      const now = await store.now();
      const hosts = await store.listDeclinedHosts(now - DECLINED_DAYS * 86_400_000, 100);
      return {
        success: true as const,
        data: {
          items: hosts.map((h) => ({
            host: h.host,
            requests: h.requests,
            firstAt: new Date(h.firstAt).toISOString(),
            lastAt: new Date(h.lastAt).toISOString(),
          })),
        },
      };
    },
  );
};
