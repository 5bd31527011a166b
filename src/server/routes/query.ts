// The query API of API.md behind the admin token: sessions, one session's timeline, visitors and
// stats here; the live stream and the exports in their own files. Routes are thin: schema →
// store query → presenter.

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Config } from '../../config.ts';
import { presentSession, presentSpan, presentVisitor } from '../../query/present.ts';
import { InvalidCursorError } from '../../store/query-types.ts';
import type { Store } from '../../store/types.ts';
import { errors } from '../errors.ts';
import { requireReader, siteToRead } from '../plugins/read-access.ts';
import { breakdownQueryOf, originFilterOf, parseRange, parseTime } from '../query-params.ts';
import { failures, Ok } from '../schemas/envelope.ts';
import {
  Breakdown,
  BreakdownQuery,
  PageSections,
  PageSectionsQuery,
  SessionList,
  SessionParams,
  SessionsQuery,
  SessionWithTimeline,
  Stats,
  StatsQuery,
  VisitorList,
  VisitorsQuery,
} from '../schemas/query.ts';
import { exportRoutes } from './query-export.ts';
import { liveRoutes } from './query-live.ts';

export interface QueryRoutesOptions {
  config: Readonly<Config>;
  store: Store;
  adminToken: string;
}

const security = [{ admin: [] }];

export const queryRoutes: FastifyPluginAsyncTypebox<QueryRoutesOptions> = async (app, options) => {
  const { config, store } = options;
  requireReader(app, options.adminToken, store);
  const cursorErrors = (error: unknown): never => {
    throw error instanceof InvalidCursorError ? errors.invalidCursor() : error;
  };

  app.get(
    '/api/v1/analytics/sessions',
    {
      schema: {
        tags: ['query'],
        summary: 'List sessions, newest first',
        description: 'Every filter combines with AND. Pass `nextCursor` back as `cursor` for the next page.',
        security,
        querystring: SessionsQuery,
        response: { 200: Ok(SessionList), ...failures(400, 401, 404, 503) },
      },
    },
    async (request) => {
      const q = request.query;
      const site = siteToRead(request, q.site);
      const now = await store.now();
      const page = await store
        .listSessions(
          {
            site: site.pk,
            origin: originFilterOf(q),
            email: q.email,
            visitorId: q.visitorId,
            url: q.url,
            from: parseTime('from', q.from, site.timeZone),
            to: parseTime('to', q.to, site.timeZone),
            status: q.status,
            now,
            timeoutMs: config.timeoutMs,
          },
          q.limit,
          q.cursor,
        )
        .catch(cursorErrors);
      return {
        success: true as const,
        data: {
          items: page.items.map((s) => presentSession(s, now, config.timeoutMs, site.id)),
          nextCursor: page.nextCursor,
        },
      };
    },
  );

  app.get(
    '/api/v1/analytics/sessions/:id',
    {
      schema: {
        tags: ['query'],
        summary: 'One session with its timeline of engaged spans',
        security,
        params: SessionParams,
        response: { 200: Ok(SessionWithTimeline), ...failures(400, 401, 404, 503) },
      },
    },
    async (request) => {
      const session = await store.getSession(request.params.id);
      const site = session && request.server.sites.getByPk(session.site);
      // A site token sees its own site's sessions only; another's is as if it did not exist.
      const readable = request.reader.kind === 'admin' || request.reader.site === session?.site;
      if (!session || !readable) throw errors.sessionNotFound();
      const now = await store.now();
      return {
        success: true as const,
        data: {
          ...presentSession(session, now, config.timeoutMs, site?.id),
          origin: session.origin,
          timeline: session.timeline.map(presentSpan),
        },
      };
    },
  );

  app.get(
    '/api/v1/analytics/visitors',
    {
      schema: {
        tags: ['query'],
        summary: 'People (email, else visitor key), most recently seen first',
        description:
          "Counts the days of the site's time zone that [from, to) touches. Engaged time of overlapping sessions (two tabs at once) is counted once. With origin filters (`source=Hacker News`), a person is counted by the sessions that match.",
        security,
        querystring: VisitorsQuery,
        response: { 200: Ok(VisitorList), ...failures(400, 401, 404, 503) },
      },
    },
    async (request) => {
      const site = siteToRead(request, request.query.site);
      const range = parseRange(request.query, await store.now(), site.timeZone);
      const list = await store
        .listVisitors({
          site,
          ...range,
          limit: request.query.limit,
          cursor: request.query.cursor,
          filter: originFilterOf(request.query),
        })
        .catch(cursorErrors);
      return {
        success: true as const,
        data: { total: list.total, items: list.items.map(presentVisitor), nextCursor: list.nextCursor },
      };
    },
  );

  app.get(
    '/api/v1/analytics/stats',
    {
      schema: {
        tags: ['query'],
        summary: 'Engaged-time statistics',
        description:
          "Over the days of the site's time zone that [from, to) touches (default: the last 30 days). Median and p90 are nearest-rank over whole-second durations. With `url`, engaged time is time on that page.",
        security,
        querystring: StatsQuery,
        response: { 200: Ok(Stats), ...failures(400, 401, 404, 503) },
      },
    },
    async (request) => {
      const site = siteToRead(request, request.query.site);
      const range = parseRange(request.query, await store.now(), site.timeZone);
      const stats = await store.getStats({
        site,
        ...range,
        url: request.query.url,
        email: request.query.email,
        origin: originFilterOf(request.query),
      });
      return { success: true as const, data: stats };
    },
  );

  app.get(
    '/api/v1/analytics/sections',
    {
      schema: {
        tags: ['query'],
        summary: 'The attention map of a page: engaged time and reach per section',
        description:
          "Sections are the elements marked `data-dwell-section` (docs/tracker.md). Over the sessions started in the days of the site's time zone that [from, to) touches (default: the last 30 days); with `email`, one person's. Reach is the share of the page's sessions that spent any engaged time in the section.",
        security,
        querystring: PageSectionsQuery,
        response: { 200: Ok(PageSections), ...failures(400, 401, 404, 503) },
      },
    },
    async (request) => {
      const site = siteToRead(request, request.query.site);
      const range = parseRange(request.query, await store.now(), site.timeZone);
      const map = await store.getPageSections({
        site,
        origin: originFilterOf(request.query),
        ...range,
        url: request.query.url,
        email: request.query.email,
      });
      return { success: true as const, data: map };
    },
  );

  app.get(
    '/api/v1/analytics/breakdown',
    {
      schema: {
        tags: ['query'],
        summary: 'Engaged time by source, campaign, device or country',
        description:
          "Per value of `by` over the site's days that [from, to) touches: sessions, distinct people, engaged time (total and median) and engaged sessions (≥ 10 s engaged), most engaged time first. Every dimension is also a filter (`source=Hacker News&country=DE`; `(none)` matches sessions without one).",
        security,
        querystring: BreakdownQuery,
        response: { 200: Ok(Breakdown), ...failures(400, 401, 404, 503) },
      },
    },
    async (request) => {
      const q = request.query;
      const site = siteToRead(request, q.site);
      const breakdown = await store
        .getBreakdown(breakdownQueryOf(site, q, await store.now()))
        .catch(cursorErrors);
      return { success: true as const, data: breakdown };
    },
  );

  await app.register(liveRoutes, { config, store });
  await app.register(exportRoutes, { config, store });
};
