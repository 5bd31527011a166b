// What one beat does to the stored rows, decided without I/O, in two steps shared by every engine:
// authorizeBeat when the beat arrives (the answer: 404, 403, 410 or appended to the journal), and
// planBeat when the fold applies it to the session row it read.

import { timingSafeEqual } from 'node:crypto';
import { type AccountingRules, creditBeat, type SessionState } from '../accounting/credit-beat.ts';
import { extendSpan, type Span, spanGapMs } from '../accounting/spans.ts';
import type { BeatInput, BeatResult, SectionTime } from './types.ts';

/** The columns of a session row that a beat reads. */
export interface SessionRow extends SessionState {
  pk: number;
  tokenHash: Buffer | null;
  /** Gate sessions: only a beat carrying that session's signed access cookie counts. */
  cookieOnly: boolean;
  openSpan: Span | null;
}

/**
 * What the request path reads to answer a beat (the fold reads the whole row later). The session
 * directory keeps the token hash as a latin1 string, a byte a character: a 32-byte Buffer costs
 * ~200 bytes of heap and off-heap memory for each of 100,000 remembered sessions (issue #26).
 */
export interface AuthRow extends Pick<SessionRow, 'pk' | 'cookieOnly' | 'lastActivityAt'> {
  tokenHash: Buffer | string | null;
}

export type BeatAnswer = { kind: 'accepted'; pk: number } | Exclude<BeatResult, { kind: 'accepted' }>;

/**
 * Decides a beat's answer when it arrives. `lastJournaledAt` is the latest accepted beat of the
 * session not folded yet: the engines look it up only when the row alone says "expired", so a
 * session beating steadily never pays for it. A beat accepted here may still be left uncredited by
 * the fold (a retry arriving after the timeout), which API.md allows.
 */
export function authorizeBeat(
  row: AuthRow | undefined,
  beat: Pick<BeatInput, 'tokenHash' | 'trusted'>,
  now: number,
  rules: Pick<AccountingRules, 'timeoutMs'>,
  lastJournaledAt: () => number | null = () => null,
): BeatAnswer {
  if (!row) return { kind: 'not_found' };
  if (!beat.trusted && (row.cookieOnly || !tokenMatches(row.tokenHash, beat.tokenHash))) {
    return { kind: 'forbidden' };
  }
  if (now - row.lastActivityAt > rules.timeoutMs) {
    const journaled = lastJournaledAt();
    if (journaled === null || now - journaled > rules.timeoutMs) return { kind: 'expired' };
  }
  return { kind: 'accepted', pk: row.pk };
}

/** What a beat did when the fold applied it (the fold tells the live view and the metrics). */
export type BeatOutcome =
  | { kind: 'credited'; creditedMs: number; engagedMs: number; duplicate: boolean }
  | { kind: 'uncredited' };

export interface BeatPlan {
  result: BeatOutcome;
  /** New values for the session row; absent when nothing changes. */
  session?: SessionState & { openSpan: Span | null };
  /** A span that closed and must be appended to the spans table. */
  closedSpan?: Span;
  /** Credit and scroll for session_pages, and the credit of the page's sections. */
  page?: {
    url: string;
    creditedMs: number;
    visibleMs: number;
    scroll: number | null;
    sections: SectionTime[];
  };
}

/** Applies one authorized beat, taken at `now`, to the session's row (the fold calls it in order). */
export function planBeat(row: SessionRow, beat: BeatInput, now: number, rules: AccountingRules): BeatPlan {
  const outcome = creditBeat(row, beat, now, rules);
  if (outcome.kind === 'expired') return { result: { kind: 'uncredited' } };
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
  if (
    outcome.url !== null &&
    (outcome.creditedMs > 0 || outcome.visibleMs > 0 || beat.scroll !== undefined)
  ) {
    plan.page = {
      url: outcome.url,
      creditedMs: outcome.creditedMs,
      visibleMs: outcome.visibleMs,
      scroll: beat.scroll ?? null,
      sections: capSections(beat.sections ?? [], outcome.creditedMs),
    };
  }
  return plan;
}

/**
 * A beat's sections never get more than the engaged time it was credited (API.md accounting): when
 * they claim more, each is scaled down by the same factor, rounded down.
 */
export function capSections(sections: readonly SectionTime[], creditedMs: number): SectionTime[] {
  const claimed = sections.reduce((sum, s) => sum + s.engagedMs, 0);
  if (claimed === 0 || creditedMs === 0) return [];
  if (claimed <= creditedMs) return sections.filter((s) => s.engagedMs > 0);
  const factor = creditedMs / claimed;
  return sections
    .map((s) => ({ ...s, engagedMs: Math.floor(s.engagedMs * factor) }))
    .filter((s) => s.engagedMs > 0);
}

/**
 * A seed beat (no token) reaches the store only when the route allows seed
 * beats; a beat with a token must match the stored hash. Hashes are compared in constant time.
 */
function tokenMatches(stored: Buffer | string | null, presented: Buffer | undefined): boolean {
  if (presented === undefined) return true;
  if (stored === null || stored.length !== presented.length) return false;
  return timingSafeEqual(typeof stored === 'string' ? Buffer.from(stored, 'latin1') : stored, presented);
}
