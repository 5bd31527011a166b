// The sites themselves (issue #23), written once for both engines: a site row, its hosts (one row
// per host and path prefix: the primary key makes a host claimed twice impossible), and a version
// every change bumps so each instance's cache of the sites (server/site-directory.ts) reloads.

import type { HostPattern } from '../../sites/index.ts';
import { type NewSite, SiteConflictError, type SitePatch, type SiteRecord } from '../site-types.ts';
import { type Db, raw, sql } from '../sql.ts';
import { deleteSessionsWhere } from './purge-sessions.ts';

interface SiteRow {
  pk: number;
  id: string;
  name: string;
  time_zone: string;
  origins: string | null;
  settings: string;
  created_at: number;
  updated_at: number;
}

export async function listSites(db: Db): Promise<SiteRecord[]> {
  const [sites, hosts] = await Promise.all([
    db.all<SiteRow>(sql`SELECT * FROM sites ORDER BY pk`),
    db.all<{ site_pk: number; host: string; path: string }>(
      sql`SELECT site_pk, host, path FROM site_hosts ORDER BY site_pk, position`,
    ),
  ]);
  const hostsOf = new Map<number, HostPattern[]>();
  for (const h of hosts) {
    const pk = Number(h.site_pk);
    hostsOf.set(pk, [...(hostsOf.get(pk) ?? []), { host: h.host, path: h.path }]);
  }
  return sites.map((row) => toSite(row, hostsOf.get(Number(row.pk)) ?? []));
}

