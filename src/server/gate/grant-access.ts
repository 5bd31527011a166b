// Access starts: a cookie-only session tied to the email, both cookies, and the "first visit"
// webhook. Shared by the form (verification off) and the emailed link (verification on).

import type { FastifyReply, FastifyRequest } from 'fastify';
import { emailRef } from '../../gate/email.ts';
import type { SiteRecord } from '../../store/site-types.ts';
import { newSessionId } from '../session-id.ts';
import type { AccessGrant } from './access-cookie.ts';
import { type GateContext, siteOrigin } from './context.ts';

export async function grantAccess(
  ctx: GateContext,
  request: FastifyRequest,
  reply: FastifyReply,
  email: string,
  next: string,
): Promise<AccessGrant> {
  const { store, config } = ctx;
  const sessionId = newSessionId();
  const entryUrl = `${siteOrigin(config, request)}${next}`;
  const site = await gateSite(request, entryUrl);
  const { startedAt } = await store.createSession({
    site,
    id: sessionId,
    tokenHash: null,
    cookieOnly: true,
    email,
    // The email is the person's identity here; no cookie-less visitor key is needed.
    visitorId: null,
    entryUrl,
    referrer: null,
    screen: null,
    lang: request.headers['accept-language']?.split(/[,;]/)[0]?.trim().slice(0, 35) || null,
  });
  const grant = { sessionId, email, issuedAt: startedAt, expiresAt: startedAt + config.gate.accessTtlMs };
  // The announcement joins the outbox only if this is the email's first visit, in the same
  // transaction as the grant.
  const announce = ctx.webhooks?.message('gate.first_visit', {
    site: site.id,
    email,
    sessionId,
    entryUrl,
    startedAt: new Date(startedAt).toISOString(),
  });
  const { firstVisit } = await store.grantGateAccess(grant, announce);
  ctx.cookies.set(reply, grant, startedAt);
  request.log.info({ who: emailRef(email), firstVisit }, 'gate access granted');
  if (firstVisit) ctx.webhooks?.deliverSoon();
  return grant;
}

/**
 * The site a gated page belongs to: the one claiming its URL (the host Dwell serves it on), else the
 * first site, which the server's own hosts belong to on a fresh install.
 */
export async function gateSite(request: FastifyRequest, entryUrl: string): Promise<SiteRecord> {
  const decision = await request.server.sites.decide({ url: entryUrl });
  return decision.site ?? request.server.sites.list()[0]!;
}
