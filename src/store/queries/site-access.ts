// Who may read one site besides the admin (issue #23): site tokens and shared links, written once
// for both engines. Only hashes of their secrets are kept; revoking deletes the row, so the next
// request with it is refused. A use is noted at most once a minute per token or link, so a busy
// dashboard does not turn every read into a write.

import type { DeclinedHost, ShareLinkRecord, SiteTokenRecord } from '../site-types.ts';
import { type Db, sql } from '../sql.ts';

const NOTE_USE_EVERY_MS = 60_000;

interface TokenRow {
  id: string;
  site_pk: number;
  name: string;
  created_at: number;
  last_used_at: number | null;
}

const toToken = (r: TokenRow): SiteTokenRecord => ({
  id: r.id,
  site: Number(r.site_pk),
  name: r.name,
  createdAt: Number(r.created_at),
  lastUsedAt: r.last_used_at === null ? null : Number(r.last_used_at),
});

export async function createSiteToken(
  db: Db,
  token: { id: string; site: number; name: string; tokenHash: Buffer },
  now: number,
): Promise<SiteTokenRecord> {
  await db.run(sql`INSERT INTO site_tokens (id, site_pk, name, token_hash, created_at)
    VALUES (${token.id}, ${token.site}, ${token.name}, ${token.tokenHash}, ${now})`);
  return { id: token.id, site: token.site, name: token.name, createdAt: now, lastUsedAt: null };
}

export async function listSiteTokens(db: Db, site: number): Promise<SiteTokenRecord[]> {
  const rows = await db.all<TokenRow>(
    sql`SELECT id, site_pk, name, created_at, last_used_at FROM site_tokens WHERE site_pk = ${site}
      ORDER BY created_at, id`,
  );
  return rows.map(toToken);
}

export async function revokeSiteToken(db: Db, site: number, id: string): Promise<boolean> {
  return (await db.run(sql`DELETE FROM site_tokens WHERE site_pk = ${site} AND id = ${id}`)) > 0;
}

export async function useSiteToken(
  db: Db,
  tokenHash: Buffer,
  now: number,
): Promise<{ id: string; site: number } | null> {
  const [row] = await db.all<TokenRow>(
    sql`SELECT id, site_pk, name, created_at, last_used_at FROM site_tokens WHERE token_hash = ${tokenHash}`,
  );
  if (!row) return null;
  if (row.last_used_at === null || now - Number(row.last_used_at) >= NOTE_USE_EVERY_MS)
    await db.run(sql`UPDATE site_tokens SET last_used_at = ${now} WHERE id = ${row.id}`);
  return { id: row.id, site: Number(row.site_pk) };
}

interface LinkRow extends TokenRow {
  password_hash: string | null;
}

const toLink = (r: LinkRow): ShareLinkRecord => ({
  ...toToken(r),
  hasPassword: r.password_hash !== null,
});

export async function createShareLink(
  db: Db,
  link: { id: string; site: number; name: string; secretHash: Buffer; passwordHash: string | null },
  now: number,
): Promise<ShareLinkRecord> {
  await db.run(sql`INSERT INTO share_links (id, site_pk, name, secret_hash, password_hash, created_at)
    VALUES (${link.id}, ${link.site}, ${link.name}, ${link.secretHash}, ${link.passwordHash}, ${now})`);
  return {
    id: link.id,
    site: link.site,
    name: link.name,
    hasPassword: link.passwordHash !== null,
    createdAt: now,
    lastUsedAt: null,
  };
}

export async function listShareLinks(db: Db, site: number): Promise<ShareLinkRecord[]> {
  const rows = await db.all<LinkRow>(
    sql`SELECT id, site_pk, name, password_hash, created_at, last_used_at FROM share_links
      WHERE site_pk = ${site} ORDER BY created_at, id`,
  );
  return rows.map(toLink);
}

export async function revokeShareLink(db: Db, site: number, id: string): Promise<boolean> {
  return (await db.run(sql`DELETE FROM share_links WHERE site_pk = ${site} AND id = ${id}`)) > 0;
}

export async function useShareLink(
  db: Db,
  secretHash: Buffer,
  now: number,
): Promise<(ShareLinkRecord & { passwordHash: string | null }) | null> {
  const [row] = await db.all<LinkRow>(
    sql`SELECT id, site_pk, name, password_hash, created_at, last_used_at FROM share_links
      WHERE secret_hash = ${secretHash}`,
  );
  if (!row) return null;
  if (row.last_used_at === null || now - Number(row.last_used_at) >= NOTE_USE_EVERY_MS)
    await db.run(sql`UPDATE share_links SET last_used_at = ${now} WHERE id = ${row.id}`);
  return { ...toLink(row), passwordHash: row.password_hash };
}

export async function recordDeclinedHost(db: Db, host: string, count: number, now: number): Promise<void> {
  await db.run(sql`INSERT INTO declined_hosts (host, requests, first_at, last_at)
    VALUES (${host}, ${count}, ${now}, ${now})
    ON CONFLICT (host) DO UPDATE SET requests = declined_hosts.requests + excluded.requests,
      last_at = excluded.last_at`);
}

export function forgetDeclinedHosts(db: Db, before: number): Promise<number> {
  return db.run(sql`DELETE FROM declined_hosts WHERE last_at < ${before}`);
}

export async function listDeclinedHosts(db: Db, since: number, limit: number): Promise<DeclinedHost[]> {
  const rows = await db.all<{ host: string; requests: number; first_at: number; last_at: number }>(
    sql`SELECT host, requests, first_at, last_at FROM declined_hosts
      WHERE last_at >= ${since} AND NOT EXISTS (SELECT 1 FROM site_hosts h WHERE h.host = declined_hosts.host)
      ORDER BY last_at DESC LIMIT ${limit}`,
  );
  return rows.map((r) => ({
    host: r.host,
    requests: Number(r.requests),
    firstAt: Number(r.first_at),
    lastAt: Number(r.last_at),
  }));
}
