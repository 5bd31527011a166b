// Gate sessions that ended (a final beat, a revocation, or no beat for the timeout) and were not
// announced yet: each is claimed once, even with several instances sweeping at the same moment,
// and its outbox message commits with the claim.

import type { EndedGateSession, OutboxMessage } from '../gate-types.ts';
import { type Db, sql } from '../sql.ts';
import { pagesOf } from './session-rows.ts';
import { addToOutbox } from './webhook-outbox.ts';

/** Sessions claimed per sweep: the next sweep takes the rest. */
const CLAIM_LIMIT = 500;

interface EndedRow {
  pk: number;
  id: string;
  site: number | string;
  started_at: number;
  last_activity_at: number;
  ended_at: number | null;
  engaged_ms: number;
}

export function claimEndedGateSessions(
  db: Db,
  {
    now,
    timeoutMs,
    announce,
  }: { now: number; timeoutMs: number; announce?: (session: EndedGateSession) => OutboxMessage },
): Promise<EndedGateSession[]> {
  return db.transaction(async (tx) => {
    // Locked, skipping rows another instance is claiming; a row it claimed and committed fails the
    // re-checked end_notified_at below.
    const picked = await tx.all<{ session_id: string }>(
      sql`SELECT g.session_id FROM gate_sessions g JOIN sessions s ON s.id = g.session_id
        WHERE g.end_notified_at IS NULL AND (s.ended_at IS NOT NULL OR s.last_activity_at < ${now - timeoutMs})
        LIMIT ${CLAIM_LIMIT}${tx.dialect.lockPicked({ of: 'g', skipLocked: true })}`,
    );
    if (picked.length === 0) return [];
    const claimed = await tx.all<{ session_id: string; email: string }>(
      sql`UPDATE gate_sessions SET end_notified_at = ${now}
        WHERE ${tx.dialect.isIn(
          'session_id',
          picked.map((p) => p.session_id),
        )} AND end_notified_at IS NULL
        RETURNING session_id, email`,
    );
    if (claimed.length === 0) return [];
    const emails = new Map(claimed.map((c) => [c.session_id, c.email]));
    const rows = await tx.all<EndedRow>(
      sql`SELECT pk, id, site, started_at, last_activity_at, ended_at, engaged_ms FROM sessions
        WHERE ${tx.dialect.isIn('id', [...emails.keys()])} ORDER BY pk`,
    );
    const pages = await pagesOf(
      tx,
      rows.map((r) => Number(r.pk)),
    );
    const ended = rows.map(
      (row): EndedGateSession => ({
        sessionId: row.id,
        site: Number(row.site),
        email: emails.get(row.id)!,
        startedAt: Number(row.started_at),
        lastActivityAt: Number(row.last_activity_at),
        endedAt: row.ended_at === null ? null : Number(row.ended_at),
        engagedMs: Number(row.engaged_ms),
        pages: (pages.get(Number(row.pk)) ?? []).map((p) => ({
          url: p.url,
          engagedMs: p.engagedMs,
          maxScroll: p.maxScroll,
          sections: p.sections ?? [],
        })),
      }),
    );
    if (announce) await addToOutbox(tx, ended.map(announce), now);
    return ended;
  });
}
