// `dwell sites list`: every site with its hosts, time zone and how many sessions it holds.

import { parseArgs } from 'node:util';
import { presentSite } from '../../../server/sites/present.ts';
import { formatHostPattern } from '../../../sites/index.ts';
import { printJson } from '../../site-text.ts';
import { table } from '../../table.ts';
import { withStore } from '../../with-store.ts';
import type { Command } from '../types.ts';

const HELP = `Usage: dwell sites list [--json]

Lists the sites in the order they were added.
  --json   one JSON array of the API's site objects, each with its number of sessions
`;

export const listSites: Command = {
  summary: 'list the sites with their hosts, time zone and sessions',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: { json: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
    });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    return withStore(async (store) => {
      const sites = await store.listSites();
      // One count per site: sites are few (the ingest keeps them all in memory for the same reason).
      const counts = await Promise.all(sites.map((s) => store.countSiteSessions(s.pk)));
      if (values.json) {
        printJson(sites.map((s, i) => ({ ...presentSite(s), sessions: counts[i] })));
        return 0;
      }
      if (sites.length === 0) {
        process.stdout.write('no sites yet: add one with dwell sites add <host>\n');
        return 0;
      }
      process.stdout.write(
        table(
          ['id', 'name', 'time zone', 'sessions', 'hosts'],
          sites.map((s, i) => [
            s.id,
            s.name,
            s.timeZone,
            String(counts[i]),
            s.hosts.map(formatHostPattern).join(', '),
          ]),
        ),
      );
      return 0;
    });
  },
};
