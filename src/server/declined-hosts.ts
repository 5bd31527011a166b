// Hosts whose pages asked for a session that no site claims (issue #23): logged once per host per
// hour with the command that adds it, and counted in the store (a write per host per minute at
// most, not one per request) so the dashboard can offer to add each. Pages anywhere can name any
// host, so both are bounded: the hosts remembered for the log, and the new hosts noted per minute.

import type { FastifyBaseLogger } from 'fastify';
import { LRUCache } from 'lru-cache';
import type { Store } from '../store/types.ts';

const LOG_EVERY_MS = 3_600_000;
/** How far back GET /api/v1/declined-hosts looks; older hosts are deleted (once an hour at most). */
export const DECLINED_DAYS = 7;
const FORGET_EVERY_MS = 3_600_000;
const FLUSH_MS = 60_000;
/** Hosts whose last log line is remembered; one pushed out is logged again when it comes back. */
const REMEMBERED_HOSTS = 1_000;
/**
 * New hosts per minute: the first this many reach the dashboard at once (a write each), and at
 * most this many more are counted; a request from yet another host that minute is not (one line
 * says so). A deployment sees a handful; a flood of made-up hosts costs a few hundred writes a minute.
 */
const HOSTS_PER_MINUTE = 100;

export class DeclinedHosts {
  private readonly loggedAt = new LRUCache<string, number>({ max: REMEMBERED_HOSTS });
  private readonly pending = new Map<string, number>();
  /** This minute's: hosts flushed at once, and requests dropped. */
  private flushedAtOnce = 0;
  private dropped = 0;
  private forgottenAt = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: Store,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** A session start from `host` was declined at `now`. */
  note(host: string, now: number): void {
    if (!this.pending.has(host) && this.pending.size >= HOSTS_PER_MINUTE) {
      if (this.dropped++ === 0) {
        this.log.warn(
          { host },
          `declined sessions from more than ${HOSTS_PER_MINUTE} new hosts within a minute: the others are not counted this minute`,
        );
      }
      return;
    }
    const logged = this.loggedAt.get(host);
    const first = !this.pending.has(host) && logged === undefined;
    this.pending.set(host, (this.pending.get(host) ?? 0) + 1);
    if (logged === undefined || now - logged >= LOG_EVERY_MS) {
      this.loggedAt.set(host, now);
      this.log.warn(
        { host },
        `declined a session from ${host}: no site claims it. Add it with: dwell sites add ${host} (or to a site: dwell sites update <id> --add-host ${host})`,
      );
    }
    // The first sight of a host reaches the dashboard at once; the rest are counted per minute.
    this.timer ??= setTimeout(() => void this.flush(Date.now()), FLUSH_MS).unref();
    if (first && this.flushedAtOnce < HOSTS_PER_MINUTE) {
      this.flushedAtOnce++;
      void this.write(this.take(host), now);
    }
  }

  /** Writes what is counted and starts a new minute. */
  async flush(now: number): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = [...this.pending];
    this.pending.clear();
    this.flushedAtOnce = 0;
    this.dropped = 0;
    await this.write(batch, now);
    if (now - this.forgottenAt >= FORGET_EVERY_MS) {
      this.forgottenAt = now;
      await this.store.forgetDeclinedHosts(now - DECLINED_DAYS * 86_400_000).catch((error) => {
        this.log.warn({ err: error }, 'could not delete old declined hosts');
      });
    }
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** One host's count, taken out of the pending ones. */
  private take(host: string): [string, number][] {
    const count = this.pending.get(host) ?? 0;
    this.pending.delete(host);
    return [[host, count]];
  }

  private async write(batch: [string, number][], now: number): Promise<void> {
    for (const [host, count] of batch) {
      await this.store.recordDeclinedHost(host, count, now).catch((error) => {
        this.log.warn({ err: error, host }, 'could not note a declined host');
      });
    }
  }
}
