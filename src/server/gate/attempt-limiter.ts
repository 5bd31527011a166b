// Fixed-window counters for the email form: per client IP and per email, so neither one address
// nor one machine can flood the store or the mailer. They count in @fastify/rate-limit's stores:
// in-process by default, and in Redis when REDIS_URL is set, so that running several instances
// does not multiply the attempts a guesser gets (in-process again while Redis is down).

import type { LimitStore } from '../plugins/in-process-limit-store.ts';

export interface AttemptRule {
  max: number;
  windowMs: number;
}

export class AttemptLimiter {
  constructor(
    private readonly rule: AttemptRule,
    private readonly store: LimitStore,
  ) {}

  /** Counts an attempt; resolves to the seconds to wait when over the limit, else 0. */
  hit(key: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.store.incr(
        key,
        (error, result) => {
          if (error || !result) reject(error ?? new Error('the rate-limit store answered nothing'));
          else resolve(result.current > this.rule.max ? Math.max(1, Math.ceil(result.ttl / 1000)) : 0);
        },
        this.rule.windowMs,
        this.rule.max,
      );
    });
  }
}
