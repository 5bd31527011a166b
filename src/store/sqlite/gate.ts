// The email gate's tables in SQLite (migrations 2 and 7): functions over the open database, which
// SqliteStore delegates to. Every read-then-write runs in one transaction; one process uses the
// file, so one deliverer claims the webhook outbox.

import type Database from 'better-sqlite3';
import type {
  EndedGateSession,
  GateAccess,
  GateLink,
  LinkRedemption,
  OutboxMessage,
  WebhookAttempt,
} from '../gate-types.ts';

/** Queues `message` in the outbox, due at once; call it inside the transaction it announces. */
function addToOutbox(db: Database.Database, message: OutboxMessage, now: number): void {
  db.prepare(
    'INSERT INTO webhook_outbox (id, event, body, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?)',
  ).run(message.id, message.event, message.body, now, now);
}

export function grantGateAccess(
  db: Database.Database,
  grant: { sessionId: string; email: string; issuedAt: number; expiresAt: number },
  announce?: OutboxMessage,
): { firstVisit: boolean } {
  return db.transaction(() => {
    db.prepare(
      'INSERT INTO gate_sessions (session_id, email, issued_at, expires_at) VALUES (?, ?, ?, ?)',
    ).run(grant.sessionId, grant.email, grant.issuedAt, grant.expiresAt);
    const seen = db
      .prepare('SELECT first_seen_at FROM gate_people WHERE email = ?')
      .pluck()
      .get(grant.email) as number | null | undefined;
    if (seen !== undefined && seen !== null) return { firstVisit: false };
    db.prepare(
      `INSERT INTO gate_people (email, first_seen_at) VALUES (?, ?)
       ON CONFLICT (email) DO UPDATE SET first_seen_at = excluded.first_seen_at`,
    ).run(grant.email, grant.issuedAt);
    if (announce) addToOutbox(db, announce, grant.issuedAt);
    return { firstVisit: true };
  })();
}

export function getGateAccess(db: Database.Database, sessionId: string): GateAccess | null {
  const row = db
    .prepare(
      `SELECT g.email, g.expires_at, p.revoked_before FROM gate_sessions g
       LEFT JOIN gate_people p ON p.email = g.email WHERE g.session_id = ?`,
    )
    .get(sessionId) as { email: string; expires_at: number; revoked_before: number | null } | undefined;
  return row ? { email: row.email, expiresAt: row.expires_at, revokedBefore: row.revoked_before } : null;
}

export function revokeGateAccess(
  db: Database.Database,
  email: string,
  at: number,
): { sessionsEnded: number } {
  return db.transaction(() => {
    db.prepare(
      `INSERT INTO gate_people (email, revoked_before) VALUES (?, ?)
       ON CONFLICT (email) DO UPDATE SET revoked_before = max(coalesce(revoked_before, 0), excluded.revoked_before)`,
    ).run(email, at);
    const ended = db
      .prepare(
        `UPDATE sessions SET ended_at = ? WHERE ended_at IS NULL
         AND id IN (SELECT session_id FROM gate_sessions WHERE email = ?)`,
      )
      .run(at, email);
    return { sessionsEnded: ended.changes };
  })();
}

/** Links expired for a day are deleted as new ones are made: the table stays small. */
const LINK_KEEP_MS = 86_400_000;

export function createGateLink(db: Database.Database, link: GateLink, now: number): void {
  db.transaction(() => {
    db.prepare('DELETE FROM gate_links WHERE expires_at < ?').run(now - LINK_KEEP_MS);
    db.prepare(
      'INSERT INTO gate_links (token_hash, email, next, created_at, expires_at) VALUES (?, ?, ?, ?, ?)',
    ).run(link.tokenHash, link.email, link.next, now, link.expiresAt);
  })();
}

