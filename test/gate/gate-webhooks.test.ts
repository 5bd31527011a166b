// DWELL_WEBHOOK_URL against a real HTTP server on loopback: a POST when a person opens the gate for
// the first time and when their session ends, retried from the store's outbox with backoff (also
// after a stop), never delaying a request, and signed so that the Standard Webhooks reference
// verifier (the standardwebhooks package) accepts it.

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import pino from 'pino';
import { Webhook } from 'standardwebhooks';
import { newWebhookSecret, type WebhookOptions, Webhooks } from '../../src/server/gate/webhooks.ts';
import type { PostgresStore } from '../../src/store/engines/postgres/store.ts';
import { SqliteStore } from '../../src/store/engines/sqlite/store.ts';
import type { OutboxMessage } from '../../src/store/gate-types.ts';
import { countRows, engines } from '../store/engines.ts';
import { buildGateApp, cookieHeader } from './gate-helper.ts';

interface Received {
  at: number;
  raw: string;
  headers: Record<string, string>;
  body: { event: string; at: string; data: Record<string, unknown> };
}

const SECRET = newWebhookSecret();

/** What the receiver's Standard Webhooks verifier makes of a request (it throws if the signature is wrong). */
const verified = (received: Received, secret = SECRET) =>
  new Webhook(secret).verify(received.raw, received.headers);

async function startReceiver(answer: (count: number, req: IncomingMessage, res: ServerResponse) => void) {
  const received: Received[] = [];
  let count = 0;
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => {
      raw += c;
    });
    req.on('end', () => {
      count += 1;
      received.push({
        at: Date.now(),
        raw,
        headers: req.headers as Record<string, string>,
        body: JSON.parse(raw),
      });
      answer(count, req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const ok = (_n: number, _req: IncomingMessage, res: ServerResponse) => res.writeHead(204).end();

test('first visit is announced once per person; the session end comes with pages and engaged time', async () => {
  const hook = await startReceiver(ok);
  const t = await buildGateApp({ DWELL_WEBHOOK_URL: hook.url, DWELL_WEBHOOK_SECRET: SECRET });
  try {
    const enter = () =>
      t.app.inject({ method: 'POST', url: '/api/verify-temp-access', payload: { email: 'Ann@Example.com' } });
    const first = await enter();
    await enter();
    await until(() => hook.received.length >= 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const firsts = hook.received.filter((r) => r.body.event === 'gate.first_visit');
    assert.equal(firsts.length, 1, 'the second entry is not a first visit');
    assert.equal(firsts[0]!.body.data.email, 'ann@example.com');
    assert.equal(firsts[0]!.body.data.sessionId, first.json().data.session_record_id);

    const cookie = cookieHeader(first);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const beat = await t.app.inject({
      method: 'POST',
      url: '/api/session-heartbeat',
      headers: { cookie },
      payload: { seq: 1, engagedMs: 40, url: 'http://localhost/confidential/deck.html', final: true },
    });
    assert.equal(beat.statusCode, 200);
    await until(() => hook.received.some((r) => r.body.event === 'gate.session_ended'));
    const ended = hook.received.find((r) => r.body.event === 'gate.session_ended')!.body.data;
    assert.equal(ended.email, 'ann@example.com');
    assert.equal(ended.reason, 'ended');
    assert.equal(ended.engagedMs, 40);
    assert.deepEqual(ended.pages, [
      { url: 'http://localhost/confidential/deck.html', engagedMs: 40, maxScroll: null, sections: [] },
    ]);
    for (const request of hook.received) assert.deepEqual(verified(request), request.body);
    assert.throws(
      () => verified(hook.received[0]!, newWebhookSecret()),
      /signature/i,
      'another secret fails',
    );
    const tampered = { ...hook.received[0]!, raw: hook.received[0]!.raw.replace('ann@', 'eve@') };
    assert.throws(() => verified(tampered), /signature/i, 'a changed body fails');
  } finally {
    await t.close();
    await hook.close();
  }
});

test('a session that just stops beating is announced as expired by the sweep', async () => {
  const hook = await startReceiver(ok);
  const t = await buildGateApp({
    DWELL_WEBHOOK_URL: hook.url,
    DWELL_INTERVAL_MS: '250',
    DWELL_TIMEOUT_MS: '500',
  });
  try {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/verify-temp-access',
      payload: { email: 'bo@example.com' },
    });
    const id = res.json().data.session_record_id;
    await until(() => hook.received.some((r) => r.body.event === 'gate.session_ended'), 4_000);
    const ended = hook.received.filter((r) => r.body.event === 'gate.session_ended');
    assert.equal(ended.length, 1);
    assert.equal(ended[0]!.body.data.sessionId, id);
    assert.equal(ended[0]!.body.data.reason, 'expired');
    await new Promise((resolve) => setTimeout(resolve, 600));
    assert.equal(
      hook.received.filter((r) => r.body.event === 'gate.session_ended').length,
      1,
      'announced once',
    );
  } finally {
    await t.close();
    await hook.close();
  }
});

test('a slow webhook never delays the form', async () => {
  const hook = await startReceiver(() => {
    /* never answers */
  });
  const t = await buildGateApp({ DWELL_WEBHOOK_URL: hook.url });
  try {
    const started = Date.now();
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/verify-temp-access',
      payload: { email: 'cy@example.com' },
    });
    assert.equal(res.statusCode, 200);
    await until(() => hook.received.length === 1);
    assert.ok(Date.now() - started < 2_000);
  } finally {
    await t.close();
    await hook.close();
  }
});

