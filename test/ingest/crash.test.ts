import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import { openStore } from '../../src/store/index.ts';
import { BROWSER_UA } from '../helper.ts';
import { spawnServer } from '../process.ts';

describe('durability of an acknowledged beat', () => {
  it('finds a beat in the SQLite file after the server is SIGKILLed right after its 200', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dwell-crash-'));
    const env = {
      DATABASE_URL: `sqlite:${join(dir, 'dwell.db')}`,
      DWELL_ADMIN_TOKEN: 'crash-test-admin-token',
      DWELL_RATE_LIMIT: 'off',
    };
    try {
      const server = await spawnServer(env);
      const started = await fetch(`${server.url}/api/v1/analytics/session`, {
        method: 'POST',
        headers: { 'user-agent': BROWSER_UA, 'content-type': 'text/plain' },
        body: JSON.stringify({ url: 'https://site.test/crash' }),
      });
      const { id, token } = ((await started.json()) as { data: { id: string; token: string } }).data;
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      const acknowledged: number[] = [];
      for (let seq = 1; seq <= 20; seq++) {
        const response = await fetch(`${server.url}/api/v1/analytics/session/${id}/heartbeat`, {
          method: 'POST',
          headers: { 'user-agent': BROWSER_UA, 'content-type': 'text/plain' },
          body: JSON.stringify({ token, seq, engagedMs: 50, url: 'https://site.test/crash' }),
        });
        if (response.status === 200) acknowledged.push(seq);
      }
      // Killed the instant the last 200 arrived: no graceful close, no flush.
      server.child.kill('SIGKILL');
      await server.stop('SIGKILL');
      assert.equal(acknowledged.length, 20);

      const restarted = await spawnServer(env);
      await restarted.stop();
      const store = await openStore(loadConfig({ ...env, NODE_ENV: 'test' }));
      const session = await store.getSession(id);
      await store.close();
      assert.equal(session?.lastSeq, 20, 'the last acknowledged seq is stored');
      assert.equal(session?.beats, 20);
      assert.equal(session?.engagedMs, 20 * 50);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
