// GET /api/v1/analytics/export: every session of a range as CSV or NDJSON, streamed batch by batch
// with backpressure (Readable.from), so memory stays flat however many rows there are.

import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Config } from '../../config.ts';
import { exportChunks } from '../../query/export.ts';
import { CSV_COLUMNS } from '../../query/present.ts';
import type { SessionFilter } from '../../store/query-types.ts';
import type { Store } from '../../store/types.ts';
import { siteToRead } from '../plugins/read-access.ts';
import { originFilterOf, parseTime } from '../query-params.ts';
import { failures } from '../schemas/envelope.ts';
import { ExportQuery } from '../schemas/query.ts';

export const exportRoutes: FastifyPluginAsyncTypebox<{ config: Readonly<Config>; store: Store }> = async (
  app,
  { config, store },
) => {
  app.get(
    '/api/v1/analytics/export',
    {
      schema: {
        tags: ['query'],
        summary: 'Export sessions as CSV or NDJSON (streamed)',
        description: `Oldest first. NDJSON: one session object per line, pages and origin included. CSV (RFC 4180): one row per session with the columns ${CSV_COLUMNS.join(', ')}.`,
        security: [{ admin: [] }],
        querystring: ExportQuery,
        produces: ['text/csv', 'application/x-ndjson'],
        response: {
          200: {
            description: 'The export, streamed',
            content: {
              'application/x-ndjson': {
                schema: { type: 'string', example: '{"id":"0b5c…","status":"ended","engagedMs":151000,…}\n' },
              },
              'text/csv': {
                schema: {
                  type: 'string',
                  example: 'id,status,startedAt,…\r\n0b5c…,ended,2026-11-23T10:00:00.000Z,…\r\n',
                },
              },
            },
          },
          ...failures(400, 401, 503),
        },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const site = siteToRead(request, q.site);
      const filter: SessionFilter = {
        site: site.pk,
        origin: originFilterOf(q),
        from: parseTime('from', q.from, site.timeZone),
        to: parseTime('to', q.to, site.timeZone),
        email: q.email,
        url: q.url,
      };
      const csv = q.format === 'csv';
      const stream = Readable.from(
        exportChunks(store, filter, q.format, config.timeoutMs, undefined, site.id),
      );
      stream.on('error', (error) => request.log.warn({ err: error }, 'export stopped'));
      return reply
        .type(csv ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
        .header('content-disposition', `attachment; filename="dwell-sessions.${q.format}"`)
        .header('cache-control', 'no-store')
        .send(stream);
    },
  );
};
