// The site a command is about (issue #23): `--site ID`, which may be left out while this Dwell has
// one site — the rule of the API's `site=` (src/server/plugins/read-access.ts), so a read never
// mixes sites unless asked to with `--all-sites`.

import type { SiteRecord } from '../store/site-types.ts';
import type { Store } from '../store/types.ts';
import { CliError, usageError } from './cli-error.ts';

const SHOWN_IDS = 20;

function idList(sites: readonly SiteRecord[]): string {
  const ids = sites.slice(0, SHOWN_IDS).map((s) => s.id);
  return ids.join(', ') + (sites.length > SHOWN_IDS ? ', …' : '');
}

/** The site named `id` (ids are lowercase, so case is forgiven); exit 1 when there is none. */
export function findSite(sites: readonly SiteRecord[], id: string): SiteRecord {
  const wanted = id.trim().toLowerCase();
  const site = sites.find((s) => s.id === wanted);
  if (site) return site;
  const known = sites.length === 0 ? 'there are no sites yet' : `the sites are ${idList(sites)}`;
  throw new CliError(`no site "${id}": ${known} (dwell sites list)`);
}

/** `--site ID`, or the only site; several sites and none named is a usage error listing them. */
export async function pickSite(store: Store, id: string | undefined): Promise<SiteRecord> {
  const sites = await store.listSites();
  if (id !== undefined) return findSite(sites, id);
  if (sites.length === 1) return sites[0]!;
  if (sites.length === 0) {
    throw new CliError(
      'this Dwell has no site yet: add one with dwell sites add <host> (the server adds one on its first start)',
    );
  }
  throw usageError(`this Dwell has ${sites.length} sites: say which with --site ID (${idList(sites)})`);
}

/** As pickSite, or null for every site when `allSites` (`--all-sites`) says so explicitly. */
export async function pickSiteOrAll(
  store: Store,
  id: string | undefined,
  allSites: boolean,
): Promise<SiteRecord | null> {
  if (!allSites) return pickSite(store, id);
  if (id !== undefined) throw usageError('give --site ID or --all-sites, not both');
  return null;
}
