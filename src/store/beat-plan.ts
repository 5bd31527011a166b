// What one beat does to the stored rows, decided without I/O. Both engines read the session row,
// call planBeat, and write what it says inside their transaction, so they cannot drift apart.

import { timingSafeEqual } from 'node:crypto';
import { type AccountingRules, creditBeat, type SessionState } from '../accounting/credit-beat.ts';
import { extendSpan, type Span, spanGapMs } from '../accounting/spans.ts';
import type { BeatInput, BeatResult } from './types.ts';

/** The columns of a session row that a beat reads. */
export interface SessionRow extends SessionState {
  pk: number;
  tokenHash: Buffer | null;
  /** Gate sessions: only a beat carrying that session's signed access cookie counts. */
  cookieOnly: boolean;
  openSpan: Span | null;
}

export interface BeatPlan {
  result: BeatResult;
  /** New values for the session row; absent when nothing changes. */
  session?: SessionState & { openSpan: Span | null };
  /** A span that closed and must be appended to the spans table. */
  closedSpan?: Span;
  /** Credit and scroll for session_pages. */
  page?: { url: string; creditedMs: number; scroll: number | null };
}

export function planBeat(
  row: SessionRow | undefined,
  beat: BeatInput,
  now: number,
  rules: AccountingRules,
): BeatPlan {
  if (!row) return { result: { kind: 'not_found' } };
  if (!beat.trusted && (row.cookieOnly || !tokenMatches(row.tokenHash, beat.tokenHash))) {
    return { result: { kind: 'forbidden' } };
  }

  const outcome = creditBeat(row, beat, now, rules);
  if (outcome.kind === 'expired') return { result: { kind: 'expired' } };
  if (outcome.kind === 'duplicate') {
    const result = { kind: 'credited' as const, creditedMs: 0, engagedMs: row.engagedMs, duplicate: true };
    return outcome.ended ? { result, session: { ...outcome.ended, openSpan: row.openSpan } } : { result };
  }

  const { closed, open } = extendSpan(
    row.openSpan,
    outcome.url,
    outcome.creditedMs,
    now,
    spanGapMs(rules.intervalMs),
  );
  const plan: BeatPlan = {
    result: {
      kind: 'credited',
      creditedMs: outcome.creditedMs,
      engagedMs: outcome.next.engagedMs,
      duplicate: false,
    },
    session: { ...outcome.next, openSpan: open },
  };
  if (closed) plan.closedSpan = closed;
  if (outcome.url !== null && (outcome.creditedMs > 0 || beat.scroll !== undefined)) {
    plan.page = { url: outcome.url, creditedMs: outcome.creditedMs, scroll: beat.scroll ?? null };
  }
  return plan;
}

/**
 * A beat without a token (the seed clients) reaches the store only when the route allows legacy
 * beats; a beat with a token must match the stored hash. Hashes are compared in constant time.
 */
function tokenMatches(stored: Buffer | null, presented: Buffer | undefined): boolean {
  if (presented === undefined) return true;
  if (stored === null || stored.length !== presented.length) return false;
  return timingSafeEqual(stored, presented);
}
