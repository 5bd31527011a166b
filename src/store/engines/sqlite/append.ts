// The request path of the SQLite engine: a batch of beats is authenticated (against the session
// directory, or the rows it does not know: append/authorize-batch.ts decides) and the accepted ones
// are appended to the journal, all in one IMMEDIATE transaction: one commit (one fsync at most) per batch.

import type Database from 'better-sqlite3';
import type { AccountingRules } from '../../../accounting/credit-beat.ts';
import { authorizeBatch, type JournalRow, sessionsToRead } from '../../append/authorize-batch.ts';
import type { SessionDirectory } from '../../append/session-directory.ts';
import type { AuthRow } from '../../beat-plan.ts';
import type { SessionColumns } from '../../session-row.ts';
import type { BeatInput, BeatResult } from '../../types.ts';
import type { Statements } from './statements.ts';

/** Builds the batch append once; it runs for every flush of group commit. */
export function createAppend(
  connection: Database.Database,
  statements: Statements,
  rules: AccountingRules,
  clock: () => number,
): (beats: BeatInput[], directory: SessionDirectory) => { results: BeatResult[]; journaled: JournalRow[] } {
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
  const lastJournaledAt = (pk: number) => (statements.lastJournaledAt.get(pk) as number | null) ?? null;
  return connection.transaction((beats: BeatInput[], directory: SessionDirectory) => {
    const now = clock();
    const { known, unknown } = sessionsToRead(beats, now, directory, rules.timeoutMs);
    for (const id of unknown) {
      const row = readAuthRow(id);
      if (!row) continue;
      known.set(id, row);
      directory.remember(id, row);
    }
    const { results, journal } = authorizeBatch(beats, now, known, rules, lastJournaledAt);
    for (const values of journal) statements.appendBeat.run(values);
    return { results, journaled: journal };
  }).immediate;
}
