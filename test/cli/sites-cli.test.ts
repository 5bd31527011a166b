// Runs the real `dwell` binary (bin/dwell.js → dist/cli/main.js) for sites, site tokens and shared
// links (issue #23) against a real SQLite file, and checks the tokens and links it prints against
// a real app on the same file.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { loadConfig } from '../../src/config.ts';
import { dayName } from '../../src/sites/index.ts';
import { openStore } from '../../src/store/index.ts';
import { buildTestApp, type TestApp } from '../helper.ts';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '../../bin/dwell.js');
const DAY_MS = 86_400_000;

interface SiteView {
  id: string;
  name: string;
  hosts: string[];
  timeZone: string;
  origins: string[];
  customOrigins: boolean;
  sessions?: number;
}

describe('dwell CLI (sites, tokens, links)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwell-sites-cli-'));
  const env = {
    ...process.env,
    DATABASE_URL: `sqlite:${join(dir, 'dwell.db')}`,
    DWELL_PUBLIC_URL: 'https://stats.example.net/dwell',
    NODE_ENV: 'test',
  };
  /** Exit code, stdout and stderr, whatever the exit code. */
  const dwell = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
        env,
        maxBuffer: 16 * 1024 * 1024,
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  };
  const json = async <T>(...args: string[]): Promise<T> => {
    const result = await dwell(...args, '--json');
    assert.equal(result.code, 0, result.stderr);
    return JSON.parse(result.stdout) as T;
  };
  let app: TestApp | undefined;
  /** A real app on the CLI's database file, built once the sites exist. */
  const server = async () => {
    app ??= await buildTestApp({ DATABASE_URL: env.DATABASE_URL, DWELL_RATE_LIMIT: 'off' }, { dir });
    return app;
  };

  before(async () => {
    const empty = await dwell('sites', 'list');
    assert.equal(empty.code, 0, empty.stderr);
    assert.match(empty.stdout, /^no sites yet: add one with dwell sites add <host>/);
  });
  after(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('adds sites with their hosts, name, time zone and origins, and lists them', async () => {
    const blog = await json<SiteView>(
      'sites',
      'add',
      'blog.example',
      'WWW.Blog.Example',
      '--name',
      'The blog',
      '--time-zone',
      'europe/berlin',
    );
    assert.deepEqual(
      [blog.id, blog.name, blog.hosts, blog.timeZone, blog.origins, blog.customOrigins],
      [
        'blog.example',
        'The blog',
        ['blog.example', 'www.blog.example'],
        'Europe/Berlin',
        ['https://blog.example', 'https://www.blog.example'],
        false,
      ],
    );
    const shop = await dwell(
      'sites',
      'add',
      'shop.example',
      '--id',
      'shop',
      '--origin',
      'https://checkout.example',
    );
    assert.equal(shop.code, 0, shop.stderr);
    assert.match(shop.stdout, /^added site shop\n/);
    assert.match(shop.stdout, /\norigins +https:\/\/checkout\.example\n/);
    const listed = await json<SiteView[]>('sites', 'list');
    assert.deepEqual(
      listed.map((s) => [s.id, s.timeZone, s.sessions]),
      [
        ['blog.example', 'Europe/Berlin', 0],
        ['shop', 'UTC', 0],
      ],
    );
    const lines = (await dwell('sites', 'list')).stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^id\s+name\s+time zone\s+sessions\s+hosts$/);
    assert.match(
      lines[2]!,
      /^blog\.example\s+The blog\s+Europe\/Berlin\s+0\s+blog\.example, www\.blog\.example$/,
    );
    assert.equal(lines.length, 4);
  });

  it('refuses bad input with one line naming the field and exit code 2, writing nothing', async () => {
    const scheme = await dwell('sites', 'add', 'https://news.example');
    assert.equal(scheme.code, 2);
    assert.equal(
      scheme.stderr,
      'dwell sites add: hosts[0] "https://news.example" has a scheme: leave out "https://" and give the host alone\n',
    );
    const zone = await dwell('sites', 'add', 'news.example', '--time-zone', 'Mars/Olympus');
    assert.equal(zone.code, 2);
    assert.match(zone.stderr, /^dwell sites add: timeZone "Mars\/Olympus" is not an IANA time zone/);
    const taken = await dwell('sites', 'add', 'news.example', 'www.blog.example');
    assert.equal(taken.code, 2);
    assert.match(
      taken.stderr,
      /^dwell sites add: hosts\[1\] "www\.blog\.example" already belongs to site blog\.example\n$/,
    );
    const id = await dwell('sites', 'add', 'news.example', '--id', 'shop');
    assert.equal(id.code, 2);
    assert.match(id.stderr, /\bid "shop" is taken/);
    const none = await dwell('sites', 'add');
    assert.equal(none.code, 2);
    assert.match(none.stderr, /hosts is empty/);
    assert.equal((await dwell('sites', 'add', 'news.example', '--colour', 'red')).code, 2, 'an unknown flag');
    assert.deepEqual(
      (await json<SiteView[]>('sites', 'list')).map((s) => s.id),
      ['blog.example', 'shop'],
    );
    const unknown = await dwell('sites', 'show', 'nope.example');
    assert.equal(unknown.code, 1);
    assert.equal(
      unknown.stderr,
      'dwell sites show: no site "nope.example": the sites are blog.example, shop (dwell sites list)\n',
    );
  });

  it("updates a site's hosts, name, time zone and origins", async () => {
    const added = await json<SiteView>(
      'sites',
      'update',
      'shop',
      '--add-host',
      'www.shop.example',
      '--add-host',
      'shop.example/de',
      '--remove-host',
      'SHOP.example',
      '--name',
      'Shop',
    );
    assert.deepEqual([added.name, added.hosts], ['Shop', ['www.shop.example', 'shop.example/de']]);
    const replaced = await json<SiteView>(
      'sites',
      'update',
      'shop',
      '--hosts',
      'shop.example, www.shop.example',
      '--default-origins',
    );
    assert.deepEqual(replaced.hosts, ['shop.example', 'www.shop.example']);
    assert.deepEqual(
      [replaced.customOrigins, replaced.origins],
      [false, ['https://shop.example', 'https://www.shop.example']],
    );
    const zoned = await dwell('sites', 'update', 'shop', '--time-zone', 'America/Los_Angeles');
    assert.equal(zoned.code, 0, zoned.stderr);
    assert.match(zoned.stdout, /\ntime zone +America\/Los_Angeles\n/);
    assert.match(zoned.stdout, /now count on the days of America\/Los_Angeles/);

    const refusals: [string[], RegExp][] = [
      [
        ['--add-host', 'blog.example'],
        /^dwell sites update: hosts\[2\] "blog\.example" already belongs to site blog\.example/,
      ],
      [['--add-host', 'shop.example'], /--add-host "shop\.example" is already a host of shop/],
      [['--remove-host', 'elsewhere.example'], /--remove-host "elsewhere\.example" is not a host of shop/],
      [['--remove-host', 'shop.example', '--remove-host', 'www.shop.example'], /hosts is empty/],
      [
        ['--hosts', 'a.example', '--add-host', 'b.example'],
        /give --hosts, or --add-host and --remove-host, not both/,
      ],
      [
        ['--origin', 'https://a.example', '--default-origins'],
        /give --origin or --default-origins, not both/,
      ],
      [['--origin', 'https://a.example/path'], /origins\[0\] "https:\/\/a\.example\/path" has a path/],
      [[], /nothing to change/],
    ];
    for (const [flags, message] of refusals) {
      const refused = await dwell('sites', 'update', 'shop', ...flags);
      assert.equal(refused.code, 2, flags.join(' '));
      assert.match(refused.stderr, message);
    }
    const unknown = await dwell('sites', 'update', 'nope', '--name', 'x');
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no site "nope"/);
    const shown = await json<SiteView & { sessions: number }>('sites', 'show', 'shop');
    assert.deepEqual(
      [shown.name, shown.hosts, shown.timeZone],
      ['Shop', ['shop.example', 'www.shop.example'], 'America/Los_Angeles'],
    );
  });

  it('asks which site to read when there are several, listing them (exit code 2)', async () => {
    for (const args of [
      ['stats'],
      ['sessions'],
      ['sections', '--url', '/'],
      ['export', '--format', 'csv', '--out', '-'],
      ['tokens', 'create'],
      ['links', 'list'],
    ]) {
      const asked = await dwell(...args);
      assert.equal(asked.code, 2, args.join(' '));
      assert.match(
        asked.stderr,
        /this Dwell has 2 sites: say which with --site ID \(blog\.example, shop\)\n$/,
        args.join(' '),
      );
    }
    const unknown = await dwell('stats', '--site', 'nope');
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /^dwell stats: no site "nope"/);
    const both = await dwell('stats', '--site', 'shop', '--all-sites');
    assert.equal(both.code, 2);
  });

  it("reads one site's sessions with --site, on its own days, and every site only with --all-sites", async () => {
    assert.equal(
      (await dwell('demo', '--site', 'blog.example', '--sessions', '30', '--days', '3', '--seed', '1')).code,
      0,
    );
    assert.equal(
      (await dwell('demo', '--site', 'shop', '--sessions', '20', '--days', '3', '--seed', '2')).code,
      0,
    );
    // 23:30 UTC is already the next day in Berlin (UTC+1, or +2 in summer): the blog counts a
    // session started then, 60 days ago, on the day after its UTC date.
    const utcDay = Math.floor(Date.now() / DAY_MS) - 60;
    const startedAt = utcDay * DAY_MS + 23.5 * 3_600_000;
    const store = await openStore(loadConfig(env));
    try {
      const blog = (await store.listSites()).find((s) => s.id === 'blog.example')!;
      await store.importSessions([
        {
          site: { pk: blog.pk, timeZone: blog.timeZone },
          id: 'late-in-berlin',
          startedAt,
          lastActivityAt: startedAt + 60_000,
          endedAt: startedAt + 60_000,
          engagedMs: 45_000,
          visibleMs: 60_000,
          beats: 3,
          email: null,
          visitorId: 'late-visitor',
          entryUrl: 'https://blog.example/night',
          referrer: null,
          screen: null,
          lang: null,
          pages: [{ url: 'https://blog.example/night', engagedMs: 45_000, visibleMs: 60_000, maxScroll: 1 }],
          spans: [{ url: 'https://blog.example/night', start: startedAt, end: startedAt + 45_000 }],
        },
      ]);
    } finally {
      await store.close();
    }

    const stats = async (...args: string[]) =>
      json<{ sessions: number; byDay: { day: string; sessions: number }[] }>('stats', ...args);
    assert.equal((await stats('--site', 'blog.example')).sessions, 30);
    assert.equal((await stats('--site', 'shop')).sessions, 20);
    assert.equal((await stats('--all-sites')).sessions, 50);
    const since = await stats('--site', 'blog.example', '--since', dayName(utcDay + 1));
    assert.equal(since.sessions, 31);
    assert.deepEqual(
      since.byDay.slice(0, 2).map((d) => [d.day, d.sessions]),
      [
        [dayName(utcDay + 1), 1],
        [dayName(utcDay + 2), 0],
      ],
    );
    // A date is the first instant of that day in the site's zone: UTC midnight would already be
    // the evening before in Los Angeles, and that day would be counted too.
    const shopSince = await stats('--site', 'shop', '--since', dayName(utcDay + 10));
    assert.equal(shopSince.byDay[0]?.day, dayName(utcDay + 10));
    assert.match(
      (await dwell('stats', '--site', 'blog.example')).stdout,
      /\nday \(Europe\/Berlin\)\s+sessions\s+engaged\n/,
    );

    const shopSessions = await json<{ site: string }[]>('sessions', '--site', 'shop', '--limit', '1000');
    assert.equal(shopSessions.length, 20);
    assert.ok(shopSessions.every((s) => s.site === 'shop'));
    const out = join(dir, 'shop.ndjson');
    assert.equal((await dwell('export', '--site', 'shop', '--format', 'ndjson', '--out', out)).code, 0);
    const rows = readFileSync(out, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { site: string });
    assert.equal(rows.length, 20);
    assert.ok(rows.every((r) => r.site === 'shop'));
    const all = join(dir, 'all.csv');
    assert.equal((await dwell('export', '--all-sites', '--format', 'csv', '--out', all)).code, 0);
    assert.equal(readFileSync(all, 'utf8').trimEnd().split('\r\n').length, 1 + 51);
  });

  it('creates a site token that reads its own site only, lists it and revokes it', async () => {
    const created = await dwell('tokens', 'create', '--site', 'shop', '--name', 'client dashboard');
    assert.equal(created.code, 0, created.stderr);
    const token = /^token +(dws_\S+)$/m.exec(created.stdout)?.[1];
    const id = /^id +(\S+)$/m.exec(created.stdout)?.[1];
    assert.ok(token && id, created.stdout);
    assert.match(created.stdout, /shown once/);
    const listed = await json<{ id: string; name: string; lastUsedAt: string | null }[]>(
      'tokens',
      'list',
      '--site',
      'shop',
    );
    assert.deepEqual(
      listed.map((t) => [t.id, t.name, t.lastUsedAt]),
      [[id, 'client dashboard', null]],
    );
    assert.equal(
      (await dwell('tokens', 'list', '--site', 'shop')).stdout.includes(token),
      false,
      'never listed',
    );
    assert.deepEqual(await json('tokens', 'list', '--site', 'blog.example'), []);

    const t = await server();
    const read = (site: string) =>
      t.app.inject({
        url: `/api/v1/analytics/stats?site=${site}`,
        headers: { authorization: `Bearer ${token}` },
      });
    const own = await read('shop');
    assert.equal(own.statusCode, 200);
    assert.equal((own.json() as { data: { sessions: number } }).data.sessions, 20);
    assert.equal((await read('blog.example')).statusCode, 404, "another site's data is not found");
    assert.notEqual(
      (await json<{ lastUsedAt: string | null }[]>('tokens', 'list', '--site', 'shop'))[0]!.lastUsedAt,
      null,
    );

    const wrongSite = await dwell('tokens', 'revoke', '--site', 'blog.example', id);
    assert.equal(wrongSite.code, 1);
    assert.match(wrongSite.stderr, /no token ".+" on site blog\.example/);
    const revoked = await dwell('tokens', 'revoke', '--site', 'shop', id);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.equal((await read('shop')).statusCode, 401);
    assert.deepEqual(await json('tokens', 'list', '--site', 'shop'), []);
    assert.equal((await dwell('tokens', 'create', '--site', 'shop', '--name', '')).code, 2);
  });

  it('creates a shared link under DWELL_PUBLIC_URL, lists it and revokes it', async () => {
    const created = await dwell(
      'links',
      'create',
      '--site',
      'blog.example',
      '--name',
      'for Ana',
      '--password',
      'correct horse',
    );
    assert.equal(created.code, 0, created.stderr);
    const secret = /^url +https:\/\/stats\.example\.net\/share\/(\S+)$/m.exec(created.stdout)?.[1];
    const id = /^id +(\S+)$/m.exec(created.stdout)?.[1];
    assert.ok(secret && id, created.stdout);
    assert.match(created.stdout, /shown once/);
    const listed = await json<{ id: string; name: string; hasPassword: boolean }[]>(
      'links',
      'list',
      '--site',
      'blog.example',
    );
    assert.deepEqual(
      listed.map((l) => [l.id, l.name, l.hasPassword]),
      [[id, 'for Ana', true]],
    );
    const show = (await dwell('sites', 'show', 'blog.example')).stdout;
    assert.match(show, /\nshared links\n/);
    assert.ok(show.includes(id) && !show.includes(secret));

    const t = await server();
    const open = () => t.app.inject({ url: `/api/v1/share/${secret}` });
    const opened = await open();
    assert.equal(opened.statusCode, 200);
    assert.deepEqual((opened.json() as { data: { site: { id: string }; hasPassword: boolean } }).data, {
      site: {
        id: 'blog.example',
        name: 'The blog',
        timeZone: 'Europe/Berlin',
        hosts: ['blog.example', 'www.blog.example'],
      },
      hasPassword: true,
    });
    const unlocked = await t.app.inject({
      method: 'POST',
      url: `/api/v1/share/${secret}/unlock`,
      payload: { password: 'correct horse' },
    });
    assert.equal(unlocked.statusCode, 200);

    assert.equal((await dwell('links', 'revoke', '--site', 'blog.example', id)).code, 0);
    assert.equal((await open()).statusCode, 404);
    assert.deepEqual(await json('links', 'list', '--site', 'blog.example'), []);
    const short = await dwell('links', 'create', '--site', 'blog.example', '--password', 'short');
    assert.equal(short.code, 2);
    assert.match(short.stderr, /--password must be 8 to 200 characters/);
  });

  it('removes a site only with --yes, saying first how many sessions would go with it', async () => {
    const refused = await dwell('sites', 'remove', 'shop');
    assert.equal(refused.code, 1);
    assert.match(
      refused.stderr,
      /^dwell sites remove: not removed: site shop has 20 sessions, 0 tokens and 0 shared links/,
    );
    assert.match(refused.stderr, /--yes/);
    assert.equal((await json<SiteView[]>('sites', 'list')).length, 2);
    const removed = await dwell('sites', 'remove', 'shop', '--yes');
    assert.equal(removed.code, 0, removed.stderr);
    assert.equal(removed.stdout, 'removed site shop with 20 sessions\n');
    assert.deepEqual(
      (await json<SiteView[]>('sites', 'list')).map((s) => s.id),
      ['blog.example'],
    );
    assert.equal((await json<{ sessions: number }>('stats', '--all-sites', '--since', '90d')).sessions, 31);
    // One site left: --site may be left out again.
    assert.equal((await json<{ sessions: number }>('stats')).sessions, 30);
    assert.equal((await dwell('sites', 'remove', 'shop', '--yes')).code, 1);
  });
});
