// PostgreSQL stopped mid-load and started again (pg_ctlcluster): the server answers 503 UNAVAILABLE
// with Retry-After while it is down, never crashes, /readyz says not ready, memory stays bounded,
// and it recovers by itself within 5 s of PostgreSQL coming back. Every acknowledged beat is kept.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { BROWSER_UA } from '../helper.ts';
import { spawnServer } from '../process.ts';
import { skipOutsideCi } from '../services.ts';
import { dropSchema, POSTGRES_URL, postgresSkipReason, testSchemaName } from '../store/engines.ts';

const headers = { 'user-agent': BROWSER_UA, 'content-type': 'text/plain' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function clusterControl(): string | false {
  if (!existsSync('/etc/postgresql') || process.getuid?.() !== 0) return false;
  const version = readdirSync('/etc/postgresql')[0];
  return version ?? false;
}

async function skipReason(): Promise<string | false> {
  const pgSkip = await postgresSkipReason();
  if (pgSkip) return pgSkip;
  if (!clusterControl())
    return skipOutsideCi('needs root and a local pg_ctlcluster to stop and start PostgreSQL');
  return false;
}

function cluster(action: 'start' | 'stop'): void {
  const version = clusterControl() as string;
  execFileSync(
    'pg_ctlcluster',
    ['--skip-systemctl-redirect', version, 'main', action, ...(action === 'stop' ? ['-m', 'fast'] : [])],
    {
      stdio: 'ignore',
    },
  );
}

const rssMb = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

describe('a PostgreSQL outage under load', { skip: await skipReason() }, () => {
  const schema = testSchemaName();
  after(async () => {
    // Already running unless the test failed between stop and start.
    try {
      cluster('start');
    } catch {}
    await dropSchema(schema).catch(() => {});
  });

  it('answers 503 with Retry-After while down and recovers within 5 s, losing nothing acknowledged', async () => {
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    await admin.query(`CREATE SCHEMA "${schema}"`);
    await admin.end();
    const server = await spawnServer({
      DATABASE_URL: `${POSTGRES_URL}?options=-c%20search_path%3D${schema}`,
      DWELL_ADMIN_TOKEN: 'outage-test-admin-token',
      DWELL_RATE_LIMIT: 'off',
    });
    try {
      const started = await fetch(`${server.url}/api/v1/analytics/session`, {
        method: 'POST',
        headers,
        body: '{}',
      });
      const { id, token } = ((await started.json()) as { data: { id: string; token: string } }).data;
      let seq = 0;
      let lastAcked = 0;
      const statuses = new Map<number, number>();
      let stop = false;
      let firstOkAfterRestart = 0;
      let restartedAt = 0;
      const load = (async () => {
        while (!stop) {
          const response = await fetch(`${server.url}/api/v1/analytics/session/${id}/heartbeat`, {
            method: 'POST',
            headers,
            body: JSON.stringify({ token, seq: ++seq, engagedMs: 0 }),
          });
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          const body = (await response.json()) as { error?: { code: string } };
          if (response.status === 200) {
            lastAcked = seq;
            if (restartedAt && !firstOkAfterRestart) firstOkAfterRestart = Date.now();
          } else {
            assert.equal(response.status, 503);
            assert.equal(body.error?.code, 'UNAVAILABLE');
            assert.ok(Number(response.headers.get('retry-after')) > 0);
          }
          await sleep(20);
        }
      })();
      await sleep(500);
      const rssBefore = rssMb(server.child.pid!);
      cluster('stop');
      await sleep(3_000);
      const ready = await fetch(`${server.url}/readyz`);
      assert.equal(ready.status, 503, '/readyz says not ready while PostgreSQL is down');
      assert.ok((statuses.get(503) ?? 0) > 0, 'beats were answered 503 during the outage');
      const rssDuring = rssMb(server.child.pid!);
      cluster('start');
      restartedAt = Date.now();
      const deadline = restartedAt + 10_000;
      while (!firstOkAfterRestart && Date.now() < deadline) await sleep(50);
      stop = true;
      await load;
      const recoveryMs = firstOkAfterRestart - restartedAt;
      process.stdout.write(
        `outage: statuses ${JSON.stringify(Object.fromEntries(statuses))}, recovered ${recoveryMs} ms after PostgreSQL started, RSS ${rssBefore.toFixed(0)} → ${rssDuring.toFixed(0)} MB\n`,
      );
      assert.ok(firstOkAfterRestart > 0 && recoveryMs <= 5_000, `recovered in ${recoveryMs} ms`);
      assert.ok(rssDuring - rssBefore < 50, 'no memory growth while down');
      assert.equal(server.child.exitCode, null, 'the process stayed up');
      assert.equal((await fetch(`${server.url}/readyz`)).status, 200);
      const check = new pg.Client({ connectionString: POSTGRES_URL });
      await check.connect();
      // Acknowledged means durable: folded into the session, or still in the journal.
      const { rows } = await check.query(
        `SELECT greatest(s.last_seq, (SELECT max(j.seq) FROM "${schema}".beat_journal j WHERE j.session_pk = s.pk))
           AS last_seq FROM "${schema}".sessions s WHERE s.id = $1`,
        [id],
      );
      await check.end();
      assert.ok(Number(rows[0].last_seq) >= lastAcked, 'every acknowledged beat is stored');
    } finally {
      await server.stop();
    }
  });
});
