// `dwell sections`: a page's attention map in the terminal — which part did they read? (issue #17)

import { parseArgs } from 'node:util';
import { loadConfig } from '../../config.ts';
import { openStore } from '../../store/index.ts';
import { formatDuration, parseSince, table } from '../table.ts';
import type { Command } from './types.ts';

const HELP = `Usage: dwell sections --url URL [--since 30d|DATE] [--email ADDRESS] [--json]

Engaged time and reach per data-dwell-section of one page, in page order (UTC days). Reach is the
share of the page's sessions that spent any engaged time in the section.
`;

export const sections: Command = {
  summary: "a page's attention map: engaged time and reach per section (--url, --since, --email, --json)",
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        url: { type: 'string' },
        since: { type: 'string', default: '30d' },
        email: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    if (!values.url) throw new Error('--url URL is required: the page whose sections to show');
    const config = loadConfig();
    const store = await openStore(config);
    try {
      const now = await store.now();
      const map = await store.getPageSections({
        url: values.url,
        from: parseSince(values.since, now),
        to: now,
        email: values.email?.trim().toLowerCase(),
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
    } finally {
      await store.close();
    }
  },
};
