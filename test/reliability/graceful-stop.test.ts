import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import { openStore } from '../../src/store/index.ts';
import { BROWSER_UA } from '../helper.ts';
import { spawnServer } from '../process.ts';

const headers = { 'user-agent': BROWSER_UA, 'content-type': 'text/plain' };

describe('SIGTERM under load', () => {
  it('finishes requests in flight, answers new ones 503 or refuses them, commits every 200, and exits within 10 s', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dwell-stop-'));
    const env = {
      DATABASE_URL: `sqlite:${join(dir, 'dwell.db')}`,
      DWELL_ADMIN_TOKEN: 'stop-test-admin-token',
      DWELL_RATE_LIMIT: 'off',
    };
    try {
      const server = await spawnServer(env);
      const sessions = await Promise.all(
        Array.from({ length: 20 }, async () => {
          const response = await fetch(`${server.url}/api/v1/analytics/session`, {
            method: 'POST',
            headers,
            body: '{}',
          });
          return ((await response.json()) as { data: { id: string; token: string } }).data;
        }),
      );
      const acked = new Map<string, number>();
      const statuses = new Map<string, number>();
      let stop = false;
      // 20 clients beating as fast as they can, each with its own session.
      const clients = sessions.map(async ({ id, token }) => {
        for (let seq = 1; !stop; seq++) {
          try {
            const response = await fetch(`${server.url}/api/v1/analytics/session/${id}/heartbeat`, {
              method: 'POST',
              headers,
              body: JSON.stringify({ token, seq, engagedMs: 1 }),
            });
            statuses.set(String(response.status), (statuses.get(String(response.status)) ?? 0) + 1);
            if (response.status === 200) acked.set(id, seq);
            else if (response.status === 503)
              assert.equal(
                ((await response.json()) as { error: { code: string } }).error.code,
                'UNAVAILABLE',
              );
            else assert.fail(`unexpected ${response.status}`);
          } catch {
            // Connection refused or reset once the server has closed: the client would retry later.
            statuses.set('refused', (statuses.get('refused') ?? 0) + 1);
            await new Promise((resolve) => setTimeout(resolve, 5));
          }
        }
      });
      await new Promise((resolve) => setTimeout(resolve, 700));
      const signalled = Date.now();
      const exit = server.stop('SIGTERM');
      const code = await exit;
      const tookMs = Date.now() - signalled;
      stop = true;
      await Promise.all(clients);
      assert.equal(code, 0, server.output());
      assert.ok(tookMs < 10_000, `exited in ${tookMs} ms`);
      assert.ok((statuses.get('200') ?? 0) > 100, `load ran: ${JSON.stringify([...statuses])}`);

      const store = await openStore(loadConfig({ ...env, NODE_ENV: 'test' }));
      try {
        for (const [id, seq] of acked) {
          assert.ok((await store.getSession(id))!.lastSeq >= seq, 'every acknowledged beat was committed');
        }
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
