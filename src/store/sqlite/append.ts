// The request path of the SQLite engine: a batch of beats is authenticated (against the session
// directory, or the row when it does not know the session) and the accepted ones are appended to
// the journal, all in one IMMEDIATE transaction: one commit (one fsync at most) per batch.

import type Database from 'better-sqlite3';
import type { AccountingRules } from '../../accounting/credit-beat.ts';
import { type AuthRow, authorizeBeat } from '../beat-plan.ts';
import { journalValues } from '../journal.ts';
import type { SessionDirectory } from '../session-directory.ts';
import type { SessionColumns } from '../session-row.ts';
import type { BeatInput, BeatResult } from '../types.ts';
import type { Statements } from './statements.ts';

/** Builds the batch append once; it runs for every flush of group commit. */
export function createAppend(
  connection: Database.Database,
  statements: Statements,
  rules: AccountingRules,
  clock: () => number,
): (beats: BeatInput[], directory: SessionDirectory) => BeatResult[] {
  const readAuthRow = (id: string): AuthRow | undefined => {
    const raw = statements.selectForAuth.get(id) as
      | Pick<SessionColumns, 'pk' | 'token_hash' | 'cookie_only' | 'last_activity_at'>
      | undefined;
    return (
      raw && {
        pk: raw.pk,
        tokenHash: raw.token_hash,
        cookieOnly: Boolean(raw.cookie_only),
        lastActivityAt: raw.last_activity_at,
      }
    );
  };
  /**
   * Authenticates one beat and appends it. The directory spares the row's read for a session that
   * beat recently (session-directory.ts); otherwise, or when it looks expired, the row is read.
   */
  const append = (beat: BeatInput, now: number, directory: SessionDirectory): BeatResult => {
    const cached = directory.get(beat.sessionId);
    const fresh = cached !== undefined && now - cached.lastActivityAt <= rules.timeoutMs;
    const row = fresh ? cached : readAuthRow(beat.sessionId);
    const answer = authorizeBeat(
      row,
      beat,
      now,
      rules,
      () => (statements.lastJournaledAt.get(row?.pk) as number | null) ?? null,
    );
    if (answer.kind !== 'accepted') return answer;
    statements.appendBeat.run(journalValues(answer.pk, now, beat));
    row!.lastActivityAt = Math.max(row!.lastActivityAt, now);
    if (!fresh) directory.remember(beat.sessionId, row!);
    return { kind: 'accepted' };
  };
  return connection.transaction((beats: BeatInput[], directory: SessionDirectory) => {
    const now = clock();
    return beats.map((beat) => append(beat, now, directory));
  }).immediate;
}
