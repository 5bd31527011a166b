// The request path of the PostgreSQL engine: a batch of beats is authenticated (against the session
// directory, or the rows when it does not know them) and the accepted ones are appended to the
// journal in one insert: one or two round trips of prepared statements and no transaction. Nothing
// here updates a session: the fold does, so instances appending at once never wait on each other's
// rows. A beat's time is the statement's (STATEMENT_CLOCK), not the `at` of journalValues, which
// only SQLite's append stores.

import type pg from 'pg';
import type { AccountingRules } from '../../../accounting/credit-beat.ts';
import { authorizeBatch, type JournalRow, sessionsToRead } from '../../append/authorize-batch.ts';
import type { SessionDirectory } from '../../append/session-directory.ts';
import type { AuthRow } from '../../beat-plan.ts';
import type { BeatInput, BeatResult } from '../../types.ts';

export const CLOCK = '(extract(epoch FROM clock_timestamp()) * 1000)::bigint';
/**
 * One time for every beat of a batch, as when the batch was read: two tabs beating in one batch
 * get the same instant, so their spans overlap exactly (clock_timestamp() moves between rows).
 */
export const STATEMENT_CLOCK = '(extract(epoch FROM statement_timestamp()) * 1000)::bigint';

interface AuthColumns {
  now: string;
  pk: string;
  id: string;
  token_hash: Buffer | null;
  cookie_only: boolean;
  last_activity_at: string;
}

/** The database's clock as this instance last saw it: its offset from the local one. */
export class DatabaseClock {
  private offset = 0;
  now(): number {
    return Date.now() + this.offset;
  }
  saw(databaseNow: number): void {
    this.offset = databaseNow - Date.now();
  }
}

/**
 * Authenticates `beats`, appends the accepted ones in arrival order, and answers each. Sessions the
 * directory knows as recently active need no read (session-directory.ts), so a batch of them is
 * one round trip; the others are read first (a second one). Each beat is appended with the
 * database's clock, so instances with skewed clocks cannot over-credit.
 */
export async function appendBeats(
  pool: pg.Pool,
  beats: BeatInput[],
  rules: Pick<AccountingRules, 'timeoutMs'>,
  directory: SessionDirectory,
  clock: DatabaseClock,
): Promise<{ results: BeatResult[]; journaled: JournalRow[] }> {
  let now = clock.now();
  const { known, unknown } = sessionsToRead(beats, now, directory, rules.timeoutMs);
  let journaled = new Map<number, number>();
  if (unknown.length > 0) {
    const { rows } = await pool.query<AuthColumns>({
      name: 'dwell-beat-auth',
      text: `SELECT ${CLOCK} AS now, pk, id, token_hash, cookie_only, last_activity_at
        FROM sessions WHERE id = ANY($1::text[])`,
      values: [unknown],
    });
    if (rows[0]) {
      now = Number(rows[0].now);
      clock.saw(now);
    }
    const read = rows.map((r): [string, AuthRow] => [
      r.id,
      {
        pk: Number(r.pk),
        tokenHash: r.token_hash,
        cookieOnly: r.cookie_only,
        lastActivityAt: Number(r.last_activity_at),
      },
    ]);
    journaled = await lastJournaledAt(
      pool,
      read.map(([, row]) => row),
      now,
      rules.timeoutMs,
    );
    for (const [id, row] of read) {
      known.set(id, row);
      directory.remember(id, row);
    }
  }
  const { results, journal: accepted } = authorizeBatch(
    beats,
    now,
    known,
    rules,
    (pk) => journaled.get(pk) ?? null,
  );
  if (accepted.length > 0) {
    await pool.query({
      name: 'dwell-beat-append',
      text: `INSERT INTO beat_journal (session_pk, at, seq, engaged_ms, visible_ms, url, scroll, final, sections)
        SELECT session_pk, ${STATEMENT_CLOCK}, seq, engaged_ms, visible_ms, url, scroll, final, sections
        FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::text[], $6::real[],
          $7::bool[], $8::text[]) WITH ORDINALITY
          AS j(session_pk, seq, engaged_ms, visible_ms, url, scroll, final, sections, n)
        ORDER BY n`,
      values: [
        accepted.map((a) => a.sessionPk),
        accepted.map((a) => a.seq),
        accepted.map((a) => a.engagedMs),
        accepted.map((a) => a.visibleMs),
        accepted.map((a) => a.url),
        accepted.map((a) => a.scroll),
        accepted.map((a) => a.final === 1),
        accepted.map((a) => a.sections),
      ],
    });
  }
  return { results, journaled: accepted };
}

/**
 * The latest journaled beat of the sessions whose row alone says "expired" (their newer beats may
 * not be folded yet). Rare, so a session beating steadily never pays this read.
 */
async function lastJournaledAt(
  pool: pg.Pool,
  rows: AuthRow[],
  now: number,
  timeoutMs: number,
): Promise<Map<number, number>> {
  const stale = rows.filter((r) => now - r.lastActivityAt > timeoutMs).map((r) => r.pk);
  if (stale.length === 0) return new Map();
  const { rows: latest } = await pool.query<{ session_pk: string; at: string }>(
    'SELECT session_pk, max(at) AS at FROM beat_journal WHERE session_pk = ANY($1::bigint[]) GROUP BY session_pk',
    [stale],
  );
  return new Map(latest.map((r) => [Number(r.session_pk), Number(r.at)]));
}
