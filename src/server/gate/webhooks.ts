// DWELL_WEBHOOK_URL notifications: a JSON POST per event, delivered at least once from the store's
// outbox. A message is written in the transaction of the change it announces (store.grantGateAccess,
// store.claimEndedGateSessions), so a restart or a crash loses none; this deliverer leases due
// messages (one instance per message when several share a database), posts them, and deletes them
// once delivered. Network errors, timeouts, 408, 429 and 5xx are retried with exponential backoff
// and jitter, kept in the outbox (attempts, next_attempt_at), a bounded number of times. Requests
// only write the outbox; delivery runs on timers, so a slow or dead endpoint never delays a reader.
//
// Every request is signed the Standard Webhooks way (standardwebhooks.com), so receivers can use
// that project's verifiers in any language: `webhook-id` (the same on every retry of one event, also
// across restarts, for deduplication), `webhook-timestamp` (seconds, per attempt, against replays)
// and `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">` keyed by the secret.

import { createHmac, randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { WEBHOOK_SECRET_PATTERN } from '../../config.ts';
import type { GateStore, OutboxMessage, WebhookAttempt } from '../../store/gate-types.ts';

export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/** Messages leased per claim, so at most this many requests are in flight at once. */
const BATCH = 20;
/** A lease outlives an attempt's timeout by this much before another deliverer may retry it. */
const LEASE_MARGIN_MS = 5_000;

export interface WebhookOptions {
  url: string;
  /** A `whsec_…` secret (WEBHOOK_SECRET_PATTERN). */
  secret: string;
  store: GateStore & { now(): Promise<number> };
  log: FastifyBaseLogger;
  /** First retry delay; each later one doubles up to maxDelayMs, with ±50% jitter. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  maxAttempts?: number;
  timeoutMs?: number;
  /** How often the outbox is looked at besides right after a write: restarts, other instances. */
  pollMs?: number;
}

type Outcome = { delivered: true } | { delivered: false; retryable: boolean; error: string };

export class Webhooks {
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly maxAttempts: number;
  private readonly timeoutMs: number;
  private readonly pollMs: number;
  private readonly key: Buffer;
  private readonly store: WebhookOptions['store'];
  private readonly log: FastifyBaseLogger;
  /** Aborts the attempts in flight at close: their messages stay in the outbox, due at once. */
  private readonly stopping = new AbortController();
  private poll: NodeJS.Timeout | null = null;
  private wake: { timer: NodeJS.Timeout; at: number } | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  /** The outbox failed at the last poll: said once per outage, not every second. */
  private outboxDown = false;

  constructor(private readonly options: WebhookOptions) {
    if (!WEBHOOK_SECRET_PATTERN.test(options.secret))
      throw new Error('webhook secret must be whsec_<base64>');
    this.key = Buffer.from(options.secret.slice('whsec_'.length), 'base64');
    this.store = options.store;
    this.log = options.log;
    this.baseDelayMs = options.baseDelayMs ?? 1_000;
    this.maxDelayMs = options.maxDelayMs ?? 3_600_000;
    // 1 s, 2 s … 34 min, then hourly: about 18 hours of retries before a message is given up.
    this.maxAttempts = options.maxAttempts ?? 30;
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.pollMs = options.pollMs ?? 1_000;
  }

  /**
   * The outbox message announcing `event`: hand it to the store call that makes the change, so
   * both commit together; then call deliverSoon().
   */
  message(event: string, data: Record<string, unknown>): OutboxMessage {
    return {
      id: `msg_${randomBytes(16).toString('hex')}`,
      event,
      body: JSON.stringify({ event, at: new Date().toISOString(), data }),
    };
  }

  /** Delivers what the outbox holds (messages left by a previous run too), then keeps polling. */
  start(): void {
    this.poll = setInterval(() => this.deliverSoon(), this.pollMs);
    this.poll.unref();
    this.deliverSoon();
  }

  /** Delivers due messages now, or right after the pass in progress; never throws. */
  deliverSoon(): void {
    if (this.stopping.signal.aborted) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.deliverDue().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.deliverSoon();
      }
    });
  }

  /** Stops delivering; attempts in flight are cut short and stay in the outbox for the next start. */
  async close(): Promise<void> {
    this.stopping.abort();
    if (this.poll) clearInterval(this.poll);
    if (this.wake) clearTimeout(this.wake.timer);
    this.poll = null;
    this.wake = null;
    await this.running;
  }

  private async deliverDue(): Promise<void> {
    try {
      for (;;) {
        if (this.stopping.signal.aborted) return;
        const batch = await this.store.claimWebhooks({
          now: await this.store.now(),
          limit: BATCH,
          leaseMs: this.timeoutMs + LEASE_MARGIN_MS,
        });
        if (this.outboxDown) this.log.info('webhook outbox reachable again');
        this.outboxDown = false;
        await Promise.all(batch.map((message) => this.attempt(message)));
        if (batch.length < BATCH) return;
      }
    } catch (error) {
      if (!this.outboxDown) this.log.warn({ err: error }, 'webhook outbox unavailable; polling on');
      this.outboxDown = true;
    }
  }

  private async attempt(message: WebhookAttempt): Promise<void> {
    const { id, event, attempt } = message;
    const outcome = await this.post(message);
    try {
      if (outcome.delivered) {
        await this.store.deleteWebhook(id);
        this.log.info({ event, webhookId: id, attempt }, 'webhook delivered');
        return;
      }
      const { retryable, error } = outcome;
      if (this.stopping.signal.aborted) {
        // Cut short by a stop: due again at once, on the next start (or another instance).
        await this.store.rescheduleWebhook(id, attempt, await this.store.now(), 'stopped');
        return;
      }
      if (!retryable || attempt >= this.maxAttempts) {
        await this.store.deleteWebhook(id);
        this.log.warn({ event, webhookId: id, attempt, outcome: error }, 'webhook not delivered; giving up');
        return;
      }
      // Whole milliseconds: the outbox keeps integers (BIGINT on PostgreSQL).
      const delay = Math.round(
        Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1)) * (0.5 + Math.random()),
      );
      await this.store.rescheduleWebhook(id, attempt, (await this.store.now()) + delay, error);
      // A timer may fire a millisecond before the clock the outbox is read with says it is due.
      this.wakeIn(delay + 2);
      this.log.info(
        { event, webhookId: id, attempt, outcome: error, retryInMs: delay },
        'webhook failed; retrying',
      );
    } catch (error) {
      // The lease runs out and the message is tried again: at least once, never lost.
      this.log.warn({ err: error, event, webhookId: id }, 'webhook outcome not recorded; retrying later');
    }
  }

  /** A pass as soon as a retry is due, when that comes before the next poll. */
  private wakeIn(delayMs: number): void {
    const at = Date.now() + delayMs;
    if (this.stopping.signal.aborted || (this.wake && this.wake.at <= at)) return;
    if (this.wake) clearTimeout(this.wake.timer);
    const timer = setTimeout(() => {
      this.wake = null;
      this.deliverSoon();
    }, delayMs);
    timer.unref();
    this.wake = { timer, at };
  }

  private async post(message: WebhookAttempt): Promise<Outcome> {
    // One controller per attempt, not AbortSignal.any over the long-lived stop signal: Node keeps
    // every signal combined with a long-lived one (nodejs/node#54614), a leak over months of events.
    const attempt = new AbortController();
    const timeout = setTimeout(
      () => attempt.abort(new DOMException('webhook timed out', 'TimeoutError')),
      this.timeoutMs,
    );
    const stop = () => attempt.abort(new DOMException('stopping', 'AbortError'));
    this.stopping.signal.addEventListener('abort', stop, { once: true });
    try {
      const response = await fetch(this.options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Dwell-Webhook/1',
          ...this.signatureHeaders(message, Math.floor(Date.now() / 1000)),
        },
        body: message.body,
        signal: attempt.signal,
      });
      await response.body?.cancel();
      if (response.ok) return { delivered: true };
      const retryable = response.status === 408 || response.status === 429 || response.status >= 500;
      return { delivered: false, retryable, error: `HTTP ${response.status}` };
    } catch (error) {
      const name = (error as Error).name;
      const reason =
        name === 'TimeoutError' ? 'timeout' : name === 'AbortError' ? 'stopped' : 'network error';
      return { delivered: false, retryable: true, error: reason };
    } finally {
      clearTimeout(timeout);
      this.stopping.signal.removeEventListener('abort', stop);
    }
  }

  /** The Standard Webhooks headers of one attempt. */
  private signatureHeaders(message: OutboxMessage, timestamp: number): Record<string, string> {
    const signature = createHmac('sha256', this.key)
      .update(`${message.id}.${timestamp}.${message.body}`)
      .digest('base64');
    return {
      'webhook-id': message.id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': `v1,${signature}`,
    };
  }
}
