// Sites in the store, on both engines (issue #23): two sites' data never mix, whatever the
// interleaving of their beats; days are the site's own, daylight-saving changes included; a new time
// zone moves a site's days and its rollups with them; hosts are never claimed twice; removing a site
// takes its sessions with it and leaves the other's alone.

import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { AccountingRules } from '../../src/accounting/credit-beat.ts';
import { dayStart, localDay, parseDayName } from '../../src/sites/index.ts';
import type { ImportedSession, SiteScope, Stats } from '../../src/store/query-types.ts';
import { SiteConflictError, type SiteRecord } from '../../src/store/site-types.ts';
import type { Store } from '../../src/store/types.ts';
import { countRows, engines } from './engines.ts';

const rules: AccountingRules = { intervalMs: 1_000, timeoutMs: 60_000, toleranceMs: 200 };
const hash = (token: string) => createHash('sha256').update(token).digest();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const DAY = 86_400_000;
const scope = (site: SiteRecord): SiteScope => ({ pk: site.pk, timeZone: site.timeZone });

async function twoSites(store: Store): Promise<[SiteRecord, SiteRecord]> {
  const now = await store.now();
  const a = await store.createSite(
    { id: 'a.test', name: 'A', hosts: [{ host: 'a.test', path: '' }], timeZone: 'UTC', origins: null },
    now,
  );
  const b = await store.createSite(
    {
      id: 'b.test',
      name: 'B',
      hosts: [{ host: 'b.test', path: '' }],
      timeZone: 'America/Los_Angeles',
      origins: null,
    },
    now,
  );
  return [a, b];
}

