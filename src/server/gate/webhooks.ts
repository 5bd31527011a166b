// DWELL_WEBHOOK_URL notifications: a JSON POST per event, retried with exponential backoff and
// jitter on network errors, timeouts, 408, 429 and 5xx, a bounded number of times. Requests only
// enqueue (`notify` returns at once); delivery happens on timers, so a slow or dead endpoint never
// delays a reader. The queue is in memory: events still pending at shutdown are logged and dropped.
//
// Every request is signed the Standard Webhooks way (standardwebhooks.com), so receivers can use
// that project's verifiers in any language: `webhook-id` (the same on every retry of one event, for
// deduplication), `webhook-timestamp` (seconds, per attempt, against replays) and
// `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">` keyed by the secret.

import { createHmac, randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { WEBHOOK_SECRET_PATTERN } from '../../config.ts';

export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

export interface WebhookOptions {
  url: string;
  /** A `whsec_…` secret (WEBHOOK_SECRET_PATTERN). */
  secret: string;
  log: FastifyBaseLogger;
  /** First retry delay; each later one doubles, with ±50% jitter. */
  baseDelayMs?: number;
  maxAttempts?: number;
  timeoutMs?: number;
}

export class Webhooks {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly baseDelayMs: number;
  private readonly maxAttempts: number;
  private readonly timeoutMs: number;
  private closed = false;
  private readonly key: Buffer;

  constructor(private readonly options: WebhookOptions) {
    if (!WEBHOOK_SECRET_PATTERN.test(options.secret))
      throw new Error('webhook secret must be whsec_<base64>');
    this.key = Buffer.from(options.secret.slice('whsec_'.length), 'base64');
    this.baseDelayMs = options.baseDelayMs ?? 1_000;
    this.maxAttempts = options.maxAttempts ?? 8;
    this.timeoutMs = options.timeoutMs ?? 5_000;
  }

  /** Queues one event; never throws, never waits. */
  notify(event: string, data: Record<string, unknown>): void {
    if (this.closed) return;
    const body = JSON.stringify({ event, at: new Date().toISOString(), data });
    this.schedule({ id: `msg_${randomBytes(16).toString('hex')}`, event, body }, 1, 0);
  }

  /** Stops retrying; what is still pending is reported, not delivered. */
  close(): void {
    this.closed = true;
    if (this.timers.size > 0)
      this.options.log.warn({ pending: this.timers.size }, 'webhook events dropped at shutdown');
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private schedule(message: Message, attempt: number, delayMs: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.deliver(message, attempt);
    }, delayMs);
    timer.unref();
    this.timers.add(timer);
  }

  /** The Standard Webhooks headers of one attempt. */
  private signatureHeaders(message: Message, timestamp: number): Record<string, string> {
    const signature = createHmac('sha256', this.key)
      .update(`${message.id}.${timestamp}.${message.body}`)
      .digest('base64');
    return {
      'webhook-id': message.id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': `v1,${signature}`,
    };
  }

  private async deliver(message: Message, attempt: number): Promise<void> {
    const { event, body } = message;
    let retryable = true;
    let outcome: string;
    try {
      const response = await fetch(this.options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Dwell-Webhook/1',
          ...this.signatureHeaders(message, Math.floor(Date.now() / 1000)),
        },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      await response.body?.cancel();
      if (response.ok) {
        this.options.log.info({ event, attempt }, 'webhook delivered');
        return;
      }
      retryable = response.status === 408 || response.status === 429 || response.status >= 500;
      outcome = `HTTP ${response.status}`;
    } catch (error) {
      outcome = (error as Error).name === 'TimeoutError' ? 'timeout' : 'network error';
    }
    if (!retryable || attempt >= this.maxAttempts || this.closed) {
      this.options.log.warn({ event, attempt, outcome }, 'webhook not delivered; giving up');
      return;
    }
    const delay = this.baseDelayMs * 2 ** (attempt - 1) * (0.5 + Math.random());
    this.options.log.info(
      { event, attempt, outcome, retryInMs: Math.round(delay) },
      'webhook failed; retrying',
    );
    this.schedule(message, attempt + 1, delay);
  }
}

interface Message {
  /** `webhook-id`: one per event, the same on every retry. */
  id: string;
  event: string;
  body: string;
}
