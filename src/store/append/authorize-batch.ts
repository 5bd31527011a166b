// A batch of beats on the request path, decided once for every engine: which sessions the
// directory vouches for (no read needed), and, once the engine has read the others' rows, each
// beat's answer and the journal rows of those accepted. The engine reads and appends; this decides.

import type { AccountingRules } from '../../accounting/credit-beat.ts';
import { type AuthRow, authorizeBeat } from '../beat-plan.ts';
import type { BeatInput, BeatResult } from '../types.ts';
import { journalValues } from './journal.ts';
import type { SessionDirectory } from './session-directory.ts';

export type JournalRow = ReturnType<typeof journalValues>;

/**
 * Splits the sessions of `beats`: those the directory vouches for (active within the timeout), and
 * those whose rows must be read (unknown, or inactive for longer: then the row and the journal
 * decide whether the session expired).
 */
export function sessionsToRead(
  beats: readonly BeatInput[],
  now: number,
  directory: SessionDirectory,
  timeoutMs: number,
): { known: Map<string, AuthRow>; unknown: string[] } {
  const known = new Map<string, AuthRow>();
  const unknown = new Set<string>();
  for (const { sessionId } of beats) {
    if (known.has(sessionId) || unknown.has(sessionId)) continue;
    const cached = directory.get(sessionId);
    if (cached && now - cached.lastActivityAt <= timeoutMs) known.set(sessionId, cached);
    else unknown.add(sessionId);
  }
  return { known, unknown: [...unknown] };
}

/**
 * Answers each beat in arrival order from `rows` (every session of the batch that exists), and
 * returns the journal rows of the accepted ones, stamped `now`. A session's row object is shared by
 * its beats and the directory: each accepted beat moves its last activity, as the fold will.
 */
export function authorizeBatch(
  beats: readonly BeatInput[],
  now: number,
  rows: ReadonlyMap<string, AuthRow>,
  rules: Pick<AccountingRules, 'timeoutMs'>,
  lastJournaledAt: (pk: number) => number | null,
): { results: BeatResult[]; journal: JournalRow[] } {
  const journal: JournalRow[] = [];
  const results = beats.map((beat): BeatResult => {
    const row = rows.get(beat.sessionId);
    const answer = authorizeBeat(row, beat, now, rules, () => lastJournaledAt(row!.pk));
    if (answer.kind !== 'accepted') return answer;
    journal.push(journalValues(answer.pk, now, beat));
    row!.lastActivityAt = Math.max(row!.lastActivityAt, now);
    return { kind: 'accepted' };
  });
  return { results, journal };
}