const RULES = { intervalMs: 1_000, timeoutMs: 60_000, toleranceMs: 200 };

/** Writes `message` to the outbox the way a first visit does: with the grant, in its transaction. */
async function queueFirstVisit(store: SqliteStore | PostgresStore, message: OutboxMessage): Promise<void> {
  const sessionId = randomUUID();
  const email = `${sessionId}@example.com`;
  await store.createSession({
    id: sessionId,
    tokenHash: null,
    cookieOnly: true,
    email,
    visitorId: null,
    entryUrl: null,
    referrer: null,
    screen: null,
    lang: null,
  });
  const now = await store.now();
  await store.grantGateAccess({ sessionId, email, issuedAt: now, expiresAt: now + 60_000 }, message);
}

/** A deliverer over a real SQLite store; `send` queues an event the way a first visit does. */
async function outbox(url: string, options: Partial<WebhookOptions> = {}, path?: string) {
  const dir = mkdtempSync(join(tmpdir(), 'dwell-outbox-'));
  const store = new SqliteStore({ path: path ?? join(dir, 'dwell.db'), rules: RULES });
  await store.migrate();
  const hooks = new Webhooks({ url, secret: SECRET, store, log: pino({ level: 'silent' }), ...options });
  hooks.start();
  return {
    store,
    path: path ?? join(dir, 'dwell.db'),
    async send(event: string, data: Record<string, unknown>) {
      await queueFirstVisit(store, hooks.message(event, data));
      hooks.deliverSoon();
    },
    pending: () => countRows(store, 'webhook_outbox'),
    async close() {
      await hooks.close();
      await store.close();
    },
  };
}

for (const engine of await engines()) {
  test(`two instances over one ${engine.name} database post each event once`, {
    skip: engine.skip,
  }, async () => {
    const hook = await startReceiver(ok);
    const opened = await engine.openPair(RULES);
    const [a, b] = opened.store;
    const log = pino({ level: 'silent' });
    const first = new Webhooks({ url: hook.url, secret: SECRET, store: a, log });
    const second = new Webhooks({ url: hook.url, secret: SECRET, store: b, log });
    try {
      for (let i = 0; i < 30; i++) await queueFirstVisit(a, first.message('gate.first_visit', { i }));
      first.start();
      second.start();
      await until(() => hook.received.length >= 30);
      await until(async () => (await countRows(a, 'webhook_outbox')) === 0);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const ids = hook.received.map((r) => r.headers['webhook-id']);
      assert.equal(ids.length, 30, 'no event posted twice');
      assert.equal(new Set(ids).size, 30);
    } finally {
      await first.close();
      await second.close();
      await opened.dispose();
      await hook.close();
    }
  });
}

