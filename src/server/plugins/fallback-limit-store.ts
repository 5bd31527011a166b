// A rate-limit store for @fastify/rate-limit that keeps counters in Redis (shared by every
// instance) and falls back to exact in-process counters while Redis is unreachable, so ingest never
// stalls on Redis. ioredis runs without an offline queue: a command while disconnected fails at
// once instead of being replayed later (which would count beats twice after an outage).

import { createRequire } from 'node:module';
import type { FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { FastifyBaseLogger } from 'fastify';
import { Redis } from 'ioredis';
import {
  InProcessLimitStore,
  type LimitStore,
  type RouteStoreOptions,
  type StoreOptions,
} from './in-process-limit-store.ts';

type StoreConstructor<A extends unknown[]> = new (...args: A) => LimitStore;

// The plugin's own Redis store (CommonJS, not in its exports map as types): reused, not rewritten.
const require = createRequire(import.meta.url);
const RedisStore = require('@fastify/rate-limit/store/RedisStore') as StoreConstructor<
  [boolean, boolean, Redis, string]
>;

export interface SharedLimits {
  redis: Redis;
  /** Pass as @fastify/rate-limit's `store` option. */
  Store: FastifyRateLimitStoreCtor;
  /** Shared counters for limits counted outside the plugin (the gate's form), keys under `prefix`. */
  limitStore(prefix: string): LimitStore;
  /** For /readyz: "redis", or a note that limits are in-process for now. */
  status(): string;
  close(): Promise<void>;
}

export function connectSharedLimits(url: string, log: FastifyBaseLogger): SharedLimits {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 250,
    connectTimeout: 1_000,
    retryStrategy: (attempt) => Math.min(attempt * 250, 2_000),
    lazyConnect: false,
  });
  let shared = false;
  redis.on('ready', () => {
    if (!shared) log.info('rate limits shared through Redis');
    shared = true;
  });
  redis.on('error', (error) => {
    if (shared) log.warn({ err: error }, 'Redis unreachable: rate limits fall back to in-process counters');
    shared = false;
  });
  redis.on('end', () => {
    shared = false;
  });

  class FallbackStore implements LimitStore {
    constructor(
      private readonly remote: LimitStore,
      private readonly local: LimitStore,
    ) {}

    incr(key: string, callback: Parameters<LimitStore['incr']>[1], timeWindow: number, max: number): void {
      if (redis.status !== 'ready') {
        this.local.incr(key, callback, timeWindow, max);
        return;
      }
      this.remote.incr(
        key,
        (error, result) => (error ? this.local.incr(key, callback, timeWindow, max) : callback(null, result)),
        timeWindow,
        max,
      );
    }

    child(routeOptions: RouteStoreOptions): LimitStore {
      return new FallbackStore(this.remote.child(routeOptions), this.local.child(routeOptions));
    }
  }

  return {
    redis,
    // The plugin's published type omits the (timeWindow, max) arguments it passes to incr at run time.
    Store: class extends FallbackStore {
      constructor(params: StoreOptions) {
        const ce = params.continueExceeding ?? false;
        const eb = params.exponentialBackoff ?? false;
        super(new RedisStore(ce, eb, redis, 'dwell-rate-limit-'), new InProcessLimitStore(params));
      }
    } as unknown as FastifyRateLimitStoreCtor,
    limitStore: (prefix) =>
      new FallbackStore(new RedisStore(false, false, redis, `dwell-${prefix}-`), new InProcessLimitStore()),
    status: () => (redis.status === 'ready' ? 'redis' : `in-process (Redis ${redis.status})`),
    async close() {
      redis.disconnect();
    },
  };
}
