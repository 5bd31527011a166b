// Sites, tokens and shared links as the CLI's human output shows them; `--json` prints the API's
// objects instead (src/server/sites/present.ts).

import { presentSite } from '../server/sites/present.ts';
import type { ShareLinkRecord, SiteRecord, SiteTokenRecord } from '../store/site-types.ts';
import { fields, formatInstant, table } from './table.ts';

export function siteText(site: SiteRecord, sessions?: number): string {
  const view = presentSite(site);
  const pairs: [string, string][] = [
    ['id', view.id],
    ['name', view.name],
    ['hosts', view.hosts.join(', ')],
    ['time zone', view.timeZone],
    ['origins', `${view.origins.join(', ')}${view.customOrigins ? '' : '  (the defaults of its hosts)'}`],
  ];
  const { allow, verify } = view.gate;
  if (allow !== undefined || verify !== undefined) {
    pairs.push([
      'gate',
      `allow ${allow?.length ? allow.join(', ') : 'anyone'}, verify ${verify ?? "the server's"}`,
    ]);
  }
  if (sessions !== undefined) pairs.push(['sessions', String(sessions)]);
  return fields(pairs);
}

export function tokenTable(tokens: readonly SiteTokenRecord[]): string {
  return table(
    ['id', 'name', 'created (UTC)', 'last used'],
    tokens.map((t) => [t.id, t.name, formatInstant(t.createdAt), formatInstant(t.lastUsedAt)]),
  );
}

export function linkTable(links: readonly ShareLinkRecord[]): string {
  return table(
    ['id', 'name', 'password', 'created (UTC)', 'last used'],
    links.map((l) => [
      l.id,
      l.name,
      l.hasPassword ? 'yes' : 'no',
      formatInstant(l.createdAt),
      formatInstant(l.lastUsedAt),
    ]),
  );
}

export const printJson = (value: unknown) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