test('retries 5xx and network errors with growing delays, stops on other 4xx and after the last attempt', async () => {
  const flaky = await startReceiver((n, _req, res) => res.writeHead(n < 3 ? 503 : 200).end());
  const hooks = await outbox(flaky.url, { baseDelayMs: 50 });
  await hooks.send('gate.first_visit', { email: 'a@b.co' });
  await until(() => flaky.received.length === 3);
  const [a, b, c] = flaky.received.map((r) => r.at) as [number, number, number];
  assert.ok(b - a >= 25 && c - b >= 50, `backoff grows: ${b - a} ms then ${c - b} ms`);
  assert.deepEqual(new Set(flaky.received.map((r) => r.body.at)).size, 1, 'the same event each time');
  assert.equal(new Set(flaky.received.map((r) => r.headers['webhook-id'])).size, 1, 'one webhook-id');
  for (const request of flaky.received) verified(request);
  await until(async () => (await hooks.pending()) === 0);
  await hooks.close();
  await flaky.close();

  const gone = await startReceiver((_n, _req, res) => res.writeHead(410).end());
  const final = await outbox(gone.url, { baseDelayMs: 20 });
  await final.send('x', {});
  await until(() => gone.received.length === 1);
  await new Promise((resolve) => setTimeout(resolve, 150));
  assert.equal(gone.received.length, 1, 'a 410 is not retried');
  assert.equal(await final.pending(), 0, 'and leaves the outbox');
  await final.close();
  await gone.close();

  const down = await startReceiver(ok);
  const deadUrl = down.url;
  await down.close();
  let attempts = 0;
  const counting = pino(
    { level: 'info' },
    { write: (line: string) => void (line.includes('webhook') && attempts++) },
  );
  const bounded = await outbox(deadUrl, { log: counting, baseDelayMs: 10, maxAttempts: 3 });
  await bounded.send('x', {});
  await until(() => attempts >= 3);
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(attempts, 3, 'two "retrying" lines and one "giving up"');
  assert.equal(await bounded.pending(), 0);
  await bounded.close();
});

test('an attempt that times out is retried under the same webhook-id', async () => {
  const silent = await startReceiver(() => {
    /* never answers */
  });
  const hooks = await outbox(silent.url, { timeoutMs: 200, baseDelayMs: 20 });
  try {
    await hooks.send('gate.first_visit', { email: 'slow@example.com' });
    await until(() => silent.received.length >= 2);
    assert.ok(silent.received[1]!.at - silent.received[0]!.at >= 200, 'the retry follows the timeout');
    assert.equal(silent.received[1]!.headers['webhook-id'], silent.received[0]!.headers['webhook-id']);
  } finally {
    await hooks.close();
    await silent.close();
  }
});

test('a stop cuts an attempt short and keeps the event; the next start delivers it under the same webhook-id', async () => {
  const silent = await startReceiver(() => {
    /* never answers */
  });
  const first = await outbox(silent.url);
  await first.send('gate.first_visit', { email: 'kept@example.com' });
  await until(() => silent.received.length === 1);
  const started = Date.now();
  await first.close();
  assert.ok(Date.now() - started < 2_000, 'the stop does not wait for the 5 s timeout');
  await silent.close();

  const hook = await startReceiver(ok);
  const second = await outbox(hook.url, {}, first.path);
  try {
    await until(() => hook.received.length === 1);
    assert.equal(hook.received[0]!.headers['webhook-id'], silent.received[0]!.headers['webhook-id']);
    assert.equal(hook.received[0]!.raw, silent.received[0]!.raw, 'the same signed body');
    verified(hook.received[0]!);
    await until(async () => (await second.pending()) === 0);
  } finally {
    await second.close();
    await hook.close();
  }
});

test('without DWELL_WEBHOOK_SECRET a signing secret is generated once, kept in the data folder', async () => {
  const hook = await startReceiver(ok);
  const t = await buildGateApp({ DWELL_WEBHOOK_URL: hook.url });
  try {
    await t.app.inject({
      method: 'POST',
      url: '/api/verify-temp-access',
      payload: { email: 'di@example.com' },
    });
    await until(() => hook.received.length >= 1);
    const secret = readFileSync(join(t.config.dataDir, 'webhook-secret'), 'utf8').trim();
    assert.match(secret, /^whsec_/);
    assert.equal((verified(hook.received[0]!, secret) as Received['body']).event, 'gate.first_visit');
  } finally {
    await t.close();
    await hook.close();
  }
});
