// What the request path remembers of recently beating sessions, so a beat is authenticated without
// reading its row. An entry never changes what a beat is told: the token hash and the cookie-only
// flag of a session never change, and the last activity it keeps is never newer than the truth
// (it is the latest beat this process appended), so when an entry says "expired" the engines read
// the row and the journal as they would without it, and only then answer 410.

import type { AuthRow } from '../beat-plan.ts';

/**
 * Two generations of at most `capacity / 2` entries each: a lookup in the old one moves the entry
 * to the new one, and when the new one is full the old one is dropped. An LRU's effect for the cost
 * of two Map lookups, with memory bounded (≈ 210 B an entry with its token hash as a string, 413 B
 * with a Buffer: 100,000 sessions ≈ 21 MB, measured with the heap after garbage collection).
 */
export class SessionDirectory {
  private current = new Map<string, AuthRow>();
  private previous = new Map<string, AuthRow>();

  constructor(private readonly capacity = 100_000) {}

  get(id: string): AuthRow | undefined {
    const found = this.current.get(id);
    if (found) return found;
    const old = this.previous.get(id);
    if (old) this.remember(id, old);
    return old;
  }

  /** Keeps `row` itself (the batch that read it moves its last activity), its hash as a string. */
  remember(id: string, row: AuthRow): void {
    if (typeof row.tokenHash !== 'string' && row.tokenHash !== null)
      row.tokenHash = row.tokenHash.toString('latin1');
    if (this.current.size >= this.capacity / 2) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(id, row);
  }

  /** A purge or an import may remove or replace sessions: start over from the rows. */
  clear(): void {
    this.current = new Map();
    this.previous = new Map();
  }
}