function toSite(row: SiteRow, hosts: HostPattern[]): SiteRecord {
  return {
    pk: Number(row.pk),
    id: row.id,
    name: row.name,
    hosts,
    timeZone: row.time_zone,
    origins: row.origins === null ? null : (JSON.parse(row.origins) as string[]),
    settings: JSON.parse(row.settings) as SiteRecord['settings'],
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

export async function siteVersion(db: Db): Promise<number> {
  const [row] = await db.all<{ version: number }>(sql`SELECT version FROM site_changes WHERE id = 1`);
  return Number(row?.version ?? 0);
}

const bump = (tx: Db) => tx.run(sql`UPDATE site_changes SET version = version + 1 WHERE id = 1`);

async function getSiteRow(tx: Db, id: string): Promise<SiteRow | undefined> {
  const [row] = await tx.all<SiteRow>(sql`SELECT * FROM sites WHERE id = ${id}`);
  return row;
}

async function readSite(tx: Db, id: string): Promise<SiteRecord | null> {
  const row = await getSiteRow(tx, id);
  if (!row) return null;
  const hosts = await tx.all<HostPattern>(
    sql`SELECT host, path FROM site_hosts WHERE site_pk = ${row.pk} ORDER BY position`,
  );
  return toSite(row, hosts);
}

/** Claims `hosts` for the site, refusing (before writing any) one that another site holds. */
async function claimHosts(tx: Db, site: number, hosts: HostPattern[]): Promise<void> {
  for (const [i, h] of hosts.entries()) {
    const [taken] = await tx.all<{ id: string }>(
      sql`SELECT s.id FROM site_hosts h JOIN sites s ON s.pk = h.site_pk
        WHERE h.host = ${h.host} AND h.path = ${h.path} AND h.site_pk <> ${site}`,
    );
    if (taken) {
      throw new SiteConflictError(
        'hosts',
        `hosts[${i}] "${h.host}${h.path}" already belongs to site ${taken.id}`,
      );
    }
  }
  await tx.run(sql`DELETE FROM site_hosts WHERE site_pk = ${site}`);
  for (const [position, h] of hosts.entries()) {
    await tx.run(sql`INSERT INTO site_hosts (host, path, site_pk, position)
      VALUES (${h.host}, ${h.path}, ${site}, ${position})`);
  }
}

/**
 * A unique key another writer took first (two instances making the first site at once, or the
 * same host added twice at once): the same SiteConflictError as a conflict found before writing.
 */
function raced(error: unknown): never {
  const code = String((error as { code?: unknown } | null)?.code ?? '');
  if (code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    const hosts = /site_hosts/.test(
      String((error as Error).message) + String((error as { constraint?: string }).constraint),
    );
    throw new SiteConflictError(
      hosts ? 'hosts' : 'id',
      hosts ? 'a host is already claimed by another site' : 'the id is taken by another site',
    );
  }
  throw error;
}

export function createSite(db: Db, site: NewSite, now: number): Promise<SiteRecord> {
  return createSiteOnce(db, site, now).catch(raced);
}

function createSiteOnce(db: Db, site: NewSite, now: number): Promise<SiteRecord> {
  return db.transaction(async (tx) => {
    if (await getSiteRow(tx, site.id))
      throw new SiteConflictError('id', `id "${site.id}" is taken by another site`);
    const [row] = await tx.all<{ pk: number }>(
      sql`INSERT INTO sites (id, name, time_zone, origins, settings, created_at, updated_at)
        VALUES (${site.id}, ${site.name}, ${site.timeZone},
          ${site.origins === null ? null : JSON.stringify(site.origins)}, ${JSON.stringify(site.settings ?? {})},
          ${now}, ${now})
        RETURNING pk`,
    );
    await claimHosts(tx, Number(row!.pk), site.hosts);
    await bump(tx);
    return (await readSite(tx, site.id))!;
  });
}

export function updateSite(db: Db, id: string, patch: SitePatch, now: number): Promise<SiteRecord | null> {
  return updateSiteOnce(db, id, patch, now).catch(raced);
}

function updateSiteOnce(db: Db, id: string, patch: SitePatch, now: number): Promise<SiteRecord | null> {
  return db.transaction(async (tx) => {
    const row = await getSiteRow(tx, id);
    if (!row) return null;
    const pk = Number(row.pk);
    if (patch.hosts !== undefined) await claimHosts(tx, pk, patch.hosts);
    const origins =
      patch.origins === undefined ? row.origins : patch.origins && JSON.stringify(patch.origins);
    const settings = patch.settings === undefined ? row.settings : JSON.stringify(patch.settings);
    await tx.run(sql`UPDATE sites SET name = ${patch.name ?? row.name}, time_zone = ${patch.timeZone ?? row.time_zone},
        origins = ${origins}, settings = ${settings}, updated_at = ${now}
      WHERE pk = ${pk}`);
    if (patch.timeZone !== undefined && patch.timeZone !== row.time_zone) {
      // Each session moves to the day of the new calendar it started on; the rollup triggers move
      // its totals and its pages' with it (migration 14), folded like any other delta.
      await tx.run(sql`UPDATE sessions SET day = dwell_local_day(started_at, ${patch.timeZone})
        WHERE site = ${pk} AND day <> dwell_local_day(started_at, ${patch.timeZone})`);
    }
    await bump(tx);
    return readSite(tx, id);
  });
}

export async function deleteSite(db: Db, id: string): Promise<{ sessions: number } | null> {
  const [row] = await db.all<{ pk: number }>(sql`SELECT pk FROM sites WHERE id = ${id}`);
  if (!row) return null;
  const pk = Number(row.pk);
  // The site goes first (its hosts free, its tokens and links dead at once); its sessions follow in
  // batches, so a large site's removal does not hold the beats up.
  await db.transaction(async (tx) => {
    await tx.run(sql`DELETE FROM site_hosts WHERE site_pk = ${pk}`);
    await tx.run(sql`DELETE FROM site_tokens WHERE site_pk = ${pk}`);
    await tx.run(sql`DELETE FROM share_links WHERE site_pk = ${pk}`);
    await tx.run(sql`DELETE FROM sites WHERE pk = ${pk}`);
    await bump(tx);
  });
  return { sessions: await deleteSessionsWhere(db, sql`site = ${pk}`) };
}

export async function countSiteSessions(db: Db, site: number): Promise<number> {
  const [row] = await db.all<{ n: number }>(
    sql`SELECT ${raw(db.dialect.int('count(*)'))} AS n FROM sessions WHERE site = ${site}`,
  );
  return Number(row?.n ?? 0);
}
