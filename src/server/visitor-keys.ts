// Cookie-less visitor keys, the way Plausible counts visitors: hash(daily salt + IP + user agent).
// The salt lives in the store (so every instance agrees) and is replaced each UTC day, after which
// yesterday's keys cannot be recomputed. No raw IP or user agent is ever stored.

import { createHash, hash } from 'node:crypto';
import type { Store } from '../store/types.ts';

export class VisitorKeys {
  private day = '';
  private salt: Promise<Buffer> | null = null;

  constructor(private readonly store: Store) {}

  /**
   * The key of a visitor of `site` today. The site is part of what is hashed, so one person gets
   * unrelated keys on two sites (issue #23: the salt is per site in effect, no person is linked
   * across sites) while one salt a day still serves them all.
   */
  async keyFor(site: string, ip: string, userAgent: string, now: number): Promise<string> {
    const day = new Date(now).toISOString().slice(0, 10);
    if (day !== this.day || !this.salt) {
      this.day = day;
      this.salt = this.store.dailySalt(day);
      // A failed fetch must not poison the cache: the next request tries again.
      this.salt.catch(() => {
        this.salt = null;
      });
    }
    const salt = await this.salt;
    return createHash('sha256')
      .update(salt)
      .update(site)
      .update('\0')
      .update(ip)
      .update('\0')
      .update(userAgent)
      .digest('base64url')
      .slice(0, 22);
  }
}

export function hashToken(token: string): Buffer {
  // One-shot crypto.hash: about half the cost of a Hash object, on every beat.
  return hash('sha256', token, 'buffer');
}
