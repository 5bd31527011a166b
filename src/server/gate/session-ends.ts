// "Session ended" webhooks. A session ends with a final beat (announced right after it), by
// revocation, or by expiry — nothing happens at expiry, so a periodic sweep finds sessions whose
// last beat is older than the timeout. The store marks each announced and writes its webhook to
// the outbox in one transaction, so it is reported once (also with several instances sharing a
// database) and never lost to a crash.

import type { FastifyBaseLogger } from 'fastify';
import type { EndedGateSession } from '../../store/gate-types.ts';
import type { Store } from '../../store/types.ts';
import type { Webhooks } from './webhooks.ts';

export class SessionEnds {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly store: Store,
    private readonly webhooks: Webhooks,
    private readonly timeoutMs: number,
    private readonly log: FastifyBaseLogger,
    /** A site's id from its pk (the instance's site directory). */
    private readonly siteId: (pk: number) => string | undefined = () => undefined,
  ) {}

  /** Sweeps every timeout/4 (at least 250 ms, at most a minute): announcements lag expiry by that. */
  start(): void {
    const period = Math.min(60_000, Math.max(250, Math.floor(this.timeoutMs / 4)));
    this.timer = setInterval(() => this.sweepSoon(), period);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Runs a sweep now, or right after the one in progress; never throws. */
  sweepSoon(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.sweep().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.sweepSoon();
      }
    });
  }

  private async sweep(): Promise<void> {
    try {
      const ended = await this.store.claimEndedGateSessions({
        now: await this.store.now(),
        timeoutMs: this.timeoutMs,
        announce: (session) =>
          this.webhooks.message('gate.session_ended', endedPayload(session, this.siteId(session.site))),
      });
      if (ended.length > 0) this.webhooks.deliverSoon();
    } catch (error) {
      this.log.warn({ err: error }, 'gate session-end sweep failed; retrying at the next one');
    }
  }
}

function endedPayload(session: EndedGateSession, site: string | undefined) {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    site: site ?? null,
    email: session.email,
    sessionId: session.sessionId,
    reason: session.endedAt === null ? 'expired' : 'ended',
    startedAt: iso(session.startedAt),
    lastActivityAt: iso(session.lastActivityAt),
    endedAt: iso(session.endedAt ?? session.lastActivityAt),
    engagedMs: session.engagedMs,
    duration: Math.floor(session.engagedMs / 1000),
    pages: session.pages,
  };
}
