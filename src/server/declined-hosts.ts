// Hosts whose pages asked for a session that no site claims (issue #23): logged once per host per
// hour with the command that adds it, and counted in the store (a write per host per minute at
// most, not one per request) so the dashboard can offer to add each.

import type { FastifyBaseLogger } from 'fastify';
import type { Store } from '../store/types.ts';

const LOG_EVERY_MS = 3_600_000;
const FLUSH_MS = 60_000;

export class DeclinedHosts {
  private readonly loggedAt = new Map<string, number>();
  private readonly pending = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: Store,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** A session start from `host` was declined at `now`. */
  note(host: string, now: number): void {
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
    if (first) void this.flush(now);
    else this.timer ??= setTimeout(() => void this.flush(Date.now()), FLUSH_MS).unref();
  }

  async flush(now: number): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = [...this.pending];
    this.pending.clear();
    for (const [host, count] of batch) {
      await this.store.recordDeclinedHost(host, count, now).catch((error) => {
        this.log.warn({ err: error, host }, 'could not note a declined host');
      });
    }
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
