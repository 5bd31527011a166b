// `dwell gate revoke <email>` run as a real process against the SQLite file a running server
// uses: the person's access ends at once, on the next request.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { startGateServer } from './gate-helper.ts';

function dwell(args: string[], databaseUrl: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    env: { ...process.env, DATABASE_URL: databaseUrl, NODE_ENV: 'test' },
    encoding: 'utf8',
  });
}

async function enter(url: string, email: string) {
  const res = await fetch(`${url}/api/verify-temp-access`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email }).toString(),
    redirect: 'manual',
  });
  assert.equal(res.status, 303);
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

test('dwell gate revoke ends every access of that email at once, and only theirs', async () => {
  const server = await startGateServer();
  try {
    const databaseUrl = `sqlite:${join(server.dir, 'dwell.db')}`;
    const revoked = [await enter(server.url, 'Ann@Example.com'), await enter(server.url, 'ann@example.com')];
    const kept = await enter(server.url, 'bo@example.com');
    for (const cookie of [...revoked, kept]) {
      const page = await fetch(`${server.url}/confidential/`, { headers: { cookie }, redirect: 'manual' });
      assert.equal(page.status, 200);
    }

    const run = dwell(['gate', 'revoke', ' ANN@example.com '], databaseUrl);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /revoked: ann@example.com \(2 open sessions ended\)/);

    for (const cookie of revoked) {
      const page = await fetch(`${server.url}/confidential/`, { headers: { cookie }, redirect: 'manual' });
      assert.equal(page.status, 303);
      const beat = await fetch(`${server.url}/api/session-heartbeat`, {
        method: 'POST',
        headers: { cookie },
      });
      assert.equal(beat.status, 403);
    }
    const still = await fetch(`${server.url}/confidential/`, {
      headers: { cookie: kept },
      redirect: 'manual',
    });
    assert.equal(still.status, 200);

    // Revoking ends access, not the person: they may enter again (remove them from DWELL_GATE_ALLOW to stop that).
    await new Promise((resolve) => setTimeout(resolve, 5));
    const again = await enter(server.url, 'ann@example.com');
    const page = await fetch(`${server.url}/confidential/`, {
      headers: { cookie: again },
      redirect: 'manual',
    });
    assert.equal(page.status, 200);
  } finally {
    await server.close();
  }
});

test('dwell gate revoke refuses a malformed email and a wrong usage with exit code 2', async () => {
  const url = 'sqlite::memory:';
  assert.equal(dwell(['gate', 'revoke', 'not-an-email'], url).status, 2);
  assert.equal(dwell(['gate'], url).status, 2);
  const help = dwell(['gate', '--help'], url);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /dwell gate revoke <email>/);
});
