// `dwell sites remove <id> --yes`: deletes a site with its sessions, tokens and shared links.
// Without --yes it only says what would go, so a slip of the keyboard deletes nothing.

import { parseArgs } from 'node:util';
import { CliError, usageError } from '../../cli-error.ts';
import { findSite } from '../../site-option.ts';
import { printJson } from '../../site-text.ts';
import { withStore } from '../../with-store.ts';
import type { Command } from '../types.ts';

const HELP = `Usage: dwell sites remove <id> --yes [--json]

Deletes the site with all its sessions, tokens and shared links; pages of its hosts are declined
from then on (with DWELL_SITES=auto, they make a new site instead). Without --yes, prints how many
sessions would go with it and deletes nothing (exit code 1).
`;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export const removeSite: Command = {
  summary: 'delete a site with its sessions, tokens and links (--yes)',
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        yes: { type: 'boolean', default: false },
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
      throw usageError('give one site id: dwell sites remove example.com --yes');
    return withStore(async (store) => {
      const site = findSite(await store.listSites(), id);
      if (!values.yes) {
        const [sessions, tokens, links] = await Promise.all([
          store.countSiteSessions(site.pk),
          store.listSiteTokens(site.pk),
          store.listShareLinks(site.pk),
        ]);
        throw new CliError(
          `not removed: site ${site.id} has ${plural(sessions, 'session')}, ${plural(tokens.length, 'token')} and ${plural(links.length, 'shared link')}, all deleted with it; run again with --yes to remove it`,
        );
      }
      const deleted = await store.deleteSite(site.id);
      if (!deleted) throw new CliError(`site "${site.id}" was removed meanwhile`);
      if (values.json) printJson({ id: site.id, sessions: deleted.sessions });
      else process.stdout.write(`removed site ${site.id} with ${plural(deleted.sessions, 'session')}\n`);
      return 0;
    });
  },
};
