// `dwell sessions`: the newest sessions as an aligned table (or the API's JSON objects).

import { parseArgs } from 'node:util';
import { loadConfig } from '../../config.ts';
import { presentSession } from '../../query/present.ts';
import { openStore } from '../../store/index.ts';
import { formatDuration, parseSince, table } from '../table.ts';
import type { Command } from './types.ts';

const HELP = `Usage: dwell sessions [--email ADDRESS] [--since 7d|DATE] [--limit 20] [--json]

Lists sessions newest first, from DATABASE_URL.
  --email   only this person's sessions
  --since   only sessions started in the last 7d / 12h / 2w, or since a date (2026-11-01)
  --limit   how many (default 20, at most 1000)
  --json    one JSON array of session objects, as the query API returns them
`;

export const sessions: Command = {
  summary: 'list sessions as a table (--email, --since, --limit, --json)',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        email: { type: 'string' },
        since: { type: 'string' },
        limit: { type: 'string', default: '20' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    const limit = Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new Error('--limit must be 1 to 1000');
    const config = loadConfig();
    const store = await openStore(config);
    try {
      const now = await store.now();
      const page = await store.listSessions(
        {
          email: values.email?.trim().toLowerCase(),
          from: values.since === undefined ? undefined : parseSince(values.since, now),
        },
        limit,
      );
      const views = page.items.map((s) => presentSession(s, now, config.timeoutMs));
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
    } finally {
      await store.close();
    }
  },
};