/** The sessions of a site, read one by one: what its stats must say. */
async function scan(store: Store, site: SiteRecord) {
  let sessions = 0;
  let engaged = 0;
  const pages = new Map<string, number>();
  let cursor: string | undefined;
  do {
    const page = await store.listSessions({ site: site.pk }, 100, cursor);
    for (const s of page.items) {
      sessions++;
      engaged += s.engagedMs;
      for (const p of s.pages) pages.set(p.url, (pages.get(p.url) ?? 0) + p.engagedMs);
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return { sessions, engaged, pages };
}

const pageTotals = (stats: Stats) => new Map(stats.byPage.map((p) => [p.url, p.engagedMs]));

for (const engine of await engines()) {
  describe(`sites in the store: ${engine.name}`, { skip: engine.skip }, () => {
    const withStore = (run: (store: Store) => Promise<void>) => async () => {
      const opened = await engine.open(rules);
      try {
        await run(opened.store);
      } finally {
        await opened.dispose();
      }
    };

    it(
      "never mixes two sites' data, for any interleaving of their beats",
      withStore(async (store) => {
        const [a, b] = await twoSites(store);
        await fc.assert(
          fc.asyncProperty(
            fc.array(fc.record({ site: fc.boolean(), page: fc.integer({ min: 0, max: 2 }) }), {
              minLength: 2,
              maxLength: 6,
            }),
            fc.array(fc.record({ session: fc.nat(), claim: fc.integer({ min: 0, max: 400 }) }), {
              minLength: 1,
              maxLength: 20,
            }),
            async (sessions, beats) => {
              const opened = sessions.map((s) => ({
                id: randomUUID(),
                site: s.site ? b : a,
                page: s.page,
                seq: 0,
              }));
              for (const s of opened) {
                await store.createSession({
                  site: s.site,
                  id: s.id,
                  tokenHash: hash(s.id),
                  email: null,
                  visitorId: `v${s.page}`,
                  entryUrl: `https://${s.site.id}/p${s.page}`,
                  referrer: null,
                  screen: null,
                  lang: null,
                });
              }
              await sleep(250);
              for (const beat of beats) {
                const s = opened[beat.session % opened.length]!;
                s.seq++;
                const result = await store.recordBeat({
                  sessionId: s.id,
                  tokenHash: hash(s.id),
                  seq: s.seq,
                  engagedMs: beat.claim,
                  url: `https://${s.site.id}/p${s.page}`,
                });
                assert.equal(result.kind, 'accepted');
              }
              await store.fold();
              const range = { from: Date.now() - 3 * DAY, to: Date.now() + DAY };
              const all = await store.getStats(range);
              const perSite = [];
              for (const site of [a, b]) {
                const stats = await store.getStats({ ...range, site: scope(site) });
                const truth = await scan(store, site);
                assert.equal(stats.sessions, truth.sessions, `${site.id}: sessions`);
                assert.equal(stats.engagedMs.total, truth.engaged, `${site.id}: engaged time`);
                assert.deepEqual(pageTotals(stats), new Map([...truth.pages].filter(([, ms]) => ms >= 0)));
                for (const url of pageTotals(stats).keys()) assert.ok(url.startsWith(`https://${site.id}/`));
                perSite.push(stats);
              }
              assert.equal(all.sessions, perSite[0]!.sessions + perSite[1]!.sessions);
              assert.equal(all.engagedMs.total, perSite[0]!.engagedMs.total + perSite[1]!.engagedMs.total);
            },
          ),
          { numRuns: 8 },
        );
      }),
    );

    it(
      "counts days in the site's time zone, across a daylight-saving change",
      withStore(async (store) => {
        const [, la] = await twoSites(store);
        // 2026-11-01 is 25 h long in Los Angeles (fall back): 23:30 local is 07:30 UTC on 11-02.
        const fallBack = parseDayName('2026-11-01')!;
        const lateEvening = dayStart(fallBack, la.timeZone) + 24.5 * 3_600_000;
        assert.equal(new Date(lateEvening).toISOString(), '2026-11-02T07:30:00.000Z');
        const sessions: ImportedSession[] = [
          imported('s1', lateEvening, scope(la)),
          imported('s2', dayStart(fallBack, la.timeZone) + 60_000, scope(la)),
          imported('s3', dayStart(fallBack + 1, la.timeZone) + 60_000, scope(la)),
        ];
        await store.importSessions(sessions);
        const stats = await store.getStats({
          site: scope(la),
          from: dayStart(fallBack, la.timeZone),
          to: dayStart(fallBack + 2, la.timeZone),
        });
        assert.deepEqual(
          stats.byDay.map((d) => [d.day, d.sessions]),
          [
            ['2026-11-01', 2],
            ['2026-11-02', 1],
          ],
        );
        const visitors = await store.listVisitors({
          site: scope(la),
          from: dayStart(fallBack, la.timeZone),
          to: dayStart(fallBack + 1, la.timeZone),
          limit: 10,
        });
        assert.equal(visitors.total, 2);
      }),
    );

    it(
      "moves a site's sessions and rollups to the new calendar when its time zone changes",
      withStore(async (store) => {
        const [utc, la] = await twoSites(store);
        // 03:00 UTC on 11-10 is the evening of 11-09 in Los Angeles.
        const at = Date.UTC(2026, 10, 10, 3);
        await store.importSessions([imported('u1', at, scope(utc)), imported('l1', at, scope(la))]);
        const range = { from: Date.UTC(2026, 10, 8), to: Date.UTC(2026, 10, 12) };
        const days = async (site: SiteRecord) =>
          (await store.getStats({ ...range, site: scope(site) })).byDay
            .filter((d) => d.sessions > 0)
            .map((d) => d.day);
        assert.deepEqual(await days(utc), ['2026-11-10']);
        assert.deepEqual(await days(la), ['2026-11-09']);
        const moved = await store.updateSite(
          'a.test',
          { timeZone: 'America/Los_Angeles' },
          await store.now(),
        );
        assert.equal(moved?.timeZone, 'America/Los_Angeles');
        assert.deepEqual(await days(moved!), ['2026-11-09']);
        const pages = (await store.getStats({ ...range, site: scope(moved!) })).byPage;
        assert.deepEqual(
          pages.map((p) => [p.url, p.sessions]),
          [['https://a.test/', 1]],
        );
        // Back again: the rollups follow every move.
        const back = await store.updateSite('a.test', { timeZone: 'UTC' }, await store.now());
        assert.deepEqual(await days(back!), ['2026-11-10']);
        assert.equal(localDay(at, 'UTC'), parseDayName('2026-11-10'));
      }),
    );

    it(
      'refuses a host another site claims, and writes nothing of the refused site',
      withStore(async (store) => {
        await twoSites(store);
        const before = await store.listSites();
        await assert.rejects(
          store.createSite(
            {
              id: 'c.test',
              name: 'C',
              hosts: [
                { host: 'c.test', path: '' },
                { host: 'b.test', path: '' },
              ],
              timeZone: 'UTC',
              origins: null,
            },
            await store.now(),
          ),
          (error: unknown) =>
            error instanceof SiteConflictError && error.field === 'hosts' && /b\.test/.test(error.message),
        );
        await assert.rejects(
          store.createSite(
            {
              id: 'a.test',
              name: 'again',
              hosts: [{ host: 'x.test', path: '' }],
              timeZone: 'UTC',
              origins: null,
            },
            await store.now(),
          ),
          (error: unknown) => error instanceof SiteConflictError && error.field === 'id',
        );
        assert.deepEqual(await store.listSites(), before);
        // A path prefix is a claim of its own: two members on one host.
        const now = await store.now();
        await store.createSite(
          {
            id: 'bio.re-alice',
            name: 'Alice',
            hosts: [{ host: 'bio.re', path: '/alice' }],
            timeZone: 'UTC',
            origins: null,
          },
          now,
        );
        await store.createSite(
          {
            id: 'bio.re-bob',
            name: 'Bob',
            hosts: [{ host: 'bio.re', path: '/bob' }],
            timeZone: 'UTC',
            origins: null,
          },
          now,
        );
        assert.equal((await store.listSites()).length, 4);
      }),
    );

    it(
      'lists the hosts declined since a time, and forgets those declined before one',
      withStore(async (store) => {
        const at = Date.UTC(2026, 10, 10, 12);
        await store.recordDeclinedHost('old.test', 3, at - 10 * DAY);
        await store.recordDeclinedHost('new.test', 1, at - DAY);
        await store.recordDeclinedHost('new.test', 2, at);
        const listed = await store.listDeclinedHosts(at - 7 * DAY, 10);
        assert.deepEqual(listed, [{ host: 'new.test', requests: 3, firstAt: at - DAY, lastAt: at }]);
        assert.equal(await store.forgetDeclinedHosts(at - 7 * DAY), 1);
        assert.equal(await countRows(store as never, 'declined_hosts'), 1);
        assert.deepEqual(await store.listDeclinedHosts(0, 10), listed);
      }),
    );

    it(
      "removes a site with its sessions, tokens and links, and leaves the other site's alone",
      withStore(async (store) => {
        const [a, b] = await twoSites(store);
        const at = Date.UTC(2026, 10, 10, 12);
        await store.importSessions([
          imported('a1', at, scope(a)),
          imported('a2', at + 1, scope(a)),
          imported('b1', at, scope(b)),
        ]);
        await store.createSiteToken({ id: 't1', site: a.pk, name: 't', tokenHash: hash('t1') }, at);
        await store.createShareLink(
          { id: 'l1', site: a.pk, name: 'l', secretHash: hash('l1'), passwordHash: null },
          at,
        );
        assert.equal(await store.countSiteSessions(a.pk), 2);
        assert.deepEqual(await store.deleteSite('a.test'), { sessions: 2 });
        assert.equal(await store.deleteSite('a.test'), null);
        assert.equal(await store.useSiteToken(hash('t1'), at), null);
        assert.equal(await store.useShareLink(hash('l1'), at), null);
        assert.deepEqual(
          (await store.listSites()).map((s) => s.id),
          ['b.test'],
        );
        assert.equal(await store.countSiteSessions(b.pk), 1);
        const range = { from: at - DAY, to: at + DAY };
        assert.equal((await store.getStats(range)).sessions, 1);
        assert.equal(await countRows(store as never, 'session_pages'), 1);
      }),
    );
  });
}

function imported(id: string, startedAt: number, site: SiteScope): ImportedSession {
  return {
    id,
    site,
    startedAt,
    lastActivityAt: startedAt + 30_000,
    endedAt: startedAt + 30_000,
    engagedMs: 20_000,
    beats: 3,
    email: null,
    visitorId: `v-${id}`,
    entryUrl: null,
    referrer: null,
    screen: null,
    lang: null,
    pages: [{ url: `https://${site.pk === 1 ? 'a' : 'b'}.test/`, engagedMs: 20_000, maxScroll: null }],
    spans: [],
  };
}
