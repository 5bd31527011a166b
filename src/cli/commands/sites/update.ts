// `dwell sites update <id>`: changes a site's name, hosts, time zone or origins, checked as
// PATCH /api/v1/sites/:id checks them.

import { parseArgs } from 'node:util';
import { presentSite } from '../../../server/sites/present.ts';
import { formatHostPattern, parseHostPattern, parseSitePatch, SiteInputError } from '../../../sites/index.ts';
import type { SiteRecord } from '../../../store/site-types.ts';
import { CliError, usageError } from '../../cli-error.ts';
import { findSite } from '../../site-option.ts';
import { printJson, siteText } from '../../site-text.ts';
import { withStore } from '../../with-store.ts';
import type { Command } from '../types.ts';

const HELP = `Usage: dwell sites update <id> [--name NAME] [--time-zone ZONE] [--add-host HOST]…
                         [--remove-host HOST]… [--hosts HOST,HOST] [--origin ORIGIN]…
                         [--default-origins] [--json]

Changes what the flags name; the id stays (it is in every query and shared link).
  --name             as the dashboard shows it
  --time-zone        IANA name such as Europe/Berlin. Its stored sessions move to the day of the
                     new calendar they started on: stats by day, visitors and retention follow
  --add-host         a host (or host/path) to add, repeatable
  --remove-host      a host to remove, repeatable; sessions already counted stay with the site
  --hosts            the whole list instead, comma-separated, the main host first
  --origin           the origins allowed to send its beats, repeatable (replaces the list)
  --default-origins  back to the defaults: its hosts over https, and over http for localhost
  --json             print the site as the API returns it
`;

interface HostFlags {
  hosts?: string | undefined;
  'add-host'?: string[] | undefined;
  'remove-host'?: string[] | undefined;
}

/** The site's new host list from the flags, or undefined when they leave the hosts alone. */
function newHosts(site: SiteRecord, flags: HostFlags): string[] | undefined {
  const adds = flags['add-host'] ?? [];
  const removes = flags['remove-host'] ?? [];
  if (flags.hosts !== undefined) {
    if (adds.length > 0 || removes.length > 0)
      throw usageError('give --hosts, or --add-host and --remove-host, not both');
    return flags.hosts
      .split(',')
      .map((h) => h.trim())
      .filter((h) => h !== '');
  }
  if (adds.length === 0 && removes.length === 0) return undefined;
  const hosts = site.hosts.map(formatHostPattern);
  for (const input of removes) {
    const host = formatHostPattern(parseHostPattern(input, '--remove-host'));
    if (!hosts.includes(host)) {
      throw new SiteInputError(
        'hosts',
        `--remove-host ${JSON.stringify(input)} is not a host of ${site.id} (its hosts: ${hosts.join(', ')})`,
      );
    }
    hosts.splice(hosts.indexOf(host), 1);
  }
  for (const input of adds) {
    const host = formatHostPattern(parseHostPattern(input, '--add-host'));
    if (hosts.includes(host))
      throw new SiteInputError(
        'hosts',
        `--add-host ${JSON.stringify(input)} is already a host of ${site.id}`,
      );
    hosts.push(host);
  }
  return hosts;
}

export const updateSite: Command = {
  summary: "change a site's name, hosts, time zone or origins",
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        name: { type: 'string' },
        'time-zone': { type: 'string' },
        'add-host': { type: 'string', multiple: true },
        'remove-host': { type: 'string', multiple: true },
        hosts: { type: 'string' },
        origin: { type: 'string', multiple: true },
        'default-origins': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    const [id, ...extra] = positionals;
    if (id === undefined || extra.length > 0)
      throw usageError('give one site id: dwell sites update example.com --name …');
    if (values.origin && values['default-origins'])
      throw usageError('give --origin or --default-origins, not both');
    return withStore(async (store) => {
      const site = findSite(await store.listSites(), id);
      const patch = parseSitePatch({
        name: values.name,
        hosts: newHosts(site, values),
        timeZone: values['time-zone'],
        origins: values['default-origins'] ? null : values.origin,
      });
      if (Object.keys(patch).length === 0) {
        throw usageError(
          'nothing to change: give --name, --time-zone, --add-host, --remove-host, --hosts, --origin or --default-origins',
        );
      }
      const updated = await store.updateSite(site.id, patch, await store.now());
      if (!updated) throw new CliError(`site "${site.id}" was removed meanwhile`);
      if (values.json) {
        printJson(presentSite(updated));
        return 0;
      }
      process.stdout.write(`updated site ${updated.id}\n\n${siteText(updated)}`);
      if (updated.timeZone !== site.timeZone) {
        process.stdout.write(
          `\nIts sessions now count on the days of ${updated.timeZone}; stats by day, visitors and retention follow.\n`,
        );
      }
      return 0;
    });
  },
};
