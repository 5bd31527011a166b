// The API client (@dwell/tracker/client) against a real server: cursor pagination, the email
// filter the blueprint's fetchEmailAccessSessions was, the export stream, live events after a beat,
// and the typed error for a wrong token.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createClient, DwellApiError, type Session } from '../../packages/tracker/src/client/index.ts';
import { generateSessions } from '../../src/demo/generate.ts';
import { ADMIN_TOKEN, BROWSER_UA, startServer, type TestServer } from '../helper.ts';

const SESSIONS = 7;

describe('API client', () => {
  let server: TestServer;
  let client: ReturnType<typeof createClient>;
  before(async () => {
    server = await startServer({ DWELL_RATE_LIMIT: 'off', DWELL_INTERVAL_MS: '1000' });
    const from = Date.parse('2026-10-01T00:00:00Z');
    await server.store.importSessions(
      generateSessions({ count: SESSIONS, from, to: from + 86_400_000, seed: 5 }),
    );
    client = createClient({ url: `${server.url}/`, token: ADMIN_TOKEN });
  });
  after(() => server.close());

  const range = { from: '2026-10-01', to: '2026-10-03' };

  it('iterates every session across cursor pages, newest first', async () => {
    const pages = [];
    for await (const page of client.sessions({ ...range, limit: 3 }).pages()) pages.push(page.items.length);
    assert.deepEqual(pages, [3, 3, 1]);

    const sessions: Session[] = [];
    for await (const session of client.sessions({ ...range, limit: 3 })) sessions.push(session);
    assert.equal(sessions.length, SESSIONS);
    assert.equal(new Set(sessions.map((s) => s.id)).size, SESSIONS);
    const starts = sessions.map((s) => s.startedAt);
    assert.deepEqual(starts, [...starts].sort().reverse());
  });

  it("filters by email in one call (the blueprint's fetchEmailAccessSessions)", async () => {
    const all: Session[] = [];
    for await (const session of client.sessions(range)) all.push(session);
    const email = all.find((s) => s.email)?.email;
    assert.ok(email, 'the demo data has an email');
    const mine: Session[] = [];
    for await (const session of client.sessions({ ...range, email })) mine.push(session);
    assert.ok(mine.length > 0);
    assert.ok(mine.every((s) => s.email === email));

    const one = await client.session(mine[0]!.id);
    assert.equal(one.id, mine[0]!.id);
  });

  it('reads visitors and stats', async () => {
    const visitors = await client.visitors(range);
    assert.ok(visitors.items.length > 0);
    const stats = await client.stats(range);
    assert.equal(stats.sessions, SESSIONS);
  });

  it("reads a page's attention map", async () => {
    const from = Date.parse('2026-10-01T00:00:00Z');
    const demo = [...generateSessions({ count: SESSIONS, from, to: from + 86_400_000, seed: 5 })];
    const withSections = demo.flatMap((s) => s.pages).find((p) => p.sections?.some((x) => x.engagedMs > 0));
    assert.ok(withSections, 'the demo data has sections');
    const map = await client.sections({ ...range, url: withSections.url });
    assert.equal(map.url, withSections.url);
    assert.equal(
      map.sessions,
      demo.filter((s) => s.pages.some((p) => p.url === withSections.url && p.engagedMs > 0)).length,
    );
    assert.ok(map.sections.length > 0);
    assert.deepEqual(
      map.sections.map((s) => s.position),
      map.sections.map((s) => s.position).sort((a, b) => a - b),
      'in page order',
    );
  });

  it('streams the export line by line', async () => {
    const lines: string[] = [];
    for await (const line of client.export(range)) if (line) lines.push(line);
    assert.equal(lines.length, SESSIONS);
    assert.ok(lines.every((line) => typeof (JSON.parse(line) as Session).id === 'string'));

    const csv: string[] = [];
    for await (const line of client.export({ ...range, format: 'csv' })) if (line) csv.push(line);
    assert.equal(csv.length, SESSIONS + 1);
    assert.match(csv[0]!, /^id,status,/);
  });

  it('receives a live event after a beat', async () => {
    const live = client.live()[Symbol.asyncIterator]();
    try {
      assert.equal((await live.next()).value?.count, 0);
      const started = await fetch(`${server.url}/api/v1/analytics/session`, {
        method: 'POST',
        headers: { 'user-agent': BROWSER_UA, 'content-type': 'application/json' },
        body: JSON.stringify({ url: 'https://site.test/' }),
      });
      const { id, token } = ((await started.json()) as { data: { id: string; token: string } }).data;
      const beat = await fetch(`${server.url}/api/v1/analytics/session/${id}/heartbeat`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: JSON.stringify({ token, seq: 1, engagedMs: 100 }),
      });
      assert.equal(beat.status, 200);
      for (;;) {
        const next = await live.next();
        assert.ok(!next.done, 'the stream stays open');
        if (next.value.sessions.some((s) => s.id === id)) break;
      }
    } finally {
      // Ending the loop closes the stream (the server's count of live readers drops).
      await live.return?.();
    }
  });

  it('throws a DwellApiError with the code and status for a wrong token', async () => {
    const wrong = createClient({ url: server.url, token: 'not-the-token' });
    const error = await wrong.stats().catch((e: unknown) => e);
    assert.ok(error instanceof DwellApiError);
    assert.equal(error.status, 401);
    assert.equal(error.code, 'UNAUTHORIZED');
    await assert.rejects(async () => {
      for await (const _ of wrong.sessions()) break;
    }, DwellApiError);
    await assert.rejects(async () => {
      for await (const _ of wrong.live()) break;
    }, /UNAUTHORIZED|Unauthorized|admin/i);
  });

  it('manages sites, tokens and links, and a client with a site token reads that site only', async () => {
    const created = await client.sites.create({ hosts: ['client.test'], timeZone: 'Europe/Paris' });
    assert.equal(created.id, 'client.test');
    assert.deepEqual(
      (await client.sites.list()).map((s) => s.id),
      ['site.test', 'client.test'],
    );
    // Two sites now: a call must say which.
    await assert.rejects(client.stats(range), (error: unknown) => {
      return error instanceof DwellApiError && error.code === 'SITE_REQUIRED' && error.status === 400;
    });
    const scoped = createClient({ url: server.url, token: ADMIN_TOKEN, site: 'site.test' });
    assert.equal((await scoped.stats(range)).sessions, SESSIONS);
    const { token, id } = await client.sites.createToken('client.test', { name: 'reader' });
    const reader = createClient({ url: server.url, token });
    assert.equal((await reader.stats(range)).sessions, 0);
    await assert.rejects(reader.stats({ ...range, site: 'site.test' }), (error: unknown) => {
      return error instanceof DwellApiError && error.code === 'SITE_NOT_FOUND';
    });
    assert.deepEqual(
      (await client.sites.tokens('client.test')).map((t) => t.name),
      ['reader'],
    );
    await client.sites.revokeToken('client.test', id);
    await assert.rejects(
      reader.stats(range),
      (error: unknown) => error instanceof DwellApiError && error.status === 401,
    );
    const link = await client.sites.createLink('client.test', { name: 'board' });
    assert.match(link.url, /^\/share\/[A-Za-z0-9_-]{20,}$/);
    assert.equal((await client.sites.links('client.test')).length, 1);
    await client.sites.revokeLink('client.test', link.id);
    assert.deepEqual(await client.sites.remove('client.test'), { id: 'client.test', sessions: 0 });
  });
});
