// `dwell sites add <host>…`: a new site, checked field by field as POST /api/v1/sites checks it.

import { parseArgs } from 'node:util';
import { presentSite } from '../../../server/sites/present.ts';
import { parseNewSite } from '../../../sites/index.ts';
import { printJson, siteText } from '../../site-text.ts';
import { withStore } from '../../with-store.ts';
import type { Command } from '../types.ts';

const HELP = `Usage: dwell sites add <host> [<host>…] [--id ID] [--name NAME] [--time-zone ZONE]
                      [--origin ORIGIN]… [--json]

Adds a site served from the given hosts, the first being its main host. A host may carry a path
(bio.re/alice) so that several sites share one host: the longest match wins.
  --id          its short id, for --site and the API's site= (default: the main host)
  --name        as the dashboard shows it (default: the id)
  --time-zone   IANA name such as Europe/Berlin: its days are counted in it (default: UTC)
  --origin      an origin allowed to send its beats, repeatable (default: its hosts over https,
                and over http for localhost)
  --json        print the site as the API returns it
`;

export const addSite: Command = {
  summary: 'add a site: dwell sites add example.com www.example.com [--time-zone Europe/Berlin]',
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        id: { type: 'string' },
        name: { type: 'string' },
        'time-zone': { type: 'string' },
        origin: { type: 'string', multiple: true },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    const fields = parseNewSite({
      id: values.id,
      name: values.name,
      hosts: positionals,
      timeZone: values['time-zone'],
      origins: values.origin,
    });
    return withStore(async (store) => {
      const site = await store.createSite(fields, await store.now());
      if (values.json) printJson(presentSite(site));
      else process.stdout.write(`added site ${site.id}\n\n${siteText(site)}`);
      return 0;
    });
  },
};
