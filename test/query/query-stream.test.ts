import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { generateSessions } from '../../src/demo/generate.ts';
import { ADMIN_TOKEN, BROWSER_UA, startServer, type TestServer } from '../helper.ts';

const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
/** Live heap after a full collection: garbage does not count, only what is really held. */
const liveHeap = () => {
  gc();
  return process.memoryUsage().heapUsed;
};

/** Reads `event: live` payloads from a fetch-streamed SSE response. */
async function* liveEvents(body: ReadableStream<Uint8Array>) {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = block.split('\n').find((line) => line.startsWith('data: '));
      if (block.startsWith('event: live') && data)
        yield JSON.parse(data.slice(6)) as { count: number; sessions: { id: string }[] };
      end = buffer.indexOf('\n\n');
    }
  }
}

describe('live stream', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({
      DWELL_RATE_LIMIT: 'off',
      DWELL_INTERVAL_MS: '1000',
      DWELL_TIMEOUT_MS: '10000',
    });
  });
  after(() => server.close());

  it('pushes who is engaged now when a beat arrives, without polling', async () => {
    const controller = new AbortController();
    const response = await fetch(`${server.url}/api/v1/analytics/live`, {
      headers: auth,
      signal: controller.signal,
    });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /text\/event-stream/);
    const events = liveEvents(response.body!);
    assert.equal((await events.next()).value?.count, 0);

    const started = await fetch(`${server.url}/api/v1/analytics/session`, {
      method: 'POST',
      headers: { 'user-agent': BROWSER_UA, 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'https://site.test/' }),
    });
    const { id, token } = ((await started.json()) as { data: { id: string; token: string } }).data;
    await new Promise((resolve) => setTimeout(resolve, 300));
    const beat = await fetch(`${server.url}/api/v1/analytics/session/${id}/heartbeat`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ token, seq: 1, engagedMs: 300 }),
    });
    assert.equal(beat.status, 200);
    const next = (await events.next()).value;
    assert.equal(next?.count, 1);
    assert.equal(next?.sessions[0]?.id, id);
    controller.abort();
  });

  it('needs the admin token', async () => {
    const response = await fetch(`${server.url}/api/v1/analytics/live`);
    assert.equal(response.status, 401);
  });
});

describe('exports', () => {
  let server: TestServer;
  const from = Date.parse('2026-10-01T00:00:00Z');
  before(async () => {
    server = await startServer({ DWELL_RATE_LIMIT: 'off' });
    await server.store.importSessions(
      generateSessions({ count: 100_000, from, to: from + 30 * 86_400_000, seed: 3 }),
    );
  });
  after(() => server.close());

  it('streams 100,000 sessions as CSV with flat memory', async () => {
    const baseline = liveHeap();
    let peak = 0;
    const response = await fetch(`${server.url}/api/v1/analytics/export?format=csv`, { headers: auth });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /text\/csv/);
    assert.match(response.headers.get('content-disposition') ?? '', /attachment/);
    let lines = 0;
    let bytes = 0;
    let nextSample = 10_000;
    let header = '';
    let tail = '';
    const decoder = new TextDecoder();
    // Read slowly enough that a buffering server would pile the whole export up in memory.
    for await (const chunk of response.body!) {
      const text = tail + decoder.decode(chunk, { stream: true });
      const parts = text.split('\r\n');
      tail = parts.pop() ?? '';
      if (!header) header = parts[0] ?? '';
      lines += parts.length;
      bytes += chunk.byteLength;
      if (lines >= nextSample) {
        nextSample += 10_000;
        peak = Math.max(peak, liveHeap() - baseline);
      }
    }
    assert.equal(lines, 100_001);
    assert.equal(
      header,
      'id,status,startedAt,lastActivityAt,endedAt,engagedMs,visibleMs,duration,beats,email,visitorId,entryUrl,referrer,' +
        'source,source_category,referrer_host,utm_source,utm_medium,utm_campaign,utm_content,utm_term,entry_path,device,browser,os,country',
    );
    // Sampled ten times along the way, the server and this reader together hold a few MB at most,
    // a fraction of the export's size: nothing accumulates.
    assert.ok(bytes > 15 * 1024 * 1024, `export is ${bytes} bytes`);
    assert.ok(peak < 8 * 1024 * 1024, `heap grew by ${(peak / 1048576).toFixed(1)} MB`);
  });

  it('streams NDJSON session objects, the same as the sessions API, filtered by time', async () => {
    const to = new Date(from + 86_400_000).toISOString();
    const response = await fetch(`${server.url}/api/v1/analytics/export?format=ndjson&to=${to}`, {
      headers: auth,
    });
    assert.match(response.headers.get('content-type') ?? '', /application\/x-ndjson/);
    const rows = (await response.text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    assert.ok(rows.length > 3_000 && rows.length < 3_500, String(rows.length));
    const first = rows[0];
    const one = await fetch(`${server.url}/api/v1/analytics/sessions/${first.id}`, { headers: auth });
    // The detail adds its timeline to the session the export streams. The export carries the
    // session's origin (issue #24) as the detail does, where the store reads it with the session.
    const {
      timeline: _timeline,
      origin,
      ...session
    } = ((await one.json()) as { data: Record<string, unknown> }).data;
    assert.deepEqual(first, { ...session, origin });
    assert.ok(rows.every((r, i) => i === 0 || r.startedAt >= rows[i - 1].startedAt));
  });

  it('refuses an unknown format', async () => {
    const response = await fetch(`${server.url}/api/v1/analytics/export?format=xml`, { headers: auth });
    assert.equal(response.status, 400);
  });
});
