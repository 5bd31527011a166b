// The gate's single-use verification links: only the token's hash is stored; expired links are
// deleted a day later, as new ones are made, so the table stays small.

import type { GateLink, LinkRedemption } from '../gate-types.ts';
import { type Db, sql } from '../sql.ts';

const LINK_KEEP_MS = 86_400_000;

export function createGateLink(db: Db, link: GateLink, now: number): Promise<void> {
  return db.transaction(async (tx) => {
    await tx.run(sql`DELETE FROM gate_links WHERE expires_at < ${now - LINK_KEEP_MS}`);
    await tx.run(sql`INSERT INTO gate_links (token_hash, email, next, created_at, expires_at)
      VALUES (${link.tokenHash}, ${link.email}, ${link.next}, ${now}, ${link.expiresAt})`);
  });
}

export async function redeemGateLink(db: Db, tokenHash: Buffer, now: number): Promise<LinkRedemption> {
  // The WHERE re-checks used_at after any concurrent writer commits: exactly one redemption wins.
  const [won] = await db.all<{ email: string; next: string }>(
    sql`UPDATE gate_links SET used_at = ${now}
      WHERE token_hash = ${tokenHash} AND used_at IS NULL AND expires_at > ${now}
      RETURNING email, next`,
  );
  if (won) return { kind: 'redeemed', email: won.email, next: won.next };
  // Lost or refused: say why (used before expired).
  const [row] = await db.all<{ used_at: number | null }>(
    sql`SELECT used_at FROM gate_links WHERE token_hash = ${tokenHash}`,
  );
  if (!row) return { kind: 'not_found' };
  return row.used_at !== null ? { kind: 'used' } : { kind: 'expired' };
}
