// The accounting rules of API.md as one pure function: given a session's state, a beat and the
// current time, decide what is credited and what the session looks like afterwards. No I/O, no
// clock of its own: the store calls it inside its write transaction with the database's time.

export interface AccountingRules {
  /** Heartbeat period handed to clients; caps a body-less beat's credit. */
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
}

export interface Beat {
  seq?: number | undefined;
  engagedMs?: number | undefined;
  url?: string | undefined;
  scroll?: number | undefined;
  final?: boolean | undefined;
}

export type BeatOutcome =
  | { kind: 'expired' }
  /** A retry: nothing credited. `ended` when it carried `final` for a session still open. */
  | { kind: 'duplicate'; ended: SessionState | null }
  | { kind: 'credited'; creditedMs: number; url: string | null; next: SessionState };

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
 * A body-less beat (the seed clients) claims nothing, so it is credited the time since the previous
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
  const claimed = beat.engagedMs ?? Math.min(sinceLastBeat, rules.intervalMs + rules.toleranceMs);
  const creditedMs = Math.max(0, Math.min(Math.floor(claimed), unusedWallClock));
  const url = beat.url ?? state.currentUrl;

  return {
    kind: 'credited',
    creditedMs,
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
