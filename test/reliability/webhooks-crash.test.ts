// Webhooks survive a crash (issue #18): with the receiver down, a real server process announces
// first visits and session ends, fails to deliver them, and is SIGKILLed; restarted, it delivers
// every event once the receiver is back, each under one webhook-id, none twice — on SQLite and on
// PostgreSQL.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { newWebhookSecret } from '../../src/server/gate/webhooks.ts';
import { makeGateDir } from '../gate/gate-helper.ts';
import { freePort, spawnServer } from '../process.ts';
import { dropSchema, POSTGRES_URL, postgresSkipReason, testSchemaName } from '../store/engines.ts';

const SECRET = newWebhookSecret();
const PEOPLE = 8;
/** Of them, the first ENDING send a final beat: a "session ended" event each. */
const ENDING = 4;

interface Delivery {
  id: string;
  event: string;
  email: string;
}

/** A receiver on `port` that verifies every request the Standard Webhooks way and answers 204. */
async function startReceiver(port: number) {
  const deliveries: Delivery[] = [];
  const verifier = new Webhook(SECRET);
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => {
      raw += chunk;
    });
    req.on('end', () => {
      const body = verifier.verify(raw, req.headers as Record<string, string>) as {
        event: string;
        data: { email: string };
      };
      deliveries.push({ id: String(req.headers['webhook-id']), event: body.event, email: body.data.email });
      res.writeHead(204).end();
    });
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return {
    deliveries,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Enters the gate as `email` (a first visit), and with `end` sends the session's final beat. */
async function visit(url: string, email: string, end: boolean): Promise<void> {
  const entered = await fetch(`${url}/api/verify-temp-access`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email }),
  });
  assert.equal(entered.status, 200, await entered.clone().text());
  if (!end) return;
  const cookie = entered.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const beat = await fetch(`${url}/api/session-heartbeat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify({ seq: 1, engagedMs: 40, url: `${url}/confidential/deck.html`, final: true }),
  });
  assert.equal(beat.status, 200, await beat.clone().text());
}

/** Rows of the outbox and how many of them were attempted, read beside the running server. */
type OutboxCounter = () => Promise<{ rows: number; attempted: number }>;

async function crashWithPendingWebhooks(databaseUrl: string, dataDir: string, outbox: OutboxCounter) {
  const receiverPort = await freePort();
  const env = {
    DATABASE_URL: databaseUrl,
    DWELL_DATA_DIR: dataDir,
    DWELL_ADMIN_TOKEN: 'webhooks-crash-admin-token',
    DWELL_RATE_LIMIT: 'off',
    DWELL_DEMO: 'off',
    DWELL_GATE_DIR: makeGateDir(),
    DWELL_WEBHOOK_URL: `http://127.0.0.1:${receiverPort}/hook`,
    DWELL_WEBHOOK_SECRET: SECRET,
  };
  const emails = Array.from({ length: PEOPLE }, (_, i) => `person${i}@example.com`);
  const server = await spawnServer(env);
  try {
    for (const [i, email] of emails.entries()) await visit(server.url, email, i < ENDING);
    // Every event is in the outbox and was tried at least once against the dead receiver.
    await until(
      async () => {
        const { rows, attempted } = await outbox();
        return rows === PEOPLE + ENDING && attempted === rows;
      },
      20_000,
      'every event attempted once',
    );
  } finally {
    await server.stop('SIGKILL');
  }
  assertNoWebhookWarning(server.output());

  const restarted = await spawnServer(env);
  // The receiver comes back a moment after the restart: the first attempts fail again, and the
  // persisted backoff takes over.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const receiver = await startReceiver(receiverPort);
  try {
    await until(() => receiver.deliveries.length >= PEOPLE + ENDING, 60_000, 'every event delivered');
    await until(async () => (await outbox()).rows === 0, 10_000, 'the outbox to empty');
    // Anything delivered twice would arrive within this moment, the outbox being empty.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    assertNoWebhookWarning(restarted.output());
    return receiver.deliveries;
  } finally {
    await restarted.stop();
    await receiver.close();
  }
}

/** Failed attempts are logged at info; a warning would mean an outcome not recorded, or an outbox down. */
function assertNoWebhookWarning(output: string) {
  const warnings = output.split('\n').filter((line) => /webhook/i.test(line));
  assert.deepEqual(warnings, [], 'no webhook warning');
}

function assertEveryEventOnce(deliveries: Delivery[]) {
  const ids = deliveries.map((d) => d.id);
  assert.equal(new Set(ids).size, ids.length, `no webhook-id twice: ${JSON.stringify(deliveries)}`);
  const events = deliveries.map((d) => `${d.event} ${d.email}`).sort();
  const expected = [
    ...Array.from({ length: PEOPLE }, (_, i) => `gate.first_visit person${i}@example.com`),
    ...Array.from({ length: ENDING }, (_, i) => `gate.session_ended person${i}@example.com`),
  ].sort();
  assert.deepEqual(events, expected, 'every event, once');
}

const postgresSkip = await postgresSkipReason();

describe('webhooks survive a crash', () => {
  it('delivers every pending event after a SIGKILL and a restart, on SQLite', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dwell-webhooks-crash-'));
    const file = join(dir, 'dwell.db');
    const outbox: OutboxCounter = async () => {
      const db = new Database(file, { readonly: true, fileMustExist: true });
      try {
        return db
          .prepare(
            'SELECT count(*) AS rows, count(*) FILTER (WHERE attempts > 0) AS attempted FROM webhook_outbox',
          )
          .get() as { rows: number; attempted: number };
      } finally {
        db.close();
      }
    };
    try {
      assertEveryEventOnce(await crashWithPendingWebhooks(`sqlite:${file}`, dir, outbox));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('delivers every pending event after a SIGKILL and a restart, on PostgreSQL', {
    skip: postgresSkip,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dwell-webhooks-crash-'));
    const schema = testSchemaName();
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    await admin.query(`CREATE SCHEMA "${schema}"`);
    const outbox: OutboxCounter = async () =>
      (
        await admin.query<{ rows: number; attempted: number }>(
          `SELECT count(*)::int AS rows, (count(*) FILTER (WHERE attempts > 0))::int AS attempted
           FROM "${schema}".webhook_outbox`,
        )
      ).rows[0]!;
    try {
      const url = `${POSTGRES_URL}?options=-c%20search_path%3D${schema}`;
      assertEveryEventOnce(await crashWithPendingWebhooks(url, dir, outbox));
    } finally {
      await admin.end();
      await dropSchema(schema);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