export function redeemGateLink(db: Database.Database, tokenHash: Buffer, now: number): LinkRedemption {
  return db
    .transaction((): LinkRedemption => {
      const row = db
        .prepare('SELECT email, next, expires_at, used_at FROM gate_links WHERE token_hash = ?')
        .get(tokenHash) as
        | { email: string; next: string; expires_at: number; used_at: number | null }
        | undefined;
      if (!row) return { kind: 'not_found' };
      if (row.used_at !== null) return { kind: 'used' };
      if (row.expires_at <= now) return { kind: 'expired' };
      db.prepare('UPDATE gate_links SET used_at = ? WHERE token_hash = ?').run(now, tokenHash);
      return { kind: 'redeemed', email: row.email, next: row.next };
    })
    .immediate();
}

export function claimEndedGateSessions(
  db: Database.Database,
  {
    now,
    timeoutMs,
    announce,
  }: { now: number; timeoutMs: number; announce?: (session: EndedGateSession) => OutboxMessage },
): EndedGateSession[] {
  return db
    .transaction(() => {
      const rows = db
        .prepare(
          `SELECT s.pk, s.id, g.email, s.started_at, s.last_activity_at, s.ended_at, s.engaged_ms
         FROM gate_sessions g JOIN sessions s ON s.id = g.session_id
         WHERE g.end_notified_at IS NULL AND (s.ended_at IS NOT NULL OR s.last_activity_at < ?)
         LIMIT 500`,
        )
        .all(now - timeoutMs) as {
        pk: number;
        id: string;
        email: string;
        started_at: number;
        last_activity_at: number;
        ended_at: number | null;
        engaged_ms: number;
      }[];
      const markAnnounced = db.prepare('UPDATE gate_sessions SET end_notified_at = ? WHERE session_id = ?');
      const pagesOf = db.prepare(
        'SELECT url, engaged_ms, max_scroll FROM session_pages WHERE session_pk = ? ORDER BY engaged_ms DESC, url',
      );
      return rows.map((row) => {
        markAnnounced.run(now, row.id);
        const pages = (
          pagesOf.all(row.pk) as { url: string; engaged_ms: number; max_scroll: number | null }[]
        ).map((p) => ({ url: p.url, engagedMs: p.engaged_ms, maxScroll: p.max_scroll }));
        const session = {
          sessionId: row.id,
          email: row.email,
          startedAt: row.started_at,
          lastActivityAt: row.last_activity_at,
          endedAt: row.ended_at,
          engagedMs: row.engaged_ms,
          pages,
        };
        if (announce) addToOutbox(db, announce(session), now);
        return session;
      });
    })
    .immediate();
}

export function claimWebhooks(
  db: Database.Database,
  { now, limit, leaseMs }: { now: number; limit: number; leaseMs: number },
): WebhookAttempt[] {
  return db
    .transaction(() => {
      const rows = db
        .prepare(
          `SELECT id, event, body, attempts FROM webhook_outbox WHERE next_attempt_at <= ?
           ORDER BY next_attempt_at LIMIT ?`,
        )
        .all(now, limit) as { id: string; event: string; body: string; attempts: number }[];
      const lease = db.prepare(
        'UPDATE webhook_outbox SET attempts = attempts + 1, next_attempt_at = ? WHERE id = ?',
      );
      for (const row of rows) lease.run(now + leaseMs, row.id);
      return rows.map((row) => ({ id: row.id, event: row.event, body: row.body, attempt: row.attempts + 1 }));
    })
    .immediate();
}

export function deleteWebhook(db: Database.Database, id: string): void {
  db.prepare('DELETE FROM webhook_outbox WHERE id = ?').run(id);
}

export function rescheduleWebhook(
  db: Database.Database,
  id: string,
  attempt: number,
  retryAt: number,
  error: string,
): void {
  db.prepare(
    'UPDATE webhook_outbox SET next_attempt_at = ?, last_error = ? WHERE id = ? AND attempts = ?',
  ).run(retryAt, error, id, attempt);
}
