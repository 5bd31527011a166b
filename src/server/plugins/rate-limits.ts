// Rate limits (@fastify/rate-limit), registered with global: false: each route opts in with a key
// of its own — session starts per client IP, beats per session — so many tabs behind one NAT never
// share a beat budget. Limits are in-process unless a shared store is passed (REDIS_URL), and exact
// either way: the plugin's default in-process store is an LRU that forgets keys on a busy site.

import rateLimit, { type RateLimitPluginOptions } from '@fastify/rate-limit';
import type { FastifyContextConfig, FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { RateLimitRule } from '../../config.ts';
import { errors } from '../errors.ts';
import { InProcessLimitStore } from './in-process-limit-store.ts';

export interface RateLimitsOptions {
  enabled: boolean;
  /** A shared store (Redis with in-process fallback); exact in-process counters when absent. */
  store?: RateLimitPluginOptions['store'];
}

export const rateLimitsPlugin = fp(
  async (app: FastifyInstance, options: RateLimitsOptions) => {
    if (!options.enabled) return;
    await app.register(rateLimit, {
      global: false,
      enableDraftSpec: true,
      // RateLimit-* headers go with the 429 (API.md); on every accepted beat they would only cost
      // the hot path time and bytes.
      addHeadersOnExceeding: {
        'ratelimit-limit': false,
        'ratelimit-remaining': false,
        'ratelimit-reset': false,
      },
      // The plugin's published type omits the (timeWindow, max) arguments it passes to incr.
      store: options.store ?? (InProcessLimitStore as unknown as RateLimitPluginOptions['store']),
      // A limiter failure must never stop ingest: the request goes through uncounted.
      skipOnError: true,
      errorResponseBuilder: (_request, context) =>
        errors.rateLimited(Math.max(1, Math.ceil(context.ttl / 1000))),
    });
  },
  { name: 'dwell-rate-limits' },
);

/** Route options for a limit keyed by `key`; empty when limits are off. */
export function limitBy(
  rule: RateLimitRule | undefined,
  key: (request: FastifyRequest) => string,
): FastifyContextConfig {
  if (!rule) return {};
  return { rateLimit: { max: rule.max, timeWindow: rule.windowMs, keyGenerator: key } };
}
