// `dwell breakdown`: engaged time by source, campaign, device or country (issue #24) — did the
// newsletter bring readers or bouncers? The same query as GET /api/v1/analytics/breakdown.

import { parseArgs } from 'node:util';
import { DIMENSIONS, type Dimension, ENGAGED_SESSION_MS, NONE } from '../../store/breakdown-types.ts';
import { InvalidCursorError } from '../../store/query-types.ts';
import { usageError } from '../cli-error.ts';
import { ORIGIN_FLAG_HELP, ORIGIN_FLAG_OPTIONS, originFilterOfFlags, wrapList } from '../origin-flags.ts';
import { pickSite } from '../site-option.ts';
import { formatDuration, parseSince, table } from '../table.ts';
import { withStore } from '../with-store.ts';
import type { Command } from './types.ts';

const HELP = `Usage: dwell breakdown --by DIMENSION [--site ID] [--since 30d|DATE] [--limit 20] [--json] [filters]

Engaged time per value of one dimension of the sessions' origin, over the days of the site's time
zone, most engaged time first (as the API orders it). An engaged session has at least ${ENGAGED_SESSION_MS / 1000} s of
engaged time; the median is over whole seconds, as in dwell stats.
  --by          one of:
${wrapList(DIMENSIONS, ', ', '                ')}
  --site        the site; may be left out while this Dwell has one site
  --since       the last 30d / 12h / 2w, or since a date (2026-11-01, a day of the site's time zone)
  --limit       how many values (default 20, at most 1000)
  --cursor      the nextCursor of a --json answer: the values after it
  --json        the query API's breakdown object ({ items, nextCursor })
${ORIGIN_FLAG_HELP}`;

function checkDimension(by: string | undefined): Dimension {
  if (by !== undefined && (DIMENSIONS as string[]).includes(by)) return by as Dimension;
  const said = by === undefined ? 'is required' : `"${by}" is not a dimension`;
  throw usageError(`--by ${said}: one of ${DIMENSIONS.join(', ')}`);
}

export const breakdown: Command = {
  summary: 'engaged time by source, campaign, device or country (--by, --site, --since, --json)',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        by: { type: 'string' },
        site: { type: 'string' },
        since: { type: 'string', default: '30d' },
        limit: { type: 'string', default: '20' },
        cursor: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
        ...ORIGIN_FLAG_OPTIONS,
      },
    });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    const by = checkDimension(values.by);
    const limit = Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw usageError('--limit must be 1 to 1000');
    const filter = originFilterOfFlags(values);
    return withStore(async (store) => {
      const site = await pickSite(store, values.site);
      const now = await store.now();
      const result = await store
        .getBreakdown({
          site: { pk: site.pk, timeZone: site.timeZone },
          by,
          from: parseSince(values.since, now, site.timeZone),
          to: now,
          limit,
          cursor: values.cursor,
          filter,
        })
        .catch((error: unknown) => {
          throw error instanceof InvalidCursorError ? usageError('--cursor is not one dwell gave') : error;
        });
      if (values.json) {
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        return 0;
      }
      if (result.items.length === 0) {
        process.stdout.write('no sessions\n');
        return 0;
      }
      process.stdout.write(
        table(
          [by, 'sessions', 'visitors', 'engaged', 'median', 'engaged sessions'],
          result.items.map((row) => [
            row.value ?? NONE,
            String(row.sessions),
            String(row.visitors),
            formatDuration(row.engagedMs.total),
            formatDuration(row.engagedMs.median),
            `${row.engagedSessions} (${Math.round((row.engagedSessions / Math.max(1, row.sessions)) * 100)}%)`,
          ]),
        ),
      );
      if (result.nextCursor !== null)
        process.stdout.write(`(more values: a higher --limit, or --json and its nextCursor as --cursor)\n`);
      return 0;
    });
  },
};
