// `dwell sections`: a page's attention map in the terminal — which part did they read? (issue #17)

import { parseArgs } from 'node:util';
import { usageError } from '../cli-error.ts';
import { ORIGIN_FLAG_HELP, ORIGIN_FLAG_OPTIONS, originFilterOfFlags } from '../origin-flags.ts';
import { pickSite } from '../site-option.ts';
import { formatDuration, parseSince, table } from '../table.ts';
import { withStore } from '../with-store.ts';
import type { Command } from './types.ts';

const HELP = `Usage: dwell sections --url URL [--site ID] [--since 30d|DATE] [--email ADDRESS] [--json]
       [filters]

Engaged time and reach per data-dwell-section of one page of a site, in page order, over the days
of the site's time zone. Reach is the share of the page's sessions that spent any engaged time in
the section.
  --site    the site; may be left out while this Dwell has one site
${ORIGIN_FLAG_HELP}`;

export const sections: Command = {
  summary:
    "a page's attention map: engaged time and reach per section (--url, --site, --since, --email, --json)",
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        url: { type: 'string' },
        site: { type: 'string' },
        since: { type: 'string', default: '30d' },
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
    if (!values.url) throw usageError('--url URL is required: the page whose sections to show');
    const url = values.url;
    const origin = originFilterOfFlags(values);
    return withStore(async (store) => {
      const site = await pickSite(store, values.site);
      const now = await store.now();
      const map = await store.getPageSections({
        site: { pk: site.pk, timeZone: site.timeZone },
        url,
        from: parseSince(values.since, now, site.timeZone),
        to: now,
        email: values.email?.trim().toLowerCase(),
        origin,
      });
      if (values.json) {
        process.stdout.write(`${JSON.stringify(map, null, 2)}\n`);
        return 0;
      }
      process.stdout.write(`${map.url}: ${map.sessions} sessions with engaged time\n\n`);
      process.stdout.write(
        table(
          ['#', 'section', 'engaged', 'sessions', 'reach'],
          map.sections.map((s) => [
            String(s.position + 1),
            s.name,
            formatDuration(s.engagedMs),
            String(s.sessions),
            `${Math.round(s.reach * 100)}%`,
          ]),
        ),
      );
      return 0;
    });
  },
};
