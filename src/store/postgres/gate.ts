// The email gate's tables in PostgreSQL (migration 2): functions over the pool, which PostgresStore
// delegates to. Several instances share the database, so every check-then-write is one statement
// (a conditional UPDATE … RETURNING) or row-locked: of two racing instances exactly one wins.

import type pg from 'pg';
import type { EndedGateSession, GateAccess, GateLink, LinkRedemption } from '../gate-types.ts';
import { withTransaction } from './pool.ts';

export async function grantGateAccess(
  pool: pg.Pool,
  grant: { sessionId: string; email: string; issuedAt: number; expiresAt: number },
): Promise<{ firstVisit: boolean }> {
  return withTransaction(pool, async (client) => {
    await client.query(
      'INSERT INTO gate_sessions (session_id, email, issued_at, expires_at) VALUES ($1, $2, $3, $4)',
      [grant.sessionId, grant.email, grant.issuedAt, grant.expiresAt],
    );
    // The row is written only when the email was never seen: its rowCount is the answer, so two
    // concurrent first grants of one email report one first visit.
    const first = await client.query(
      `INSERT INTO gate_people (email, first_seen_at) VALUES ($1, $2)
       ON CONFLICT (email) DO UPDATE SET first_seen_at = excluded.first_seen_at
       WHERE gate_people.first_seen_at IS NULL`,
      [grant.email, grant.issuedAt],
    );
    return { firstVisit: first.rowCount === 1 };
  });
}

export async function getGateAccess(pool: pg.Pool, sessionId: string): Promise<GateAccess | null> {
  const { rows } = await pool.query<{ email: string; expires_at: number; revoked_before: number | null }>(
    `SELECT g.email, g.expires_at, p.revoked_before FROM gate_sessions g
     LEFT JOIN gate_people p ON p.email = g.email WHERE g.session_id = $1`,
    [sessionId],
  );
  const row = rows[0];
  return row ? { email: row.email, expiresAt: row.expires_at, revokedBefore: row.revoked_before } : null;
}

export async function revokeGateAccess(
  pool: pg.Pool,
  email: string,
  at: number,
): Promise<{ sessionsEnded: number }> {
  return withTransaction(pool, async (client) => {
    await client.query(
      `INSERT INTO gate_people (email, revoked_before) VALUES ($1, $2)
       ON CONFLICT (email) DO UPDATE SET
         revoked_before = GREATEST(coalesce(gate_people.revoked_before, 0), excluded.revoked_before)`,
      [email, at],
    );
    const ended = await client.query(
      `UPDATE sessions SET ended_at = $1 WHERE ended_at IS NULL
       AND id IN (SELECT session_id FROM gate_sessions WHERE email = $2)`,
      [at, email],
    );
    return { sessionsEnded: ended.rowCount ?? 0 };
  });
}

/** Links expired for a day are deleted as new ones are made: the table stays small. */
const LINK_KEEP_MS = 86_400_000;

export async function createGateLink(pool: pg.Pool, link: GateLink, now: number): Promise<void> {
  await withTransaction(pool, async (client) => {
    await client.query('DELETE FROM gate_links WHERE expires_at < $1', [now - LINK_KEEP_MS]);
    await client.query(
      'INSERT INTO gate_links (token_hash, email, next, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)',
      [link.tokenHash, link.email, link.next, now, link.expiresAt],
    );
  });
}

export async function redeemGateLink(pool: pg.Pool, tokenHash: Buffer, now: number): Promise<LinkRedemption> {
  // The WHERE re-checks used_at after any concurrent writer commits: exactly one redemption wins.
  const won = await pool.query<{ email: string; next: string }>(
    `UPDATE gate_links SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2
     RETURNING email, next`,
    [tokenHash, now],
  );
  const row = won.rows[0];
  if (row) return { kind: 'redeemed', email: row.email, next: row.next };
  // Lost or refused: say why, in SQLite's order (used before expired).
  const { rows } = await pool.query<{ used_at: number | null }>(
    'SELECT used_at FROM gate_links WHERE token_hash = $1',
    [tokenHash],
  );
  if (!rows[0]) return { kind: 'not_found' };
  return rows[0].used_at !== null ? { kind: 'used' } : { kind: 'expired' };
}

interface EndedRow {
  pk: number;
  id: string;
  email: string;
  started_at: number;
  last_activity_at: number;
  ended_at: number | null;
  engaged_ms: number;
}

export async function claimEndedGateSessions(
  pool: pg.Pool,
  { now, timeoutMs }: { now: number; timeoutMs: number },
): Promise<EndedGateSession[]> {
  // SKIP LOCKED: another instance claiming at the same moment takes other rows; a row it already
  // claimed and committed fails the re-checked end_notified_at IS NULL. Each session is claimed once.
  const { rows } = await pool.query<EndedRow>(
    `WITH picked AS (
       SELECT g.session_id FROM gate_sessions g JOIN sessions s ON s.id = g.session_id
       WHERE g.end_notified_at IS NULL AND (s.ended_at IS NOT NULL OR s.last_activity_at < $2)
       LIMIT 500 FOR UPDATE OF g SKIP LOCKED)
     UPDATE gate_sessions g SET end_notified_at = $1 FROM picked p, sessions s
     WHERE g.session_id = p.session_id AND s.id = g.session_id AND g.end_notified_at IS NULL
     RETURNING s.pk, s.id, g.email, s.started_at, s.last_activity_at, s.ended_at, s.engaged_ms`,
    [now, now - timeoutMs],
  );
  if (rows.length === 0) return [];
  const pages = await pool.query<{
    session_pk: number;
    url: string;
    engaged_ms: number;
    max_scroll: number | null;
  }>(
    `SELECT session_pk, url, engaged_ms, max_scroll FROM session_pages WHERE session_pk = ANY($1::bigint[])
     ORDER BY session_pk, engaged_ms DESC, url COLLATE "C"`,
    [rows.map((r) => r.pk)],
  );
  const byPk = new Map<number, EndedGateSession['pages']>(rows.map((r) => [r.pk, []]));
  for (const p of pages.rows)
    byPk.get(p.session_pk)?.push({ url: p.url, engagedMs: p.engaged_ms, maxScroll: p.max_scroll });
  return rows.map((row) => ({
    sessionId: row.id,
    email: row.email,
    startedAt: row.started_at,
    lastActivityAt: row.last_activity_at,
    endedAt: row.ended_at,
    engagedMs: row.engaged_ms,
    pages: byPk.get(row.pk) ?? [],
  }));
}
