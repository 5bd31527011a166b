// GET /api/v1/analytics/live: Server-Sent Events of who is engaged now. A snapshot on connect,
// then a new one shortly after beats arrive (debounced, so a burst of beats is one read), and
// every few seconds so readers who left drop out. The admin token comes in the Authorization
// header: the dashboard reads the stream with fetch, so the token never appears in a URL or a log.

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Config } from '../../config.ts';
import { presentLive } from '../../query/present.ts';
import type { Store } from '../../store/types.ts';
import { siteToRead } from '../plugins/read-access.ts';
import { failures } from '../schemas/envelope.ts';
import { LiveQuery } from '../schemas/query.ts';

const DEBOUNCE_MS = 250;
const REFRESH_MS = 5_000;

export const liveRoutes: FastifyPluginAsyncTypebox<{ config: Readonly<Config>; store: Store }> = async (
  app,
  { config, store },
) => {
  // Engaged now = a beat within two intervals (plus the tolerance), session not ended.
  const windowMs = 2 * config.intervalMs + config.toleranceMs;
  const streams = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of streams) end();
  });

  app.get(
    '/api/v1/analytics/live',
    {
      schema: {
        tags: ['query'],
        summary: 'Who is engaged now (Server-Sent Events)',
        description:
          'A `text/event-stream`. Each `live` event holds `{ count, sessions: [{ id, email, visitorId, url, engagedMs, lastActivityAt }], at }`: sessions with a beat in the last two heartbeat intervals. Sent on connect, after beats arrive, and every 5 s. Comments (`: ping`) keep proxies from closing the stream.',
        security: [{ admin: [] }],
        querystring: LiveQuery,
        produces: ['text/event-stream'],
        response: {
          200: {
            description: 'The event stream',
            content: {
              'text/event-stream': {
                schema: Type.String({
                  examples: [
                    'event: live\ndata: {"count":1,"sessions":[{"id":"0b5c…","email":null,"visitorId":"Qm9f…","url":"https://example.com/","engagedMs":42000,"lastActivityAt":"2026-11-23T10:03:12.000Z"}],"at":"2026-11-23T10:03:13.000Z"}\n\n',
                  ],
                }),
              },
            },
          },
          ...failures(400, 401, 404),
        },
      },
    },
    async (request, reply) => {
      const limit = request.query.limit;
      const site = siteToRead(request, request.query.site);
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      raw.write('retry: 3000\n\n');

      let last = '';
      let timer: NodeJS.Timeout | null = null;
      let closed = false;
      const send = async () => {
        timer = null;
        if (closed) return;
        try {
          const now = await store.now();
          const sessions = await store.listLiveSessions(now - windowMs, limit, site.pk);
          const body = JSON.stringify({ count: sessions.length, sessions: sessions.map(presentLive) });
          if (body === last) return;
          last = body;
          raw.write(`event: live\ndata: ${body.slice(0, -1)},"at":"${new Date(now).toISOString()}"}\n\n`);
        } catch (error) {
          request.log.warn({ err: error }, 'live snapshot failed');
        }
      };
      const onBeat = () => {
        timer ??= setTimeout(send, DEBOUNCE_MS);
      };
      const refresh = setInterval(() => {
        raw.write(': ping\n\n');
        void send();
      }, REFRESH_MS);
      const end = () => {
        if (closed) return;
        closed = true;
        clearInterval(refresh);
        if (timer) clearTimeout(timer);
        app.beatEvents.off('beat', onBeat);
        streams.delete(end);
        raw.end();
      };
      streams.add(end);
      app.beatEvents.on('beat', onBeat);
      raw.on('close', end);
      await send();
    },
  );
};
