// The public ingest routes of API.md: start a session, and beat ("still here").

import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { isbot } from 'isbot';
import type { Config } from '../../config.ts';
import { withoutCampaignTags } from '../../sources/index.ts';
import type { Store } from '../../store/types.ts';
import { errors } from '../errors.ts';
import { limitBy } from '../plugins/rate-limits.ts';
import { failures, Ok } from '../schemas/envelope.ts';
import {
  HeartbeatBody,
  HeartbeatParams,
  HeartbeatResult,
  StartedSession,
  StartSessionBody,
} from '../schemas/ingest.ts';
import { newSessionId } from '../session-id.ts';
import { sessionOrigin } from '../session-origin.ts';
import { hashToken, type VisitorKeys } from '../visitor-keys.ts';
import { answerBeat, countRefusedBeats, toSectionTimes } from './beat-answer.ts';

export interface IngestOptions {
  config: Readonly<Config>;
  store: Store;
  visitorKeys: VisitorKeys;
}

export const ingestRoutes: FastifyPluginAsyncTypebox<IngestOptions> = async (
  app,
  { config, store, visitorKeys },
) => {
  app.post(
    '/api/v1/analytics/session',
    {
      // Busy public routes: no per-request log lines below debug (request-logging.ts).
      config: { ...limitBy(config.rateLimit?.sessions, (request) => request.ip), quietLog: true },
      schema: {
        tags: ['ingest'],
        summary: 'Start a session',
        description:
          'Declines on purpose with `id: null` and a reason for bots, Global Privacy Control and (if configured) Do-Not-Track.',
        body: StartSessionBody,
        response: { 201: Ok(StartedSession), ...failures(400, 413, 429, 503) },
      },
      onResponse: async (request) => {
        if (request.errorCode) app.metrics.sessionsRefused.inc({ reason: request.errorCode });
      },
    },
    async (request, reply) => {
      const userAgent = request.headers['user-agent'] ?? '';
      const declined = declineReason(config, userAgent, request.headers);
      if (declined) {
        app.metrics.sessionsDeclined.inc({ reason: declined });
        return reply.code(201).send({ success: true, data: { id: null, reason: declined } });
      }
      const body = request.body ?? {};
      const decision = await app.sites.decide({
        site: body.site,
        url: body.url,
        origin: header(request.headers.origin),
        referer: header(request.headers.referer),
      });
      if (decision.site === null) {
        app.metrics.sessionsDeclined.inc({ reason: decision.reason });
        if (decision.host !== null) app.declinedHosts.note(decision.host, Date.now());
        return reply.code(201).send({ success: true, data: { id: null, reason: decision.reason } });
      }
      const site = decision.site;
      const now = await store.now();
      const visitorId = body.visitorId ?? (await visitorKeys.keyFor(site.id, request.ip, userAgent, now));
      const id = newSessionId(now);
      const token = randomBytes(24).toString('base64url');
      await store.createSession({
        site,
        id,
        tokenHash: hashToken(token),
        email: null,
        visitorId,
        entryUrl: body.url ?? null,
        referrer: body.referrer || null,
        screen: body.screen ?? null,
        lang: body.lang ?? null,
        origin: sessionOrigin(request, site, { url: body.url, referrer: body.referrer }, config.geo),
      });
      app.metrics.sessions.inc({ kind: 'tracker' });
      return reply
        .code(201)
        .send({ success: true, data: { id, token, interval: config.intervalMs, timeout: config.timeoutMs } });
    },
  );

  const beatRoute = {
    config: {
      ...limitBy(
        config.rateLimit?.beats,
        (request) => `beat:${(request.params as { id?: string }).id ?? ''}`,
      ),
      quietLog: true,
    },
    onResponse: countRefusedBeats(app),
    schema: {
      tags: ['ingest'],
      summary: 'Heartbeat: still here',
      description:
        'Credits min(engagedMs, unused wall-clock time of the session + tolerance); seed beats (no token, no claimed time) are credited the time since the previous beat, at most one interval + tolerance. A seq at or below the last accepted one is a retry: 200, credited 0.',
      params: HeartbeatParams,
      body: HeartbeatBody,
      response: { 200: Ok(HeartbeatResult), ...failures(400, 403, 404, 410, 413, 429, 503) },
    },
  } as const;

  const heartbeat = async (request: {
    params: { id: string };
    body: typeof HeartbeatBody.static | undefined;
  }) => {
    const body = request.body ?? {};
    if (body.token === undefined && !config.legacyBeats) {
      throw errors.forbidden(
        'A token is required: seed beats without a token are turned off (DWELL_LEGACY_BEATS=off).',
      );
    }
    // A seed beat (no token) is the seed clients' form: it claims nothing, so engagedMs (and what goes
    // with it) is ignored and the seed-beat rule applies.
    const { token, engagedMs, visibleMs, sections, ...rest } = body;
    const result = await store.recordBeat({
      sessionId: request.params.id,
      ...rest,
      // A page is the same page whichever campaign brought the reader (issue #24).
      ...(rest.url === undefined ? {} : { url: withoutCampaignTags(rest.url) }),
      ...(token === undefined
        ? {}
        : { tokenHash: hashToken(token), engagedMs, visibleMs, sections: toSectionTimes(sections) }),
    });
    return answerBeat(app, result);
  };

  app.patch('/api/v1/analytics/session/:id/heartbeat', beatRoute, heartbeat);
  app.post('/api/v1/analytics/session/:id/heartbeat', beatRoute, heartbeat);
};

const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

function declineReason(
  config: Readonly<Config>,
  userAgent: string,
  headers: Record<string, string | string[] | undefined>,
): string | null {
  if (isbot(userAgent)) return 'bot';
  if (config.honorGpc && headers['sec-gpc'] === '1') return 'gpc';
  if (config.honorDnt && headers.dnt === '1') return 'dnt';
  return null;
}
