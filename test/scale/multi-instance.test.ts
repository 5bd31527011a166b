// Two server processes on one PostgreSQL and one Redis, one session's beats sent to both,
// interleaved: totals exact, seq dedupe across instances, the rate limit shared, nothing lost, and
// an instance with a clock an hour ahead cannot over-credit (elapsed time is the database's).

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { BROWSER_UA } from '../helper.ts';
import { type ServerProcess, spawnServer } from '../process.ts';
import { REDIS_URL, redisSkipReason } from '../services.ts';
import { dropSchema, POSTGRES_URL, postgresSkipReason, testSchemaName } from '../store/engines.ts';

const SKEW = fileURLToPath(new URL('../fixtures/skewed-clock.mjs', import.meta.url));
const headers = { 'user-agent': BROWSER_UA, 'content-type': 'text/plain' };

async function post(url: string, body: unknown) {
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as { data: Record<string, unknown> } };
}

const skip = (await postgresSkipReason()) || (await redisSkipReason());

/** A session's engaged time read through an instance's query API (a read folds every journaled beat). */
async function engagedMs(base: string, id: string): Promise<number> {
  const response = await fetch(`${base}/api/v1/analytics/sessions/${id}`, {
    headers: { authorization: 'Bearer multi-instance-admin-token' },
  });
  assert.equal(response.status, 200);
  return ((await response.json()) as { data: { engagedMs: number } }).data.engagedMs;
}

describe('two instances on one PostgreSQL and one Redis', { skip }, () => {
  const schema = testSchemaName();
  const databaseUrl = `${POSTGRES_URL}${POSTGRES_URL.includes('?') ? '&' : '?'}options=-c%20search_path%3D${schema}`;
  let a: ServerProcess;
  let b: ServerProcess;

  before(async () => {
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    await admin.query(`CREATE SCHEMA "${schema}"`);
    await admin.end();
    const env = {
      DATABASE_URL: databaseUrl,
      REDIS_URL,
      DWELL_ADMIN_TOKEN: 'multi-instance-admin-token',
      DWELL_RATE_LIMIT: 'sessions=1000/1m,beats=200/1m',
      DWELL_INTERVAL_MS: '1000',
      DWELL_TIMEOUT_MS: '60000',
    };
    // Started together: the migration lock lets one migrate while the other waits.
    [a, b] = await Promise.all([
      spawnServer(env),
      spawnServer({ ...env, NODE_OPTIONS: `--import=${SKEW}`, DWELL_TEST_CLOCK_SKEW_MS: String(3_600_000) }),
    ]);
  });

  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await dropSchema(schema);
  });

  it('credit one session exactly, whichever instance each beat reaches, retries included', async () => {
    const started = await post(`${a.url}/api/v1/analytics/session`, { url: 'https://site.test/multi' });
    const { id, token } = started.body.data as { id: string; token: string };
    await new Promise((resolve) => setTimeout(resolve, 4_500));
    for (let seq = 1; seq <= 40; seq++) {
      const [first, second] = seq % 2 ? [a, b] : [b, a];
      const beat = { token, seq, engagedMs: 100, url: `https://site.test/p${seq % 3}` };
      const answer = await post(`${first.url}/api/v1/analytics/session/${id}/heartbeat`, beat);
      assert.equal(answer.status, 200);
      // The same beat retried on the other instance counts once.
      const retry = await post(`${second.url}/api/v1/analytics/session/${id}/heartbeat`, beat);
      assert.equal(retry.status, 200);
    }
    assert.equal(await engagedMs(a.url, id), 4_000);
    assert.equal(await engagedMs(b.url, id), 4_000, 'either instance reads every acknowledged beat');
    // Concurrent beats to both instances at once: none lost, each of its 10 ms counted.
    const burst = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        post(`${[a, b][i % 2]!.url}/api/v1/analytics/session/${id}/heartbeat`, {
          token,
          seq: 41 + i,
          engagedMs: 10,
        }),
      ),
    );
    assert.ok(burst.every((r) => r.status === 200));
    // Seqs that arrive out of order are retries by the rules: between none and all 20 count.
    const after = await engagedMs(b.url, id);
    assert.ok(after > 4_000 && after <= 4_200, `engaged ${after}`);
  });

  it('do not over-credit through an instance whose clock runs an hour ahead', async () => {
    const started = await post(`${a.url}/api/v1/analytics/session`, {});
    const { id, token } = started.body.data as { id: string; token: string };
    await new Promise((resolve) => setTimeout(resolve, 500));
    // b believes an hour has passed; the database knows it was half a second.
    const greedy = await post(`${b.url}/api/v1/analytics/session/${id}/heartbeat`, {
      token,
      seq: 1,
      engagedMs: 3_600_000,
    });
    assert.equal(greedy.status, 200);
    const credited = await engagedMs(b.url, id);
    assert.ok(credited < 3_500, `credited ${credited}`);
    const legacy = await fetch(`${b.url}/api/v1/analytics/session/${id}/heartbeat`, {
      method: 'PATCH',
      headers: { 'user-agent': BROWSER_UA },
    });
    assert.equal(legacy.status, 200);
  });

  it('share one rate limit: a session’s beat budget is spent on either instance', async () => {
    const started = await post(`${a.url}/api/v1/analytics/session`, {});
    const { id, token } = started.body.data as { id: string; token: string };
    const statuses: number[] = [];
    for (let seq = 1; seq <= 201; seq++) {
      statuses.push(
        (
          await post(`${[a, b][seq % 2]!.url}/api/v1/analytics/session/${id}/heartbeat`, {
            token,
            seq,
            engagedMs: 0,
          })
        ).status,
      );
    }
    assert.equal(statuses.filter((s) => s === 200).length, 200);
    assert.equal(statuses.at(-1), 429);
  });
});
