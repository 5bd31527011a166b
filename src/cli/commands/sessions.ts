// `dwell sessions`: the newest sessions as an aligned table (or the API's JSON objects).

import { parseArgs } from 'node:util';
import { presentSession } from '../../query/present.ts';
import { usageError } from '../cli-error.ts';
import { ORIGIN_FLAG_HELP, ORIGIN_FLAG_OPTIONS, originFilterOfFlags } from '../origin-flags.ts';
import { pickSite } from '../site-option.ts';
import { formatDuration, parseSince, table } from '../table.ts';
import { withStore } from '../with-store.ts';
import type { Command } from './types.ts';

const HELP = `Usage: dwell sessions [--site ID] [--email ADDRESS] [--since 7d|DATE] [--limit 20] [--json] [filters]

Lists one site's sessions newest first, from DATABASE_URL.
  --site    the site; may be left out while this Dwell has one site
  --email   only this person's sessions
  --since   only sessions started in the last 7d / 12h / 2w, or since a date (2026-11-01, a day
            of the site's time zone)
  --limit   how many (default 20, at most 1000)
  --json    one JSON array of session objects, as the query API returns them
${ORIGIN_FLAG_HELP}`;

export const sessions: Command = {
  summary: 'list sessions as a table (--site, --email, --since, --source…, --limit, --json)',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        site: { type: 'string' },
        email: { type: 'string' },
        since: { type: 'string' },
        limit: { type: 'string', default: '20' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
        ...ORIGIN_FLAG_OPTIONS,
      },
    });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    const limit = Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw usageError('--limit must be 1 to 1000');
    const origin = originFilterOfFlags(values);
    return withStore(async (store, config) => {
      const site = await pickSite(store, values.site);
      const now = await store.now();
      const page = await store.listSessions(
        {
          site: site.pk,
          origin,
          email: values.email?.trim().toLowerCase(),
          from: values.since === undefined ? undefined : parseSince(values.since, now, site.timeZone),
        },
        limit,
      );
      const views = page.items.map((s) => presentSession(s, now, config.timeoutMs, site.id));
      if (values.json) {
        process.stdout.write(`${JSON.stringify(views, null, 2)}\n`);
        return 0;
      }
      if (views.length === 0) {
        process.stdout.write('no sessions\n');
        return 0;
      }
      // The three clocks, engaged first (API.md "Query"); visible time stored before Dwell measured
      // it is unknown: a dash, never a guess.
      process.stdout.write(
        table(
          ['started (UTC)', 'status', 'engaged', 'visible', 'open', 'pages', 'who', 'entry page'],
          views.map((s) => [
            s.startedAt.slice(0, 16).replace('T', ' '),
            s.status,
            formatDuration(s.engagedMs),
            s.visibleMs === null ? '—' : formatDuration(s.visibleMs),
            formatDuration(s.duration * 1000),
            String(s.pages.length),
            s.email ?? s.visitorId ?? '',
            s.entryUrl ?? '',
          ]),
        ),
      );
      return 0;
    });
  },
};
