// Deciding a session's site costs no database read (issue #23): every instance keeps the sites in
// memory and reloads them when another instance changes one, within a few seconds; a declined host
// is logged once an hour, with the command that adds it, however many requests it sends.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DeclinedHosts } from '../../src/server/declined-hosts.ts';
import { RELOAD_MS } from '../../src/server/site-directory.ts';
import { ADMIN_TOKEN, BROWSER_UA, buildTestApp } from '../helper.ts';

const start = (app: Awaited<ReturnType<typeof buildTestApp>>, url: string) =>
  app.app
    .inject({
      method: 'POST',
      url: '/api/v1/analytics/session',
      headers: { 'content-type': 'application/json', 'user-agent': BROWSER_UA },
      payload: JSON.stringify({ url }),
    })
    .then((r) => (r.json() as { data: { id: string | null; reason?: string } }).data);

describe('site directory', () => {
  it('sees a site another instance added within a few seconds, without a read per session', async () => {
    const one = await buildTestApp({ DWELL_RATE_LIMIT: 'off' });
    const two = await buildTestApp({ DWELL_RATE_LIMIT: 'off' }, { dir: one.dir });
    try {
      assert.equal((await start(two, 'https://later.test/')).reason, 'unknown-site');
      const added = await one.app.inject({
        method: 'POST',
        url: '/api/v1/sites',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        payload: JSON.stringify({ hosts: ['later.test'] }),
      });
      assert.equal(added.statusCode, 201);
      assert.equal(
        typeof (await start(one, 'https://later.test/')).id,
        'string',
        'at once where it was made',
      );
      const deadline = Date.now() + RELOAD_MS + 2_000;
      let id: string | null = null;
      while (id === null && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        id = (await start(two, 'https://later.test/')).id;
      }
      assert.equal(typeof id, 'string', `the other instance within ${RELOAD_MS} ms`);
    } finally {
      await two.close();
      await one.close();
    }
  });
});

describe('declined hosts', () => {
  it('are logged once an hour per host, with the command that adds them, and counted in the store', async () => {
    const lines: { host: string; message: string }[] = [];
    const log = {
      warn: (object: { host: string }, message: string) => lines.push({ host: object.host, message }),
    };
    const noted: [string, number][] = [];
    const forgotten: number[] = [];
    const store = {
      recordDeclinedHost: async (host: string, count: number) => void noted.push([host, count]),
      forgetDeclinedHosts: async (before: number) => forgotten.push(before),
    };
    const hosts = new DeclinedHosts(store as never, log as never);
    const t0 = Date.UTC(2026, 11, 5, 12);
    for (let i = 0; i < 50; i++) hosts.note('spam.test', t0 + i * 1000);
    hosts.note('other.test', t0);
    hosts.note('spam.test', t0 + 3_600_000);
    await hosts.flush(t0 + 3_600_000);
    hosts.stop();
    assert.deepEqual(
      lines.map((l) => l.host),
      ['spam.test', 'other.test', 'spam.test'],
    );
    assert.match(lines[0]!.message, /dwell sites add spam\.test/);
    // The minute's write also deletes hosts older than the list shows, once an hour at most.
    await hosts.flush(t0 + 3_600_000 + 60_000);
    await hosts.flush(t0 + 2 * 3_600_000 + 1);
    assert.deepEqual(forgotten, [t0 + 3_600_000 - 7 * 86_400_000, t0 + 2 * 3_600_000 + 1 - 7 * 86_400_000]);
    assert.equal(
      noted.filter(([host]) => host === 'spam.test').reduce((n, [, c]) => n + c, 0),
      51,
      'every request counted',
    );
  });

  it('note at most 200 new hosts a minute, and remember at most 1,000 for the log: any page can name any host', async () => {
    const lines: string[] = [];
    const log = { warn: (_: unknown, message: string) => lines.push(message) };
    const noted = new Map<string, number>();
    const store = {
      recordDeclinedHost: async (host: string, count: number) => {
        noted.set(host, (noted.get(host) ?? 0) + count);
      },
      forgetDeclinedHosts: async () => 0,
    };
    const hosts = new DeclinedHosts(store as never, log as never);
    const t0 = Date.UTC(2026, 11, 6, 12);
    for (let i = 0; i < 1_000; i++) hosts.note(`flood${i}.test`, t0);
    await hosts.flush(t0 + 60_000);
    // 100 written at once, 100 counted for the minute's write, the other 800 dropped with one line.
    assert.equal(noted.size, 200);
    assert.equal(lines.filter((l) => l.startsWith('declined a session from')).length, 200);
    assert.equal(lines.filter((l) => l.includes('more than 100 new hosts')).length, 1);
    // A new minute counts again.
    hosts.note('later.test', t0 + 61_000);
    await hosts.flush(t0 + 120_000);
    hosts.stop();
    assert.equal(noted.get('later.test'), 1);

    // 1,500 hosts over 15 minutes: the log remembers the latest 1,000, so the first comes back
    // logged again within its hour, the latest does not.
    const spaced = new DeclinedHosts(store as never, log as never);
    for (let i = 0; i < 1_500; i++) {
      spaced.note(`s${i}.test`, t0 + i * 600);
      if (i % 100 === 99) await spaced.flush(t0 + i * 600);
    }
    lines.length = 0;
    spaced.note('s0.test', t0 + 1_000_000);
    spaced.note('s1499.test', t0 + 1_000_000);
    await spaced.flush(t0 + 1_000_000);
    spaced.stop();
    assert.deepEqual(
      lines.map((l) => /from (\S+):/.exec(l)?.[1]),
      ['s0.test'],
    );
  });
});
