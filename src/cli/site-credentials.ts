// What `dwell tokens` and `dwell links` share: a site's credentials listed (never their secrets)
// and one revoked by its id. Each command keeps its own `create`, which is what differs.

import { parseArgs } from 'node:util';
import type { Store } from '../store/types.ts';
import { CliError, usageError } from './cli-error.ts';
import type { Command } from './commands/types.ts';
import { pickSite } from './site-option.ts';
import { printJson } from './site-text.ts';
import { withStore } from './with-store.ts';

export interface SiteCredential<R> {
  /** The command's name: `tokens`, `links`. */
  command: string;
  /** One, as sentences name it (`token`, `shared link`), and its id's word (`token`, `link`). */
  noun: string;
  idWord: string;
  list(store: Store, site: number): Promise<R[]>;
  present(record: R): unknown;
  table(records: R[]): string;
  revoke(store: Store, site: number, id: string): Promise<boolean>;
}

export function listCredentials<R>(kind: SiteCredential<R>, summary: string, help: string): Command {
  return {
    summary,
    async run(args) {
      const { values } = parseArgs({
        args,
        options: {
          site: { type: 'string' },
          json: { type: 'boolean', default: false },
          help: { type: 'boolean', default: false },
        },
      });
      if (values.help) {
        process.stdout.write(help);
        return 0;
      }
      return withStore(async (store) => {
        const site = await pickSite(store, values.site);
        const records = await kind.list(store, site.pk);
        if (values.json) printJson(records.map(kind.present));
        else {
          process.stdout.write(
            records.length === 0 ? `no ${kind.noun}s for ${site.id}\n` : kind.table(records),
          );
        }
        return 0;
      });
    },
  };
}

export function revokeCredential<R>(kind: SiteCredential<R>, summary: string, help: string): Command {
  const id = `${kind.idWord.toUpperCase()}_ID`;
  return {
    summary,
    async run(args) {
      const { values, positionals } = parseArgs({
        args,
        allowPositionals: true,
        options: { site: { type: 'string' }, help: { type: 'boolean', default: false } },
      });
      if (values.help) {
        process.stdout.write(help);
        return 0;
      }
      const [given, ...extra] = positionals;
      if (given === undefined || extra.length > 0) {
        throw usageError(`give one ${kind.idWord} id: dwell ${kind.command} revoke --site example.com ${id}`);
      }
      return withStore(async (store) => {
        const site = await pickSite(store, values.site);
        if (!(await kind.revoke(store, site.pk, given))) {
          throw new CliError(
            `no ${kind.noun} "${given}" on site ${site.id} (dwell ${kind.command} list --site ${site.id})`,
          );
        }
        process.stdout.write(`revoked ${kind.noun} ${given} of ${site.id}\n`);
        return 0;
      });
    },
  };
}
