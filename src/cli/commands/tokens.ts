// `dwell tokens create|list|revoke`: read-only API tokens of one site (issue #23). A token reads its
// site only; it is printed once and kept as a SHA-256 digest, as POST /api/v1/sites/:id/tokens does.

import { parseArgs } from 'node:util';
import { presentToken } from '../../server/sites/present.ts';
import { newSiteToken } from '../../server/sites/secrets.ts';
import type { SiteTokenRecord } from '../../store/site-types.ts';
import { checkName, SITE_FLAG_HELP } from '../access-flags.ts';
import { withActions } from '../actions.ts';
import { listCredentials, revokeCredential, type SiteCredential } from '../site-credentials.ts';
import { pickSite } from '../site-option.ts';
import { printJson, tokenTable } from '../site-text.ts';
import { fields } from '../table.ts';
import { withStore } from '../with-store.ts';
import type { Command } from './types.ts';

const CREATE_HELP = `Usage: dwell tokens create --site ID [--name NAME] [--json]

Creates a token that reads one site through the query API, and prints it once.
${SITE_FLAG_HELP}  --name       what it is for (default: token <id>)
  --json       the API's token object, with the token
`;

const LIST_HELP = `Usage: dwell tokens list --site ID [--json]

Lists a site's tokens with when each was last used (never the tokens themselves).
${SITE_FLAG_HELP}`;

const REVOKE_HELP = `Usage: dwell tokens revoke --site ID TOKEN_ID

Revokes a token (TOKEN_ID as dwell tokens list shows it): refused from its next request on.
${SITE_FLAG_HELP}`;

const create: Command = {
  summary: 'create a token that reads one site (printed once)',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        site: { type: 'string' },
        name: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
    if (values.help) {
      process.stdout.write(CREATE_HELP);
      return 0;
    }
    const name = checkName(values.name);
    return withStore(async (store) => {
      const site = await pickSite(store, values.site);
      const { id, token, tokenHash } = newSiteToken();
      const record = await store.createSiteToken(
        { id, site: site.pk, name: name ?? `token ${id}`, tokenHash },
        await store.now(),
      );
      if (values.json) {
        printJson({ ...presentToken(record), token });
        return 0;
      }
      process.stdout.write(
        fields([
          ['token', token],
          ['id', record.id],
          ['name', record.name],
          ['site', site.id],
        ]),
      );
      process.stdout.write(
        `\nThis token is shown once: Dwell keeps only its hash. Send it as "Authorization: Bearer <token>"; it reads ${site.id} and nothing else.\n`,
      );
      return 0;
    });
  },
};

const kind: SiteCredential<SiteTokenRecord> = {
  command: 'tokens',
  noun: 'token',
  idWord: 'token',
  list: (store, site) => store.listSiteTokens(site),
  present: presentToken,
  table: tokenTable,
  revoke: (store, site, id) => store.revokeSiteToken(site, id),
};

const list = listCredentials(kind, "list a site's tokens (never the tokens themselves)", LIST_HELP);
const revoke = revokeCredential(kind, 'revoke a token: refused from its next request on', REVOKE_HELP);

export const tokens: Command = withActions('tokens', 'site tokens: read-only API access to one site', {
  create,
  list,
  revoke,
});
