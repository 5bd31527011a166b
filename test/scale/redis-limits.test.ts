import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { describe, it } from 'node:test';
import { gateEnv } from '../gate/gate-helper.ts';
import { buildTestApp } from '../helper.ts';
import { beat, browser, startSession } from '../ingest/ingest-helpers.ts';
import { REDIS_URL, redisSkipReason } from '../services.ts';

async function waitFor(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const randomIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

describe('rate limits shared through Redis', { skip: await redisSkipReason() }, () => {
  it('hold across two instances: one session’s beat budget is spent on either', async () => {
    const env = { REDIS_URL, DWELL_RATE_LIMIT: 'sessions=100/1m,beats=6/1m' };
    const a = await buildTestApp(env);
    // The second instance shares the first one's database too, as real instances would.
    const b = await buildTestApp({ ...env, DATABASE_URL: `sqlite:${a.dir}/dwell.db` }, { dir: a.dir });
    try {
      await waitFor(
        async () => (await a.app.inject({ url: '/readyz' })).json().data?.checks?.rateLimits === 'redis',
      );
      await waitFor(
        async () => (await b.app.inject({ url: '/readyz' })).json().data?.checks?.rateLimits === 'redis',
      );
      const { id, token } = await startSession(a.app);
      const statuses: number[] = [];
      for (let seq = 1; seq <= 8; seq++) {
        const app = seq % 2 ? a.app : b.app;
        statuses.push((await beat(app, id, { token, seq, engagedMs: 0 })).statusCode);
      }
      assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200, 429, 429]);
    } finally {
      await b.close();
      await a.close();
    }
  });

  it('hold across two instances for the gate form: five tries of one email in all, then 429', async () => {
    const env = gateEnv({ REDIS_URL, DWELL_RATE_LIMIT: 'sessions=100/1m,beats=100/1m' });
    const a = await buildTestApp(env);
    const b = await buildTestApp({ ...env, DATABASE_URL: `sqlite:${a.dir}/dwell.db` }, { dir: a.dir });
    try {
      for (const t of [a, b]) {
        await waitFor(
          async () => (await t.app.inject({ url: '/readyz' })).json().data?.checks?.rateLimits === 'redis',
        );
      }
      // A fresh email and address each run: the counters live in Redis for ten minutes.
      const email = `guess-${randomInt(1e9)}@example.com`;
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) {
        const response = await [a, b][i % 2]!.app.inject({
          method: 'POST',
          url: '/api/verify-temp-access',
          remoteAddress: randomIp(),
          payload: { email },
        });
        statuses.push(response.statusCode);
      }
      assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429, 429]);
    } finally {
      await b.close();
      await a.close();
    }
  });

  it('fall back to in-process limits while Redis is unreachable, and say so in /readyz', async () => {
    const t = await buildTestApp({
      REDIS_URL: 'redis://127.0.0.1:1',
      DWELL_RATE_LIMIT: 'sessions=3/1m,beats=100/1m',
    });
    try {
      const ready = await t.app.inject({ url: '/readyz' });
      assert.equal(ready.statusCode, 200, 'ingest is still ready');
      assert.match(ready.json().data.checks.rateLimits, /^in-process/);
      const ip = randomIp();
      const started = Date.now();
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        const response = await t.app.inject({
          method: 'POST',
          url: '/api/v1/analytics/session',
          headers: browser,
          remoteAddress: ip,
        });
        statuses.push(response.statusCode);
      }
      assert.deepEqual(statuses, [201, 201, 201, 429], 'the in-process limit still applies');
      assert.ok(Date.now() - started < 2_000, 'no waiting on Redis');
    } finally {
      await t.close();
    }
  });
});
