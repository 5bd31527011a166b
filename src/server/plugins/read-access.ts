// Who is reading (issue #23): the admin token reads and manages everything; a site token reads its
// one site. An encapsulated onRequest hook, so public routes never see it. Tokens are compared as
// SHA-256 digests: the admin's in constant time, a site token by its stored hash (it is looked up
// on every request, so a revoked token is refused at once).

import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SiteRecord } from '../../store/site-types.ts';
import type { Store } from '../../store/types.ts';
import { errors } from '../errors.ts';
import { isAdminToken } from './admin-auth.ts';

export type Reader = { kind: 'admin' } | { kind: 'site'; site: number; tokenId: string };

declare module 'fastify' {
  interface FastifyRequest {
    reader: Reader;
  }
}

const digest = (value: string) => createHash('sha256').update(value).digest();

export function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  return /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
}

/** Adds the check to every route registered on `app` (call it inside an encapsulated plugin). */
export function requireReader(app: FastifyInstance, adminToken: string, store: Store): void {
  const expected = digest(adminToken);
  if (!app.hasRequestDecorator('reader')) app.decorateRequest('reader', null as never);
  app.addHook('onRequest', async (request) => {
    const presented = bearer(request);
    if (isAdminToken(expected, presented)) {
      request.reader = { kind: 'admin' };
      return;
    }
    const token = presented === undefined ? null : await store.useSiteToken(digest(presented), Date.now());
    if (!token) throw errors.unauthorized();
    request.reader = { kind: 'site', site: token.site, tokenId: token.id };
  });
}

/** Refuses a site token: the route manages sites or reads every site. */
export function requireAdminReader(request: FastifyRequest): void {
  if (request.reader.kind !== 'admin') throw errors.adminOnly();
}

/**
 * The site a read is about. The admin names it with `site=`, which may be left out while there is
 * one site; a site token reads its own, and asking for any other gets 404 SITE_NOT_FOUND, the same
 * answer as for a site that does not exist, so it cannot learn which sites do.
 */
export function siteToRead(request: FastifyRequest, id: string | undefined): SiteRecord {
  const sites = request.server.sites;
  const reader = request.reader;
  if (reader.kind === 'site') {
    const own = sites.getByPk(reader.site);
    if (!own || (id !== undefined && id !== own.id)) throw errors.siteNotFound();
    return own;
  }
  if (id !== undefined) {
    const site = sites.get(id);
    if (!site) throw errors.siteNotFound();
    return site;
  }
  const all = sites.list();
  if (all.length === 1) return all[0]!;
  throw errors.siteRequired(all.map((s) => s.id));
}
