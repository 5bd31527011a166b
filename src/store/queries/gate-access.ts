// Who was granted access to which gate session, and per-person revocation (API.md "Email-gated
// access"). Every check-then-write is one statement whose row count is the answer, so of two
// instances racing exactly one wins.

import type { GateAccess, OutboxMessage } from '../gate-types.ts';
import { type Db, raw, sql } from '../sql.ts';
import { addToOutbox } from './webhook-outbox.ts';

export function grantGateAccess(
  db: Db,
  grant: { sessionId: string; email: string; issuedAt: number; expiresAt: number },
  announce?: OutboxMessage,
): Promise<{ firstVisit: boolean }> {
  return db.transaction(async (tx) => {
    await tx.run(sql`INSERT INTO gate_sessions (session_id, email, issued_at, expires_at)
      VALUES (${grant.sessionId}, ${grant.email}, ${grant.issuedAt}, ${grant.expiresAt})`);
    // Written only when the email was never seen: two concurrent first grants report one first visit.
    const written =
      await tx.run(sql`INSERT INTO gate_people (email, first_seen_at) VALUES (${grant.email}, ${grant.issuedAt})
      ON CONFLICT (email) DO UPDATE SET first_seen_at = excluded.first_seen_at
      WHERE gate_people.first_seen_at IS NULL`);
    const firstVisit = written === 1;
    if (firstVisit && announce) await addToOutbox(tx, [announce], grant.issuedAt);
    return { firstVisit };
  });
}

export async function getGateAccess(db: Db, sessionId: string): Promise<GateAccess | null> {
  const [row] = await db.all<{ email: string; expires_at: number; revoked_before: number | null }>(
    sql`SELECT g.email, g.expires_at, p.revoked_before FROM gate_sessions g
      LEFT JOIN gate_people p ON p.email = g.email WHERE g.session_id = ${sessionId}`,
  );
  if (!row) return null;
  return {
    email: row.email,
    expiresAt: Number(row.expires_at),
    revokedBefore: row.revoked_before === null ? null : Number(row.revoked_before),
  };
}

/** Revokes every access of `email` issued up to `at`, and ends its open sessions. */
export function revokeGateAccess(db: Db, email: string, at: number): Promise<{ sessionsEnded: number }> {
  return db.transaction(async (tx) => {
    const revoked = tx.dialect.greatest('coalesce(gate_people.revoked_before, 0)', 'excluded.revoked_before');
    await tx.run(
      sql`INSERT INTO gate_people (email, revoked_before) VALUES (${email}, ${at})
        ON CONFLICT (email) DO UPDATE SET revoked_before = ${raw(revoked)}`,
    );
    const sessionsEnded = await tx.run(sql`UPDATE sessions SET ended_at = ${at} WHERE ended_at IS NULL
      AND id IN (SELECT session_id FROM gate_sessions WHERE email = ${email})`);
    return { sessionsEnded };
  });
}
