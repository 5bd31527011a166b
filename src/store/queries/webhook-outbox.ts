// The outbox of webhook events (the gate's announcements): written in the transaction of the change
// it announces, leased for delivery so that of several instances each message goes to one, and
// retried until delivered or given up.

import type { OutboxMessage, WebhookAttempt } from '../gate-types.ts';
import { type Db, sql } from '../sql.ts';

/** Queues `messages`, due at once; call it with the transaction of what they announce. */
export async function addToOutbox(tx: Db, messages: readonly OutboxMessage[], now: number): Promise<void> {
  for (const m of messages) {
    await tx.run(sql`INSERT INTO webhook_outbox (id, event, body, created_at, next_attempt_at)
      VALUES (${m.id}, ${m.event}, ${m.body}, ${now}, ${now})`);
  }
}

export function claimWebhooks(
  db: Db,
  { now, limit, leaseMs }: { now: number; limit: number; leaseMs: number },
): Promise<WebhookAttempt[]> {
  return db.transaction(async (tx) => {
    // Locked, skipping rows another instance is leasing; a row it leased and committed fails the
    // re-checked next_attempt_at below until its lease runs out.
    const due = await tx.all<{ id: string }>(
      sql`SELECT id FROM webhook_outbox WHERE next_attempt_at <= ${now}
        ORDER BY next_attempt_at, id LIMIT ${limit}${tx.dialect.lockPicked({ skipLocked: true })}`,
    );
    if (due.length === 0) return [];
    const leased = await tx.all<{ id: string; event: string; body: string; attempts: number }>(
      sql`UPDATE webhook_outbox SET attempts = attempts + 1, next_attempt_at = ${now + leaseMs}
        WHERE ${tx.dialect.isIn(
          'id',
          due.map((d) => d.id),
        )} AND next_attempt_at <= ${now}
        RETURNING id, event, body, attempts`,
    );
    const byId = new Map(leased.map((row) => [row.id, row]));
    return due.flatMap(({ id }) => {
      const row = byId.get(id);
      return row ? [{ id, event: row.event, body: row.body, attempt: Number(row.attempts) }] : [];
    });
  });
}

export async function deleteWebhook(db: Db, id: string): Promise<void> {
  await db.run(sql`DELETE FROM webhook_outbox WHERE id = ${id}`);
}

export async function rescheduleWebhook(
  db: Db,
  id: string,
  attempt: number,
  retryAt: number,
  error: string,
): Promise<void> {
  await db.run(sql`UPDATE webhook_outbox SET next_attempt_at = ${retryAt}, last_error = ${error}
    WHERE id = ${id} AND attempts = ${attempt}`);
}
