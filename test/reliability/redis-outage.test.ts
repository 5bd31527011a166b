// Redis stopped and started again under a flow of beats: heartbeats keep flowing on in-process
// limits with bounded added latency (ioredis runs without an offline queue), and no count is
// replayed into Redis afterwards.

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { buildTestApp } from '../helper.ts';
import { beat, startSession } from '../ingest/ingest-helpers.ts';
import { redisSkipReason, skipOutsideCi } from '../services.ts';

// This test stops the Redis on this machine's port, whatever REDIS_URL says.
const PORT = 6379;
const REDIS_URL = `redis://127.0.0.1:${PORT}`;
const OUTAGE_MS = Number(process.env.REDIS_OUTAGE_MS ?? 5_000);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function startRedis(): void {
  // The same command the machine's own start uses (see the env notes): no persistence.
  spawnSync(
    'redis-server',
    [
      '--daemonize',
      'yes',
      '--bind',
      '127.0.0.1',
      '-::1',
      '--port',
      String(PORT),
      '--save',
      '',
      '--appendonly',
      'no',
    ],
    {
      stdio: 'ignore',
    },
  );
}

async function skipReason(): Promise<string | false> {
  const noRedis = await redisSkipReason(REDIS_URL);
  if (noRedis) return noRedis;
  const hasServer = spawnSync('which', ['redis-server']).status === 0;
  if (!hasServer || process.getuid?.() !== 0)
    return skipOutsideCi('needs root and redis-server to stop and start Redis');
  return false;
}

describe('a Redis outage', { skip: await skipReason() }, () => {
  after(() => startRedis());

  it('keeps heartbeats flowing with bounded latency and replays nothing afterwards', async () => {
    const t = await buildTestApp({ REDIS_URL, DWELL_RATE_LIMIT: 'sessions=1000/1m,beats=10000/1m' });
    const inspect = new Redis(REDIS_URL, { lazyConnect: true, retryStrategy: () => 100 });
    inspect.on('error', () => {});
    try {
      const { id, token } = await startSession(t.app);
      let seq = 0;
      const send = async () => {
        const startedAt = Date.now();
        const answer = await beat(t.app, id, { token, seq: ++seq, engagedMs: 0 });
        return { status: answer.statusCode, ms: Date.now() - startedAt };
      };
      for (let i = 0; i < 5; i++) assert.equal((await send()).status, 200);

      execFileSync('redis-cli', ['-h', '127.0.0.1', '-p', String(PORT), 'shutdown', 'nosave']);
      const during: { status: number; ms: number }[] = [];
      const outageEnds = Date.now() + OUTAGE_MS;
      while (Date.now() < outageEnds) {
        during.push(await send());
        await sleep(20);
      }
      assert.ok(during.length > 20);
      assert.ok(
        during.every((r) => r.status === 200),
        'every beat was accepted while Redis was down',
      );
      const worst = Math.max(...during.map((r) => r.ms));
      assert.ok(worst < 500, `added latency bounded: worst ${worst} ms`);
      assert.match((await t.app.inject({ url: '/readyz' })).json().data.checks.rateLimits, /^in-process/);

      startRedis();
      const deadline = Date.now() + 10_000;
      while (
        await inspect.ping().then(
          () => false,
          () => true,
        )
      ) {
        assert.ok(Date.now() < deadline, 'Redis restarted');
        if (inspect.status === 'end' || inspect.status === 'wait') await inspect.connect().catch(() => {});
        await sleep(100);
      }
      while ((await t.app.inject({ url: '/readyz' })).json().data.checks.rateLimits !== 'redis') {
        assert.ok(Date.now() < deadline, 'back on Redis within 10 s');
        await sleep(100);
      }
      // Redis kept nothing (no persistence) and received nothing queued during the outage: the
      // session's counter holds exactly the beats sent since it came back.
      for (let i = 0; i < 3; i++) assert.equal((await send()).status, 200);
      const keys = await inspect.keys(`*beat:${id}*`);
      assert.equal(keys.length, 1);
      assert.equal(Number(await inspect.get(keys[0]!)), 3);
      process.stdout.write(
        `redis outage: ${during.length} beats during ${OUTAGE_MS} ms, worst latency ${worst} ms\n`,
      );
    } finally {
      inspect.disconnect();
      await t.close();
    }
  });
});
