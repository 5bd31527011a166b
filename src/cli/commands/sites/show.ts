// `dwell sites show <id>`: one site's settings, sessions, tokens and shared links.

import { parseArgs } from 'node:util';
import { presentLink, presentSite, presentToken } from '../../../server/sites/present.ts';
import { usageError } from '../../cli-error.ts';
import { findSite } from '../../site-option.ts';
import { linkTable, printJson, siteText, tokenTable } from '../../site-text.ts';
import { withStore } from '../../with-store.ts';
import type { Command } from '../types.ts';

const HELP = `Usage: dwell sites show <id> [--json]

Prints a site's settings, how many sessions it holds, its tokens and its shared links (never the
tokens or links themselves: they are shown once, when created).
  --json   the API's site object with sessions, tokens and links
`;

export const showSite: Command = {
  summary: "a site's settings, tokens and shared links",
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { json: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
    });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    const [id, ...extra] = positionals;
    if (id === undefined || extra.length > 0)
      throw usageError('give one site id: dwell sites show example.com');
    return withStore(async (store) => {
      const site = findSite(await store.listSites(), id);
      const [sessions, tokens, links] = await Promise.all([
        store.countSiteSessions(site.pk),
        store.listSiteTokens(site.pk),
        store.listShareLinks(site.pk),
      ]);
      if (values.json) {
        printJson({
          ...presentSite(site),
          sessions,
          tokens: tokens.map(presentToken),
          links: links.map(presentLink),
        });
        return 0;
      }
      process.stdout.write(siteText(site, sessions));
      process.stdout.write(tokens.length === 0 ? '\nno tokens\n' : `\ntokens\n${tokenTable(tokens)}`);
      process.stdout.write(
        links.length === 0 ? '\nno shared links\n' : `\nshared links\n${linkTable(links)}`,
      );
      return 0;
    });
  },
};
