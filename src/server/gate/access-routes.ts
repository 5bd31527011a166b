// The way in: the email form (GET /access), POST /api/verify-temp-access (API.md), and the
// emailed one-time link (GET shows a button, POST /access/verify redeems it).

import { createHash, randomBytes } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { emailRef, isAllowed, isValidEmail, normaliseEmail } from '../../gate/email.ts';
import { errors, HttpError } from '../errors.ts';
import { failures, Ok } from '../schemas/envelope.ts';
import {
  AccessFormQuery,
  AccessGranted,
  LinkBody,
  LinkQuery,
  LinkSent,
  VerifyAccessBody,
} from '../schemas/gate.ts';
import { checkSameOrigin, type GateContext, isFormPost, sendPage, siteOrigin } from './context.ts';
import { gateSite, grantAccess } from './grant-access.ts';
import { accessFormPage, checkInboxPage, confirmLinkPage, linkErrorPage } from './pages.ts';
import { safeNext } from './safe-next.ts';

export const accessRoutes: FastifyPluginAsyncTypebox<{ ctx: GateContext }> = async (app, { ctx }) => {
  const { config, store } = ctx;
  const verify = config.gate.verify === 'link';
  const linkMinutes = Math.round(config.gate.linkTtlMs / 60_000);

  /** Form posts get their error inline in the page, with the error's status; scripts get the envelope. */
  const failForm = (
    request: FastifyRequest,
    reply: FastifyReply,
    error: unknown,
    page: (m: string) => string,
  ) => {
    if (!isFormPost(request) || !(error instanceof HttpError)) throw error;
    request.errorCode = error.code;
    reply.headers(error.headers);
    return sendPage(reply, error.statusCode, page(error.message));
  };

  app.get(
    '/access',
    { schema: { tags: ['gate'], summary: 'The email form (HTML)', querystring: AccessFormQuery } },
    async (request, reply) => {
      const next = safeNext(request.query.next, config.gate.path);
      if (await ctx.cookies.verify(request, store, await store.now())) return reply.redirect(next, 303);
      return sendPage(reply, 200, accessFormPage({ next, verify }));
    },
  );

  app.post(
    '/api/verify-temp-access',
    {
      schema: {
        tags: ['gate'],
        summary: 'Enter the gate with an email',
        description:
          'Form posts are answered 303 to `next` (or the gate) with the cookies set, and errors as the form with the message inline; JSON requests get JSON. With DWELL_GATE_VERIFY=link a one-time link is emailed instead (202).',
        body: VerifyAccessBody,
        response: { 200: Ok(AccessGranted), 202: Ok(LinkSent), ...failures(400, 403, 429, 503) },
      },
    },
    async (request, reply) => {
      const next = safeNext(request.body.next, config.gate.path);
      const email = normaliseEmail(request.body.email ?? '');
      try {
        checkSameOrigin(config, request);
        const now = await store.now();
        const wait = await ctx.limits?.perIp.hit(request.ip);
        if (wait) throw errors.rateLimited(wait);
        if (!isValidEmail(email)) throw errors.invalidEmail();
        const waitEmail = await ctx.limits?.perEmail.hit(email);
        if (waitEmail) throw errors.rateLimited(waitEmail);
        // The gated page's site may set its own allow-list and verification (API.md "Sites").
        const gate = (await gateSite(request, `${siteOrigin(config, request)}${next}`)).settings.gate ?? {};
        if (!isAllowed(email, gate.allow ?? config.gate.allow)) {
          request.log.info({ who: emailRef(email) }, 'gate refused: not on DWELL_GATE_ALLOW');
          throw errors.emailNotAllowed();
        }

        if ((gate.verify ?? config.gate.verify) === 'link') {
          const expiresAt = now + config.gate.linkTtlMs;
          const token = randomBytes(32).toString('base64url');
          await store.createGateLink({ tokenHash: hashLinkToken(token), email, next, expiresAt }, now);
          const link = `${siteOrigin(config, request)}/access/verify?token=${token}`;
          try {
            await ctx.mailer.sendAccessLink({ to: email, link, expiresInMinutes: linkMinutes });
          } catch (error) {
            request.log.error({ err: error, who: emailRef(email) }, 'access link could not be sent');
            throw errors.mailUnavailable();
          }
          if (isFormPost(request)) return sendPage(reply, 200, checkInboxPage(linkMinutes, next));
          return reply.code(202).send({
            success: true as const,
            data: { verification: 'link_sent' as const, expiresAt: new Date(expiresAt).toISOString() },
          });
        }

        const grant = await grantAccess(ctx, request, reply, email, next);
        if (isFormPost(request)) return reply.redirect(next, 303);
        return reply.send({
          success: true as const,
          data: {
            session_record_id: grant.sessionId,
            next,
            expiresAt: new Date(grant.expiresAt).toISOString(),
          },
        });
      } catch (error) {
        return failForm(request, reply, error, (message) =>
          accessFormPage({ next, email: request.body.email ?? '', error: message, verify }),
        );
      }
    },
  );

  app.get(
    '/access/verify',
    {
      schema: {
        tags: ['gate'],
        summary: 'The emailed link: a button that redeems it (HTML)',
        querystring: LinkQuery,
      },
    },
    async (request, reply) => {
      const token = request.query.token;
      if (!token) return sendPage(reply, 404, linkErrorPage(errors.linkNotFound().message));
      return sendPage(reply, 200, confirmLinkPage(token));
    },
  );

  app.post(
    '/access/verify',
    {
      schema: {
        tags: ['gate'],
        summary: 'Redeem an emailed link (once)',
        description: 'Starts access like the form does: 303 to the link’s `next` with the cookies set.',
        body: LinkBody,
        response: { 200: Ok(AccessGranted), ...failures(403, 404, 410) },
      },
    },
    async (request, reply) => {
      try {
        checkSameOrigin(config, request);
        const token = request.body.token ?? '';
        const now = await store.now();
        const redemption = await store.redeemGateLink(hashLinkToken(token), now);
        if (redemption.kind === 'not_found') throw errors.linkNotFound();
        if (redemption.kind === 'used') throw errors.linkUsed();
        if (redemption.kind === 'expired') throw errors.linkExpired();
        const grant = await grantAccess(ctx, request, reply, redemption.email, redemption.next);
        if (isFormPost(request)) return reply.redirect(redemption.next, 303);
        return reply.send({
          success: true as const,
          data: {
            session_record_id: grant.sessionId,
            next: redemption.next,
            expiresAt: new Date(grant.expiresAt).toISOString(),
          },
        });
      } catch (error) {
        return failForm(request, reply, error, linkErrorPage);
      }
    },
  );
};

export function hashLinkToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
