import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { newSessionId } from '../session-id.ts';
import { InProcessLimitStore, type LimitStore, type StoreOptions } from './in-process-limit-store.ts';

const route = { routeInfo: { method: 'POST', url: '/api/v1/analytics/session/:id/heartbeat' } };
const MINUTE = 60_000;

/** incr as a plain call: every store here answers synchronously. */
function hit(store: LimitStore, key: string, max: number, timeWindow = MINUTE) {
  let answer: { current: number; ttl: number } | undefined;
  store.incr(
    key,
    (_error, result) => {
      if (result) answer = { current: result.current, ttl: result.ttl };
    },
    timeWindow,
    max,
  );
  assert.ok(answer, 'the store answered synchronously');
  return answer;
}

describe('in-process limit store', () => {
  it('counts every one of 50,000 sessions exactly, so a session just over its limit is refused', (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: Date.parse('2026-11-23T10:00:00Z') });
    const store = new InProcessLimitStore().child(route);
    const keys = Array.from({ length: 50_000 }, () => `beat:${newSessionId()}`);
    const max = 3;
    // Round-robin, as beats arrive on a busy site: every session's counter must survive the
    // 49,999 others counted between two of its beats (the plugin's LRU keeps only 5,000).
    for (let beat = 1; beat <= max; beat++) {
      for (const key of keys) assert.equal(hit(store, key, max).current, beat);
      t.mock.timers.tick(1_000);
    }
    for (const key of keys) {
      const over = hit(store, key, max);
      assert.equal(over.current, max + 1);
      assert.equal(over.ttl, MINUTE - 3_000, 'Retry-After counts from the window’s first beat');
    }
  });

  it('starts a key over once its window has passed', (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
    const store = new InProcessLimitStore();
    assert.deepEqual(hit(store, 'a', 1), { current: 1, ttl: MINUTE });
    t.mock.timers.tick(MINUTE - 1);
    assert.deepEqual(hit(store, 'a', 1), { current: 2, ttl: 1 });
    t.mock.timers.tick(1);
    assert.deepEqual(hit(store, 'a', 1), { current: 1, ttl: MINUTE });
  });

  it('forgets expired windows as it counts: memory follows the sessions active in a window', (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
    const store = new InProcessLimitStore();
    const batch = (tag: string) => {
      for (let i = 0; i < 10_000; i++) hit(store, `${tag}${i}`, 10);
    };
    batch('first-window-');
    assert.equal(store.size, 10_000);
    t.mock.timers.tick(MINUTE);
    batch('second-window-');
    assert.equal(store.size, 10_000, 'the first window’s keys are gone');
    t.mock.timers.tick(MINUTE);
    batch('third-window-');
    assert.equal(store.size, 10_000);
  });

  it('answers as @fastify/rate-limit’s LocalStore does, with and without continueExceeding', () => {
    // Below its 5,000 keys the LocalStore is exact: the reference for every other behaviour.
    const LocalStore = createRequire(import.meta.url)('@fastify/rate-limit/store/LocalStore') as new (
      continueExceeding: boolean,
      exponentialBackoff: boolean,
    ) => LimitStore;
    fc.assert(
      fc.property(
        fc.constantFrom<StoreOptions>({}, { continueExceeding: true }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(
          fc.record({
            key: fc.constantFrom('a', 'b', 'c'),
            // Mostly quick hits (to go over the limit), sometimes a wait past the 20 s window.
            waitMs: fc.oneof(fc.nat({ max: 1_000 }), fc.nat({ max: 25_000 })),
          }),
          { maxLength: 60 },
        ),
        (options, max, hits) => {
          const realNow = Date.now;
          let now = 1_000_000;
          Date.now = () => now;
          try {
            // The plugin hands each route's store the global options merged with the route's.
            const exact = new InProcessLimitStore().child({ ...route, ...options });
            const local = new LocalStore(false, false).child({ ...route, ...options });
            for (const { key, waitMs } of hits) {
              now += waitMs;
              assert.deepEqual(hit(exact, key, max, 20_000), hit(local, key, max, 20_000));
            }
          } finally {
            Date.now = realNow;
          }
        },
      ),
    );
  });

  it('backs off as RedisStore does: each hit over the limit doubles the wait, and the key waits it out', (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
    const store = new InProcessLimitStore({ exponentialBackoff: true });
    assert.deepEqual(hit(store, 'a', 1, 1_000), { current: 1, ttl: 1_000 });
    assert.deepEqual(hit(store, 'a', 1, 1_000), { current: 2, ttl: 1_000 });
    assert.deepEqual(hit(store, 'a', 1, 1_000), { current: 3, ttl: 2_000 });
    assert.deepEqual(hit(store, 'a', 1, 1_000), { current: 4, ttl: 4_000 });
    t.mock.timers.tick(3_999);
    assert.deepEqual(hit(store, 'a', 1, 1_000), { current: 5, ttl: 8_000 });
    t.mock.timers.tick(8_000);
    assert.deepEqual(hit(store, 'a', 1, 1_000), { current: 1, ttl: 1_000 });
  });

  it('costs a few hundred bytes per session', (t) => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const heapUsed = () => {
      gc();
      gc();
      return process.memoryUsage().heapUsed;
    };
    const store = new InProcessLimitStore();
    const before = heapUsed();
    // Keys built per hit, as the beat route's key generator does.
    for (let i = 0; i < 50_000; i++) hit(store, `beat:${newSessionId()}`, 120);
    const perKey = (heapUsed() - before) / 50_000;
    t.diagnostic(`${Math.round(perKey)} bytes per session key (heapUsed over 50,000 keys)`);
    assert.equal(store.size, 50_000);
    assert.ok(perKey < 1_024, `${perKey} bytes per key`);
  });
});
