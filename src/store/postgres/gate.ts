// The email gate's tables in PostgreSQL (migrations 2 and 7): functions over the pool, which
// PostgresStore delegates to. Several instances share the database, so every check-then-write is
// one statement (a conditional UPDATE … RETURNING) or row-locked: of two racing instances exactly
// one wins — one claims a session's end, one leases a webhook for delivery.

import type pg from 'pg';
import type {
  EndedGateSession,
  GateAccess,
  GateLink,
  LinkRedemption,
  OutboxMessage,
  WebhookAttempt,
} from '../gate-types.ts';
import { withTransaction } from './pool.ts';

/** Queues `messages` in the outbox, due at once; call it inside the transaction they announce. */
async function addToOutbox(client: pg.ClientBase, messages: OutboxMessage[], now: number): Promise<void> {
  if (messages.length === 0) return;
  await client.query(
    `INSERT INTO webhook_outbox (id, event, body, created_at, next_attempt_at)
     SELECT id, event, body, $4::bigint, $4::bigint FROM unnest($1::text[], $2::text[], $3::text[]) AS m (id, event, body)`,
    [messages.map((m) => m.id), messages.map((m) => m.event), messages.map((m) => m.body), now],
  );
}

export async function grantGateAccess(
  pool: pg.Pool,
  grant: { sessionId: string; email: string; issuedAt: number; expiresAt: number },
  announce?: OutboxMessage,
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
    const firstVisit = first.rowCount === 1;
    if (firstVisit && announce) await addToOutbox(client, [announce], grant.issuedAt);
    return { firstVisit };
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
  {
    now,
    timeoutMs,
    announce,
  }: { now: number; timeoutMs: number; announce?: (session: EndedGateSession) => OutboxMessage },
): Promise<EndedGateSession[]> {
  return withTransaction(pool, async (client) => {
    // SKIP LOCKED: another instance claiming at the same moment takes other rows; a row it already
    // claimed and committed fails the re-checked end_notified_at IS NULL. Each session is claimed
    // once, and its outbox message commits with the claim.
    const { rows } = await client.query<EndedRow>(
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
    const pages = await client.query<{
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
    const ended = rows.map((row) => ({
      sessionId: row.id,
      email: row.email,
      startedAt: row.started_at,
      lastActivityAt: row.last_activity_at,
      endedAt: row.ended_at,
      engagedMs: row.engaged_ms,
      pages: byPk.get(row.pk) ?? [],
    }));
    if (announce) await addToOutbox(client, ended.map(announce), now);
    return ended;
  });
}

export async function claimWebhooks(
  pool: pg.Pool,
  { now, limit, leaseMs }: { now: number; limit: number; leaseMs: number },
): Promise<WebhookAttempt[]> {
  // SKIP LOCKED: instances claiming at once take different rows; a row another one leased and
  // committed fails the re-checked next_attempt_at until its lease runs out.
  const { rows } = await pool.query<{ id: string; event: string; body: string; attempts: number }>(
    `WITH due AS (
       SELECT id FROM webhook_outbox WHERE next_attempt_at <= $1
       ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED)
     UPDATE webhook_outbox w SET attempts = w.attempts + 1, next_attempt_at = $3 FROM due
     WHERE w.id = due.id AND w.next_attempt_at <= $1
     RETURNING w.id, w.event, w.body, w.attempts`,
    [now, limit, now + leaseMs],
  );
  return rows.map((row) => ({ id: row.id, event: row.event, body: row.body, attempt: row.attempts }));
}

export async function deleteWebhook(pool: pg.Pool, id: string): Promise<void> {
  await pool.query('DELETE FROM webhook_outbox WHERE id = $1', [id]);
}

export async function rescheduleWebhook(
  pool: pg.Pool,
  id: string,
  attempt: number,
  retryAt: number,
  error: string,
): Promise<void> {
  await pool.query(
    'UPDATE webhook_outbox SET next_attempt_at = $1, last_error = $2 WHERE id = $3 AND attempts = $4',
    [retryAt, error, id, attempt],
  );
}
