// `dwell links create|list|revoke`: shared links of one site (issue #23), a read-only dashboard of
// its aggregates at /share/<secret>, optionally behind a password. The secret is printed once and
// kept as a SHA-256 digest, as POST /api/v1/sites/:id/links does.

import { parseArgs } from 'node:util';
import { presentLink } from '../../server/sites/present.ts';
import { hashPassword, newShareLink } from '../../server/sites/secrets.ts';
import type { ShareLinkRecord } from '../../store/site-types.ts';
import { checkName, checkPassword, SITE_FLAG_HELP } from '../access-flags.ts';
import { withActions } from '../actions.ts';
import { listCredentials, revokeCredential, type SiteCredential } from '../site-credentials.ts';
import { pickSite } from '../site-option.ts';
import { linkTable, printJson } from '../site-text.ts';
import { fields } from '../table.ts';
import { withStore } from '../with-store.ts';
import type { Command } from './types.ts';

const CREATE_HELP = `Usage: dwell links create --site ID [--name NAME] [--password PASSWORD] [--json]

Creates a link to a read-only view of one site's stats and pages (never emails, visitors or
sessions) and prints it once: /share/<secret>, after DWELL_PUBLIC_URL's origin when that is set.
${SITE_FLAG_HELP}  --name       whom it is for (default: link <id>)
  --password   8 to 200 characters, asked for before the view opens
  --json       the API's link object, with its URL
`;

const LIST_HELP = `Usage: dwell links list --site ID [--json]

Lists a site's shared links with when each was last used (never the links themselves).
${SITE_FLAG_HELP}`;

const REVOKE_HELP = `Usage: dwell links revoke --site ID LINK_ID

Revokes a shared link (LINK_ID as dwell links list shows it): refused from its next request on.
${SITE_FLAG_HELP}`;

const create: Command = {
  summary: 'create a shared link to a read-only view of one site (printed once)',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        site: { type: 'string' },
        name: { type: 'string' },
        password: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
    if (values.help) {
      process.stdout.write(CREATE_HELP);
      return 0;
    }
    const name = checkName(values.name);
    const password = checkPassword(values.password);
    return withStore(async (store, config) => {
      const site = await pickSite(store, values.site);
      const { id, secret, secretHash } = newShareLink();
      const record = await store.createShareLink(
        {
          id,
          site: site.pk,
          name: name ?? `link ${id}`,
          secretHash,
          passwordHash: password === undefined ? null : await hashPassword(password),
        },
        await store.now(),
      );
      // The API answers the path alone (the reader already knows the host it asked); the CLI knows
      // no host but DWELL_PUBLIC_URL's.
      const url = `${config.publicUrl ? new URL(config.publicUrl).origin : ''}/share/${secret}`;
      if (values.json) {
        printJson({ ...presentLink(record), url });
        return 0;
      }
      process.stdout.write(
        fields([
          ['url', url],
          ['id', record.id],
          ['name', record.name],
          ['site', site.id],
        ]),
      );
      process.stdout.write(
        `\nThis link is shown once: Dwell keeps only its hash. Anyone with it${record.hasPassword ? ' and the password' : ''} sees ${site.id}'s stats and pages until it is revoked.\n`,
      );
      return 0;
    });
  },
};

const kind: SiteCredential<ShareLinkRecord> = {
  command: 'links',
  noun: 'shared link',
  idWord: 'link',
  list: (store, site) => store.listShareLinks(site),
  present: presentLink,
  table: linkTable,
  revoke: (store, site, id) => store.revokeShareLink(site, id),
};

const list = listCredentials(kind, "list a site's shared links, with when each was last used", LIST_HELP);
const revoke = revokeCredential(kind, 'revoke a shared link: refused from its next request on', REVOKE_HELP);

export const links: Command = withActions('links', "shared links: a read-only view of one site's stats", {
  create,
  list,
  revoke,
});
