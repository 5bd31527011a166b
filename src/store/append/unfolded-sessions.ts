// Which sessions this process has journaled beats for that are not folded yet (issue #26): the
// time of the first such beat, of the latest, and whether one ended the session. The store's timer
// folds a session when it is due, so the beats of one session coalesce into one set of row writes
// instead of one each. Memory only: the journal is the durable truth, and beats this process
// forgets (a restart, another instance's) are folded by the sweep of old journal rows.

/** When a session's journaled beats are folded. */
export interface FoldTiming {
  /** At the latest this long after its first unfolded beat (N of the issue). */
  maxAgeMs: number;
  /** Or once it has been quiet this long (its reader left). */
  quietMs: number;
}

/** One session's unfolded beats, as this process appended them. */
export interface Unfolded {
  pk: number;
  first: number;
  last: number;
  ended: boolean;
  /** The append that noted it last (forgetNotedBefore). */
  noted: number;
}

export class UnfoldedSessions {
  private readonly sessions = new Map<number, Unfolded>();
  private appends = 0;

  get size(): number {
    return this.sessions.size;
  }

  /** A committed batch journaled these beats (`at`: the journal's time of each). */
  note(beats: readonly { sessionPk: number; at: number; final: number | boolean }[]): void {
    const noted = ++this.appends;
    for (const { sessionPk: pk, at, final } of beats) {
      const known = this.sessions.get(pk);
      if (known) {
        known.last = Math.max(known.last, at);
        known.ended ||= Boolean(final);
        known.noted = noted;
      } else this.sessions.set(pk, { pk, first: at, last: at, ended: Boolean(final), noted });
    }
  }

  /**
   * Takes out the sessions due at `now` (ended, quiet, or holding a beat older than maxAgeMs), at
   * most `limit`. The caller folds them, and gives back with restore() those it could not fold.
   */
  takeDue(now: number, timing: FoldTiming, limit = Number.POSITIVE_INFINITY): Unfolded[] {
    const due: Unfolded[] = [];
    for (const entry of this.sessions.values()) {
      if (due.length >= limit) break;
      if (entry.ended || now - entry.first >= timing.maxAgeMs || now - entry.last >= timing.quietMs) {
        due.push(entry);
      }
    }
    for (const entry of due) this.sessions.delete(entry.pk);
    return due;
  }

  /** Gives back sessions a fold skipped or failed on; beats noted meanwhile are kept too. */
  restore(entries: readonly Unfolded[]): void {
    for (const entry of entries) {
      const newer = this.sessions.get(entry.pk);
      if (!newer) this.sessions.set(entry.pk, entry);
      else {
        newer.first = Math.min(newer.first, entry.first);
        newer.ended ||= entry.ended;
      }
    }
  }

  /** A mark to pass to forgetNotedBefore once a fold of the whole journal that starts now is done. */
  mark(): number {
    return this.appends;
  }

  /** A fold of the whole journal, started after append `mark`, folded what those appends noted. */
  forgetNotedBefore(mark: number): void {
    for (const [pk, entry] of this.sessions) if (entry.noted <= mark) this.sessions.delete(pk);
  }

  clear(): void {
    this.sessions.clear();
  }
}
