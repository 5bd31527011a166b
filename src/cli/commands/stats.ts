// `dwell stats`: the overview of the dashboard, in the terminal.

import { parseArgs } from 'node:util';
import { ORIGIN_FLAG_HELP, ORIGIN_FLAG_OPTIONS, originFilterOfFlags } from '../origin-flags.ts';
import { pickSiteOrAll } from '../site-option.ts';
import { formatDuration, parseSince, table } from '../table.ts';
import { withStore } from '../with-store.ts';
import type { Command } from './types.ts';

const HELP = `Usage: dwell stats [--site ID | --all-sites] [--since 30d|DATE] [--url URL] [--email ADDRESS] [--json] [filters]

Sessions, visitors, median and p90 engaged time, by day and top pages, on the days of the site's
time zone (a date given to --since is a day there too).
  --site        the site to read; may be left out while this Dwell has one site
  --all-sites   every site together: each session on the day of its own site's calendar, the range
                read as UTC days. Never the default, so that two sites' numbers mix only when asked
  --since       the last 30d / 12h / 2w, or since a date (2026-11-01)
  --url         one page: engaged time is time on that page
  --email       one person's sessions
  --json        the query API's stats object
${ORIGIN_FLAG_HELP}`;

export const stats: Command = {
  summary: 'engaged-time statistics (--site|--all-sites, --since 30d, --url, --email, --source…, --json)',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        site: { type: 'string' },
        'all-sites': { type: 'boolean', default: false },
        since: { type: 'string', default: '30d' },
        url: { type: 'string' },
        email: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
        ...ORIGIN_FLAG_OPTIONS,
      },
    });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    const origin = originFilterOfFlags(values);
    return withStore(async (store) => {
      const site = await pickSiteOrAll(store, values.site, values['all-sites']);
      const now = await store.now();
      const result = await store.getStats({
        ...(site ? { site: { pk: site.pk, timeZone: site.timeZone } } : {}),
        from: parseSince(values.since, now, site?.timeZone),
        to: now,
        url: values.url,
        email: values.email?.trim().toLowerCase(),
        origin,
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
          [site ? `day (${site.timeZone})` : 'day (UTC)', 'sessions', 'engaged'],
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
    });
  },
};
