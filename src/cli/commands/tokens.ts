// `dwell tokens create|list|revoke`: read-only API tokens of one site (issue #23). A token reads its
// site only; it is printed once and kept as a SHA-256 digest, as POST /api/v1/sites/:id/tokens does.

import { parseArgs } from 'node:util';
import { presentToken } from '../../server/sites/present.ts';
import { newSiteToken } from '../../server/sites/secrets.ts';
import { checkName, SITE_FLAG_HELP } from '../access-flags.ts';
import { withActions } from '../actions.ts';
import { CliError, usageError } from '../cli-error.ts';
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

const list: Command = {
  summary: "list a site's tokens (never the tokens themselves)",
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
      process.stdout.write(LIST_HELP);
      return 0;
    }
    return withStore(async (store) => {
      const site = await pickSite(store, values.site);
      const tokens = await store.listSiteTokens(site.pk);
      if (values.json) printJson(tokens.map(presentToken));
      else process.stdout.write(tokens.length === 0 ? `no tokens for ${site.id}\n` : tokenTable(tokens));
      return 0;
    });
  },
};

const revoke: Command = {
  summary: 'revoke a token: refused from its next request on',
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { site: { type: 'string' }, help: { type: 'boolean', default: false } },
    });
    if (values.help) {
      process.stdout.write(REVOKE_HELP);
      return 0;
    }
    const [tokenId, ...extra] = positionals;
    if (tokenId === undefined || extra.length > 0) {
      throw usageError('give one token id: dwell tokens revoke --site example.com TOKEN_ID');
    }
    return withStore(async (store) => {
      const site = await pickSite(store, values.site);
      if (!(await store.revokeSiteToken(site.pk, tokenId))) {
        throw new CliError(`no token "${tokenId}" on site ${site.id} (dwell tokens list --site ${site.id})`);
      }
      process.stdout.write(`revoked token ${tokenId} of ${site.id}\n`);
      return 0;
    });
  },
};

export const tokens: Command = withActions('tokens', 'site tokens: read-only API access to one site', {
  create,
  list,
  revoke,
});
