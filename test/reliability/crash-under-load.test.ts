// Crash safety under sustained load: a load generator in another process beats 50 sessions over
// 32 connections; the server is SIGKILLed mid-load and restarted; every beat that got a 200 must
// be in the store — on SQLite and on PostgreSQL.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { loadConfig } from '../../src/config.ts';
import { openStore } from '../../src/store/index.ts';
import { BROWSER_UA } from '../helper.ts';
import { spawnServer } from '../process.ts';
import { dropSchema, POSTGRES_URL, postgresSkipReason, testSchemaName } from '../store/engines.ts';

const LOAD = fileURLToPath(new URL('../fixtures/beat-load.mjs', import.meta.url));
/** Acknowledged beats before the crash, at least: proof that the server died mid-load. */
const MIN_ACKNOWLEDGED = 200;

async function crashUnderLoad(databaseUrl: string, dataDir: string) {
  const env = {
    DATABASE_URL: databaseUrl,
    DWELL_DATA_DIR: dataDir,
    DWELL_ADMIN_TOKEN: 'crash-load-admin-token',
    DWELL_RATE_LIMIT: 'off',
  };
  const server = await spawnServer(env);
  const sessions = await Promise.all(
    Array.from({ length: 50 }, async () => {
      const response = await fetch(`${server.url}/api/v1/analytics/session`, {
        method: 'POST',
        headers: { 'user-agent': BROWSER_UA, 'content-type': 'text/plain' },
        body: '{}',
      });
      return ((await response.json()) as { data: { id: string; token: string } }).data;
    }),
  );
  const load = spawn(process.execPath, [LOAD], {
    env: { ...process.env, TARGET: server.url, SESSIONS: JSON.stringify(sessions) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(load, 'exit');
  let output = '';
  load.stdout.on('data', (chunk) => {
    output += chunk;
  });
  // Killed once the load is in full swing, not after a fixed delay: on a busy machine starting the
  // generator could take most of that delay, and the test then failed for want of load (issue #18).
  const acks = () => output.match(/^ack /gm)?.length ?? 0;
  const deadline = Date.now() + 20_000;
  while (acks() < MIN_ACKNOWLEDGED + 50 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  server.child.kill('SIGKILL');
  await exited;
  await server.stop('SIGKILL');

  const acked = new Map<string, number>();
  for (const [, id, seq] of output.matchAll(/^ack (\S+) (\d+)$/gm))
    acked.set(id!, Math.max(acked.get(id!) ?? 0, Number(seq)));
  const ackCount = [...output.matchAll(/^ack /gm)].length;
  const sent = Number(/^sent (\d+)$/m.exec(output)?.[1] ?? 0);

  const restarted = await spawnServer(env);
  await restarted.stop();
  const store = await openStore(loadConfig({ ...env, NODE_ENV: 'test' }));
  let found = 0;
  let lost = 0;
  try {
    for (const [id, seq] of acked) {
      const session = await store.getSession(id);
      // Beats of one session are sent in seq order, so the highest acknowledged seq stored means
      // every acknowledged one before it was too (and its beat count proves none was skipped).
      if ((session?.lastSeq ?? 0) >= seq) found++;
      else lost++;
    }
  } finally {
    await store.close();
  }
  return { sent, acknowledged: ackCount, sessionsChecked: acked.size, found, lost };
}

const postgresSkip = await postgresSkipReason();

describe('crash under sustained load', () => {
  it('keeps every acknowledged beat on SQLite', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dwell-crash-load-'));
    try {
      const result = await crashUnderLoad(`sqlite:${join(dir, 'dwell.db')}`, dir);
      process.stdout.write(`crash (sqlite): ${JSON.stringify(result)}\n`);
      assert.ok(result.acknowledged > MIN_ACKNOWLEDGED, 'the load ran');
      assert.equal(result.lost, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps every acknowledged beat on PostgreSQL', { skip: postgresSkip }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dwell-crash-load-'));
    const schema = testSchemaName();
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    await admin.query(`CREATE SCHEMA "${schema}"`);
    await admin.end();
    try {
      const result = await crashUnderLoad(`${POSTGRES_URL}?options=-c%20search_path%3D${schema}`, dir);
      process.stdout.write(`crash (postgres): ${JSON.stringify(result)}\n`);
      assert.ok(result.acknowledged > MIN_ACKNOWLEDGED, 'the load ran');
      assert.equal(result.lost, 0);
    } finally {
      await dropSchema(schema);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
