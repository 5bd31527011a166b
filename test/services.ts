// Suites that need something besides Node (PostgreSQL, Redis, Chromium, root to stop a service):
// where it is missing they are skipped with the reason on stderr, but under CI=true a missing
// service fails the run instead, since a suite skipped in CI is a suite nobody runs (issue #18).

import { Redis } from 'ioredis';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const onCi = () => process.env.CI !== undefined && !['', '0', 'false'].includes(process.env.CI);

/** The reason to skip, said on stderr; under CI an error instead, which fails the test file. */
export function skipOutsideCi(reason: string): string {
  if (onCi()) throw new Error(`${reason} — CI must run these tests`);
  process.stderr.write(`skipping: ${reason}\n`);
  return reason;
}

const redisProbes = new Map<string, Promise<string | false>>();

/** False when Redis answers at `url`; else the reason to skip (see skipOutsideCi), said once. */
export function redisSkipReason(url = REDIS_URL): Promise<string | false> {
  const known = redisProbes.get(url);
  if (known) return known;
  const probed = (async () => {
    const probe = new Redis(url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      connectTimeout: 1_000,
      retryStrategy: () => null,
    });
    probe.on('error', () => {});
    try {
      await probe.connect();
      await probe.ping();
      return false;
    } catch (error) {
      return skipOutsideCi(
        `Redis not reachable at ${url} (${(error as Error).message}); set REDIS_URL to run these tests`,
      );
    } finally {
      probe.disconnect();
    }
  })();
  redisProbes.set(url, probed);
  return probed;
}
