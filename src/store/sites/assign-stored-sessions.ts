// Migration 13, written once for both engines: every session stored before sites existed goes to
// a site made from the hosts in its stored URLs, one site per registrable domain (the public suffix
// list, so `docs.example.com` and `www.example.com` are one site and `alice.github.io` is its own).
// Sessions without a URL (none the tracker writes; imports may) go to the site with the most
// sessions. The time zone is UTC, so every day and every rollup total stays what it was.

import { registrableDomain, siteIdFor } from '../../sites/index.ts';
import { type Db, type Sql, sql } from '../sql.ts';

const BATCH = 5_000;

/** The hostname of an http(s) URL, or null. */
export function hostOf(url: string | null): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.hostname : null;
  } catch {
    return null;
  }
}

export async function assignStoredSessions(tx: Db, now: Sql): Promise<void> {
  const sites = new Map<string, { pk: number; hosts: Set<string>; sessions: number }>();
  const orphans: number[] = [];
  let after = 0;
  for (;;) {
    const rows = await tx.all<{ pk: number; url: string | null }>(
      sql`SELECT pk, coalesce(entry_url, current_url) AS url FROM sessions WHERE pk > ${after}
        ORDER BY pk LIMIT ${BATCH}`,
    );
    if (rows.length === 0) break;
    after = Number(rows[rows.length - 1]!.pk);
    const bySite = new Map<number, number[]>();
    for (const row of rows) {
      const host = hostOf(row.url);
      if (host === null) {
        orphans.push(Number(row.pk));
        continue;
      }
      const domain = registrableDomain(host);
      let site = sites.get(domain);
      if (!site) {
        site = { pk: await insertSite(tx, domain, now), hosts: new Set(), sessions: 0 };
        sites.set(domain, site);
      }
      if (!site.hosts.has(host)) {
        site.hosts.add(host);
        await tx.run(sql`INSERT INTO site_hosts (host, path, site_pk, position)
          VALUES (${host}, '', ${site.pk}, ${site.hosts.size - 1})`);
      }
      site.sessions++;
      bySite.set(site.pk, [...(bySite.get(site.pk) ?? []), Number(row.pk)]);
    }
    for (const [site, pks] of bySite) {
      await tx.run(sql`UPDATE sessions SET site = ${site} WHERE ${tx.dialect.isIn('pk', pks)}`);
    }
  }
  if (orphans.length === 0) return;
  const largest = [...sites.values()].sort((a, b) => b.sessions - a.sessions)[0];
  const home = largest?.pk ?? (await insertSite(tx, 'default', now));
  for (let i = 0; i < orphans.length; i += BATCH) {
    const pks = orphans.slice(i, i + BATCH);
    await tx.run(sql`UPDATE sessions SET site = ${home} WHERE ${tx.dialect.isIn('pk', pks)}`);
  }
}

async function insertSite(tx: Db, domain: string, now: Sql): Promise<number> {
  const id = siteIdFor({ host: domain, path: '' });
  const [row] = await tx.all<{ pk: number }>(
    sql`INSERT INTO sites (id, name, time_zone, created_at, updated_at)
      VALUES (${id}, ${domain}, 'UTC', ${now}, ${now}) RETURNING pk`,
  );
  return Number(row!.pk);
}
