// `dwell stats`: the overview of the dashboard, in the terminal.

import { parseArgs } from 'node:util';
import { loadConfig } from '../../config.ts';
import { openStore } from '../../store/index.ts';
import { formatDuration, parseSince, table } from '../table.ts';
import type { Command } from './types.ts';

const HELP = `Usage: dwell stats [--since 30d|DATE] [--url URL] [--email ADDRESS] [--json]

Sessions, visitors, median and p90 engaged time, by day and top pages (UTC days).
`;

export const stats: Command = {
  summary: 'engaged-time statistics (--since 30d, --url, --email, --json)',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        since: { type: 'string', default: '30d' },
        url: { type: 'string' },
        email: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    const config = loadConfig();
    const store = await openStore(config);
    try {
      const now = await store.now();
      const result = await store.getStats({
        from: parseSince(values.since, now),
        to: now,
        url: values.url,
        email: values.email?.trim().toLowerCase(),
      });
      if (values.json) {
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        return 0;
      }
      const { engagedMs } = result;
      process.stdout.write(
        `sessions ${result.sessions}   visitors ${result.visitors}   engaged ${formatDuration(engagedMs.total)}   median ${formatDuration(engagedMs.median)}   p90 ${formatDuration(engagedMs.p90)}\n\n`,
      );
      process.stdout.write(
        table(
          ['day', 'sessions', 'engaged'],
          result.byDay
            .filter((d) => d.sessions > 0)
            .map((d) => [d.day, String(d.sessions), formatDuration(d.engagedMs)]),
        ),
      );
      process.stdout.write('\n');
      process.stdout.write(
        table(
          ['page', 'sessions', 'engaged'],
          result.byPage.slice(0, 10).map((p) => [p.url, String(p.sessions), formatDuration(p.engagedMs)]),
        ),
      );
      return 0;
    } finally {
      await store.close();
    }
  },
};
