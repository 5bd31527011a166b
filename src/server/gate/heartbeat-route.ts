// POST /api/session-heartbeat (API.md): the blueprint's cookie beat, made safe. The record id
// names the session; only the signed access cookie of that same session lets a beat count.

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { withoutCampaignTags } from '../../sources/index.ts';
import { errors } from '../errors.ts';
import { limitBy } from '../plugins/rate-limits.ts';
import { answerBeat, countRefusedBeats, toSectionTimes } from '../routes/beat-answer.ts';
import { failures, Ok } from '../schemas/envelope.ts';
import { GateBeatBody } from '../schemas/gate.ts';
import { HeartbeatResult } from '../schemas/ingest.ts';
import { RECORD_COOKIE, safeEqual } from './access-cookie.ts';
import { type GateContext, sameOriginReferer } from './context.ts';

export const heartbeatRoute: FastifyPluginAsyncTypebox<{ ctx: GateContext }> = async (app, { ctx }) => {
  const { config, store } = ctx;
  app.post(
    '/api/session-heartbeat',
    {
      // Per session, like the tracker's beats: the same key space, so one budget per session.
      config: {
        ...limitBy(
          config.rateLimit?.beats,
          (request) => `beat:${request.cookies?.[RECORD_COOKIE] ?? request.ip}`,
        ),
        quietLog: true,
      },
      onResponse: countRefusedBeats(app),
      schema: {
        tags: ['gate'],
        summary: 'Cookie heartbeat for gated pages',
        description:
          'Reads the session_record_id cookie (400 NO_SESSION without it); counts only with the signed access cookie of that same session (403 FORBIDDEN otherwise). Same optional body and accounting as the tracker beat, without a token; a seed beat (the blueprint) is credited by the seed-beat rule, to the page in its Referer.',
        body: GateBeatBody,
        response: { 200: Ok(HeartbeatResult), ...failures(400, 403, 404, 410, 413, 429, 503) },
      },
    },
    async (request) => {
      const recordId = request.cookies[RECORD_COOKIE];
      if (!recordId) throw errors.noSession();
      const access = await ctx.cookies.verify(request, store, await store.now());
      if (!access || !safeEqual(access.sessionId, recordId)) {
        throw errors.forbidden(
          'This session needs a valid access cookie of its own; enter through the gate again.',
        );
      }
      const body = request.body ?? {};
      const url = body.url ?? sameOriginReferer(request);
      const { sections, ...rest } = body;
      const result = await store.recordBeat({
        ...rest,
        sections: toSectionTimes(sections),
        ...(url === undefined ? {} : { url: withoutCampaignTags(url) }),
        sessionId: access.sessionId,
        trusted: true,
      });
      if (body.final && result.kind === 'accepted') ctx.sessionEnds?.sweepSoon();
      return answerBeat(app, result);
    },
  );
};
