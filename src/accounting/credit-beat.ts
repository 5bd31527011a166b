// The accounting rules of API.md as one pure function: given a session's state, a beat and the
// current time, decide what is credited and what the session looks like afterwards. No I/O, no
// clock of its own: the store calls it inside its write transaction with the database's time.

export interface AccountingRules {
  /** Heartbeat period handed to clients; caps a seed beat's credit. */
  intervalMs: number;
  /** A session expires this long after its last accepted beat. */
  timeoutMs: number;
  /** Slack for network jitter and the client starting its clock before the server does. */
  toleranceMs: number;
}

/** What accounting needs to know about a session (a projection of the stored row). */
export interface SessionState {
  startedAt: number;
  lastActivityAt: number;
  endedAt: number | null;
  engagedMs: number;
  lastSeq: number;
  beats: number;
  currentUrl: string | null;
  /**
   * Time the page was visible on screen, the second of the three clocks (API.md "Query"). Null for
   * sessions stored before it was measured: unknown, not invented.
   */
  visibleMs?: number | null | undefined;
  /** The session has received a measured beat (one with `engagedMs`): see "One visit, one count". */
  measured?: boolean | undefined;
}

export interface Beat {
  seq?: number | undefined;
  engagedMs?: number | undefined;
  /** Visible time the client measured since its previous accepted beat (≥ its engagedMs). */
  visibleMs?: number | undefined;
  url?: string | undefined;
  scroll?: number | undefined;
  final?: boolean | undefined;
}

export type BeatOutcome =
  | { kind: 'expired' }
  /** A retry: nothing credited. `ended` when it carried `final` for a session still open. */
  | { kind: 'duplicate'; ended: SessionState | null }
  | { kind: 'credited'; creditedMs: number; visibleMs: number; url: string | null; next: SessionState };

/**
 * Credits one beat.
 *
 * The cap is the session's unused wall-clock time: everything that really passed since it started,
 * plus the tolerance, minus what was already credited. That is "never more than the wall clock
 * allows" summed over the session, so a flood of beats gains nothing, and two beats a second apart
 * add about a second. It is deliberately not "elapsed since the previous beat" alone: after an
 * offline stretch the tracker sends its backlog in beats that arrive close together, and their time
 * really passed, so it must not be lost (see docs/ARCHITECTURE.md, "Why the cap is cumulative").
 *
 * A seed beat (no token, no claimed time) claims nothing, so it is credited the time since the previous
 * beat, at most one interval plus the tolerance: a tab that stopped beating stops earning.
 */
export function creditBeat(
  state: SessionState,
  beat: Beat,
  now: number,
  rules: AccountingRules,
): BeatOutcome {
  const sinceLastBeat = Math.max(0, now - state.lastActivityAt);
  if (sinceLastBeat > rules.timeoutMs) return { kind: 'expired' };
  if (beat.seq !== undefined && beat.seq <= state.lastSeq) {
    // At tab close the tracker resends a beat still in flight, now marked final: its time counts
    // once, but the close it reports is news.
    const ended = beat.final && state.endedAt === null ? { ...state, endedAt: now } : null;
    return { kind: 'duplicate', ended };
  }

  const unusedWallClock = Math.max(0, now - state.startedAt + rules.toleranceMs - state.engagedMs);
  // One visit, one count: once a session gets measured beats (dwell.js), seed beats from
  // another client on it (a seed script left on the page) only say "still here".
  const seed = beat.engagedMs === undefined;
  const claimed = seed
    ? state.measured
      ? 0
      : Math.min(sinceLastBeat, rules.intervalMs + rules.toleranceMs)
    : beat.engagedMs!;
  // Visible time is capped the same way on its own total; engaged time is part of visible time, so
  // a beat's engaged credit never exceeds its visible credit. A client that reports no visible
  // time (the seed clients, older trackers) was visible for what it claims engaged.
  const visibleSoFar = state.visibleMs ?? state.engagedMs;
  const unusedVisible = Math.max(0, now - state.startedAt + rules.toleranceMs - visibleSoFar);
  const visibleClaim = Math.max(beat.visibleMs ?? 0, claimed);
  const visibleMs = Math.max(0, Math.min(Math.floor(visibleClaim), unusedVisible));
  const creditedMs = Math.max(0, Math.min(Math.floor(claimed), unusedWallClock, visibleMs));
  const url = beat.url ?? state.currentUrl;

  return {
    kind: 'credited',
    creditedMs,
    visibleMs,
    url,
    next: {
      startedAt: state.startedAt,
      lastActivityAt: Math.max(now, state.lastActivityAt),
      // `final` ends the session now; any later accepted beat (a page restored from the
      // back-forward cache) resumes it.
      endedAt: beat.final ? now : null,
      engagedMs: state.engagedMs + creditedMs,
      lastSeq: beat.seq ?? state.lastSeq,
      beats: state.beats + 1,
      currentUrl: url,
      visibleMs: state.visibleMs === null ? null : (state.visibleMs ?? 0) + visibleMs,
      measured: Boolean(state.measured) || !seed,
    },
  };
}

/** Session status as the query API reports it. */
export function sessionStatus(
  state: Pick<SessionState, 'endedAt' | 'lastActivityAt'>,
  now: number,
  timeoutMs: number,
): 'active' | 'ended' | 'expired' {
  if (state.endedAt !== null) return 'ended';
  return now - state.lastActivityAt > timeoutMs ? 'expired' : 'active';
}
