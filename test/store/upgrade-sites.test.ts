// A database written before sites keeps every number after the sites upgrade (issue #23), on both
// engines. The fixture was written by Dwell at 879f66e (SQLite at migration 11, PostgreSQL at 8),
// with that version's answers beside it (test/fixtures/upgrade/write-v11.mts). PostgreSQL's "before"
// is built from the same rows: a fresh schema at migration 8, the fixture's sessions, pages, sections
// and spans copied in. Today's code then migrates (12: sites, 13: one site per registrable domain,
// 14: rollups by site and day) and must answer as before over every site, and split by site in
// parts that add up to it.

import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { createPool } from '../../src/store/engines/postgres/connect.ts';
import { PostgresDb } from '../../src/store/engines/postgres/db.ts';
import { migrations as postgresMigrations } from '../../src/store/engines/postgres/migrations.ts';
import { PostgresStore } from '../../src/store/engines/postgres/store.ts';
import { migrations as sqliteMigrations } from '../../src/store/engines/sqlite/migrations.ts';
import { SqliteStore } from '../../src/store/engines/sqlite/store.ts';
import { runMigrations } from '../../src/store/migration.ts';
import type { PageSections, SiteScope, Stats, VisitorList } from '../../src/store/query-types.ts';
import type { SiteRecord } from '../../src/store/site-types.ts';
import { sql } from '../../src/store/sql.ts';
import type { SessionRecord } from '../../src/store/types.ts';
import { dropSchema, POSTGRES_URL, postgresSkipReason, testSchemaName } from './engines.ts';

const FIXTURE = join(import.meta.dirname, '../fixtures/upgrade');
const rules = { intervalMs: 5_000, timeoutMs: 1_800_000, toleranceMs: 2_000 };
const START = Date.UTC(2026, 10, 1, 20);
const DAY = 86_400_000;
/** The last PostgreSQL migration before sites: the schema 879f66e left. */
const POSTGRES_BEFORE_SITES = 8;
/** Each engine's last migration (their numbers differ: PostgreSQL's 19 drops an index SQLite never had). */
const LATEST = {
  sqlite: Math.max(...sqliteMigrations.map((m) => m.version)),
  postgres: Math.max(...postgresMigrations.map((m) => m.version)),
};

interface Answers {
  range: { from: number; to: number };
  stats: Stats;
  statsOfPage: Stats;
  visitors: VisitorList;
  sections: PageSections;
  export: SessionRecord[];
}

const old = JSON.parse(readFileSync(join(FIXTURE, 'v11-answers.json'), 'utf8')) as Answers;
const PAGE = 'https://www.example.com/pricing';
const SECTIONS_PAGE = 'https://docs.example.com/intro';

/** The sites the upgrade must make: one per registrable domain, with the hosts its sessions came from. */
const EXPECTED_SITES: Record<string, string[]> = {
  'example.com': ['docs.example.com', 'example.com', 'www.example.com'],
  'other.org': ['blog.other.org'],
  'alice.github.io': ['alice.github.io'],
};
/** Sessions without any URL go to the site with the most sessions. */
const LARGEST = 'example.com';

/** The site a stored session belongs to, by the domain of its URL (the entry URL, else the last). */
function expectedSite(session: SessionRecord): string {
  const url = session.entryUrl ?? session.currentUrl;
  if (url === null) return LARGEST;
  const host = new URL(url).hostname;
  const site = Object.keys(EXPECTED_SITES).find((d) => host === d || host.endsWith(`.${d}`));
  assert.ok(site, `the fixture's host ${host} is one of the expected sites`);
  return site;
}

type AnyStore = SqliteStore | PostgresStore;

interface UpgradeEngine {
  name: 'sqlite' | 'postgres';
  skip: string | false;
  /** Today's store on the fixture's data, migrated, and its schema version after. */
  open(): Promise<{ store: AnyStore; version: number; dispose(): Promise<void> }>;
}

const ALL_ENGINES: UpgradeEngine[] = [
  {
    name: 'sqlite',
    skip: false,
    async open() {
      const dir = mkdtempSync(join(tmpdir(), 'dwell-upgrade-sites-'));
      copyFileSync(join(FIXTURE, 'v11.db'), join(dir, 'dwell.db'));
      const store = new SqliteStore({ path: join(dir, 'dwell.db'), rules, clock: () => START + 60 * DAY });
      const dispose = async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      };
      try {
        await store.migrate();
        const version = store.db.prepare('SELECT max(version) FROM schema_migrations').pluck().get();
        return { store, version: Number(version), dispose };
      } catch (error) {
        await dispose();
        throw error;
      }
    },
  },
  {
    name: 'postgres',
    skip: false,
    async open() {
      const schema = testSchemaName();
      await writePostgresBeforeSites(schema);
      const store = new PostgresStore({ url: POSTGRES_URL, schema, rules, max: 4 });
      const dispose = async () => {
        await store.close();
        await dropSchema(schema);
      };
      try {
        await store.migrate();
        const { rows } = await store.pool.query<{ v: number }>(
          'SELECT max(version)::int AS v FROM schema_migrations',
        );
        return { store, version: rows[0]!.v, dispose };
      } catch (error) {
        await dispose();
        throw error;
      }
    },
  },
];
// STORE_ENGINES=sqlite (or postgres) narrows the loop, as in engines.ts.
const only = process.env.STORE_ENGINES?.split(',');
const ENGINES = ALL_ENGINES.filter((engine) => !only || only.includes(engine.name));
for (const engine of ENGINES) if (engine.name === 'postgres') engine.skip = await postgresSkipReason();

/** The tables that hold what 879f66e stored; the rest (rollups, journal) is derived or empty. */
const STORED_TABLES = ['sessions', 'session_pages', 'session_sections', 'spans'];

/**
 * A PostgreSQL schema as 879f66e left it, holding the fixture's rows: the migrations up to 8, then
 * the SQLite file's rows, pk values kept (pages, sections and spans point at them).
 */
async function writePostgresBeforeSites(schema: string): Promise<void> {
  const fixture = new Database(join(FIXTURE, 'v11.db'), { readonly: true });
  const pool = createPool({ url: POSTGRES_URL, schema });
  try {
    await pool.query(`CREATE SCHEMA "${schema}"`);
    const applied = await runMigrations(
      new PostgresDb(pool),
      postgresMigrations.filter((m) => m.version <= POSTGRES_BEFORE_SITES),
      { now: () => sql`${START}` },
    );
    assert.equal(applied.length, POSTGRES_BEFORE_SITES);
    for (const table of STORED_TABLES) {
      const columns = (fixture.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[])
        .map((c) => c.name)
        .sort();
      const { rows: pgColumns } = await pool.query<{ name: string }>(
        `SELECT column_name AS name FROM information_schema.columns
          WHERE table_schema = $1 AND table_name = $2 ORDER BY 1`,
        [schema, table],
      );
      assert.deepEqual(columns, pgColumns.map((c) => c.name).sort(), `${table} has the same columns on both`);
      // bytea takes its hex form; 0/1 flags read as booleans; the rest as JSON gives it.
      const rows = (fixture.prepare(`SELECT * FROM ${table}`).all() as Record<string, unknown>[]).map((row) =>
        Object.fromEntries(
          Object.entries(row).map(([k, v]) => [k, Buffer.isBuffer(v) ? `\\x${v.toString('hex')}` : v]),
        ),
      );
      await pool.query(
        `INSERT INTO ${table} OVERRIDING SYSTEM VALUE
          SELECT * FROM json_populate_recordset(NULL::${table}, $1::json)`,
        [JSON.stringify(rows)],
      );
    }
    await pool.query(
      `SELECT setval(pg_get_serial_sequence('sessions', 'pk'), (SELECT max(pk) FROM sessions))`,
    );
  } finally {
    fixture.close();
    await pool.end();
  }
}

/** Every session of one site, by the export's site filter. */
async function exportedIds(store: AnyStore, site: number): Promise<string[]> {
  const ids: string[] = [];
  for await (const batch of store.exportSessions({ site })) ids.push(...batch.map((s) => s.id));
  return ids;
}

/** The record as the old code knew it: only the fields (and page fields) it had. */
function oldFieldsOf(record: SessionRecord, was: SessionRecord): SessionRecord {
  const pick = <T extends object>(value: T, like: object) =>
    Object.fromEntries(Object.keys(like).map((k) => [k, value[k as keyof T]])) as T;
  return {
    ...pick(record, was),
    pages: record.pages.map((page, i) => pick(page, was.pages[i] ?? page)),
  };
}

/** Adds `value` to the running total of `key`. */
function add<K>(totals: Map<K, number>, key: K, value: number) {
  totals.set(key, (totals.get(key) ?? 0) + value);
}

const personOf = (v: { email: string | null; visitorId: string | null }) =>
  `${v.email ?? ''}|${v.visitorId ?? ''}`;

describe('the sites upgrade fixture', () => {
  it('has sessions on three domains, people on two of them, and sessions with no URL', () => {
    assert.ok(old.export.length > 50 && old.visitors.items.length > 10, 'the fixture has data');
    assert.equal(old.visitors.nextCursor, null, 'the old visitors list is whole');
    assert.ok(old.export.some((s) => s.entryUrl === null && s.currentUrl === null));
    assert.ok(old.export.some((s) => s.entryUrl === null && s.currentUrl !== null));
    const bySite = new Map<string, number>();
    for (const s of old.export) add(bySite, expectedSite(s), 1);
    assert.deepEqual([...bySite.keys()].sort(), Object.keys(EXPECTED_SITES).sort());
    assert.equal([...bySite].sort((a, b) => b[1] - a[1])[0]![0], LARGEST);
  });
});

for (const engine of ENGINES) {
  describe(`upgrading a database written before sites: ${engine.name}`, { skip: engine.skip }, () => {
    const { range } = old;
    let opened: Awaited<ReturnType<UpgradeEngine['open']>> | undefined;
    let store: AnyStore;
    let sites: SiteRecord[];
    const scope = (id: string): SiteScope => {
      const site = sites.find((s) => s.id === id);
      assert.ok(site, `site ${id} exists`);
      return { pk: site.pk, timeZone: site.timeZone };
    };

    before(async () => {
      opened = await engine.open();
      store = opened.store;
      sites = await store.listSites();
    });
    after(async () => {
      await opened?.dispose();
    });

    it('migrates to the latest schema: one site per registrable domain, with its hosts, on UTC', () => {
      assert.equal(opened!.version, LATEST[engine.name]);
      assert.deepEqual(sites.map((s) => s.id).sort(), Object.keys(EXPECTED_SITES).sort());
      for (const site of sites) {
        assert.equal(site.timeZone, 'UTC', site.id);
        assert.deepEqual(
          site.hosts.map((h) => h.host).sort(),
          EXPECTED_SITES[site.id],
          `the hosts of ${site.id} are those its sessions came from`,
        );
      }
    });

    it('answers as before over every site: stats, a page, its sections', async () => {
      // Visitors apart: the next test.
      const stats = await store.getStats(range);
      assert.deepEqual({ ...stats, visitors: old.stats.visitors }, old.stats);
      assert.deepEqual(await store.getStats({ ...range, url: PAGE }), old.statsOfPage);
      assert.deepEqual(await store.getPageSections({ ...range, url: SECTIONS_PAGE }), old.sections);
    });

    it('counts a person on two sites once over every site, as before', async () => {
      assert.equal((await store.getStats(range)).visitors, old.stats.visitors);
    });

    it("keeps a page's stats and sections whole in its own site", async () => {
      const home = scope('example.com');
      assert.deepEqual(await store.getStats({ ...range, site: home, url: PAGE }), old.statsOfPage);
      assert.deepEqual(
        await store.getPageSections({ ...range, site: home, url: SECTIONS_PAGE }),
        old.sections,
      );
      assert.equal((await store.getStats({ ...range, site: scope('other.org'), url: PAGE })).sessions, 0);
    });

    it("splits the stats by site: each site's own sessions, adding up to the old totals", async () => {
      const expectedSessions = new Map<string, number>();
      const expectedEngaged = new Map<string, number>();
      for (const s of old.export) {
        add(expectedSessions, expectedSite(s), 1);
        add(expectedEngaged, expectedSite(s), s.engagedMs);
      }
      const days = new Map<string, number>();
      const dayEngaged = new Map<string, number>();
      const pages = new Map<string, number>();
      const pageEngaged = new Map<string, number>();
      const buckets = new Map<number | null, number>();
      let visitors = 0;
      for (const site of sites) {
        const stats = await store.getStats({ ...range, site: scope(site.id) });
        assert.equal(stats.sessions, expectedSessions.get(site.id), `sessions of ${site.id}`);
        assert.equal(stats.engagedMs.total, expectedEngaged.get(site.id), `engaged time of ${site.id}`);
        assert.deepEqual(
          stats.byDay.map((d) => d.day),
          old.stats.byDay.map((d) => d.day),
          `${site.id} counts the same (UTC) days`,
        );
        for (const d of stats.byDay) {
          add(days, d.day, d.sessions);
          add(dayEngaged, d.day, d.engagedMs);
        }
        for (const p of stats.byPage) {
          add(pages, p.url, p.sessions);
          add(pageEngaged, p.url, p.engagedMs);
        }
        for (const b of stats.histogram) add(buckets, b.le, b.count);
        visitors += stats.visitors;
      }
      assert.deepEqual(
        old.stats.byDay.map((d) => ({ ...d, sessions: days.get(d.day), engagedMs: dayEngaged.get(d.day) })),
        old.stats.byDay,
      );
      assert.deepEqual([...pages.keys()].sort(), old.stats.byPage.map((p) => p.url).sort(), 'the same pages');
      assert.deepEqual(
        old.stats.byPage.map((p) => ({
          ...p,
          sessions: pages.get(p.url),
          engagedMs: pageEngaged.get(p.url),
        })),
        old.stats.byPage,
      );
      assert.deepEqual(
        old.stats.histogram.map((b) => ({ ...b, count: buckets.get(b.le) })),
        old.stats.histogram,
      );
      // A person on two sites is a visitor of each.
      assert.ok(visitors > old.stats.visitors, 'some people visited two sites');
    });

    it('splits the visitors by site: the same people, each with the old sessions and time', async () => {
      // The fixture has no person on two sites at once, so no engaged time overlaps across sites.
      const people = new Map<
        string,
        { sessions: number; engagedMs: number; firstSeen: number; lastSeen: number }
      >();
      let visitorsOfSites = 0;
      for (const site of sites) {
        const list = await store.listVisitors({ ...range, site: scope(site.id), limit: 1000 });
        assert.equal(list.nextCursor, null);
        assert.equal(list.total, list.items.length, `the visitors total of ${site.id}`);
        const stats = await store.getStats({ ...range, site: scope(site.id) });
        assert.equal(stats.visitors, list.total, `the stats of ${site.id} count its visitors`);
        visitorsOfSites += list.total;
        for (const v of list.items) {
          const person = people.get(personOf(v));
          people.set(personOf(v), {
            sessions: (person?.sessions ?? 0) + v.sessions,
            engagedMs: (person?.engagedMs ?? 0) + v.engagedMs,
            firstSeen: Math.min(person?.firstSeen ?? Infinity, v.firstSeen),
            lastSeen: Math.max(person?.lastSeen ?? -Infinity, v.lastSeen),
          });
        }
      }
      assert.ok(visitorsOfSites > old.visitors.total, 'some people visited two sites');
      assert.deepEqual(
        Object.fromEntries(people),
        Object.fromEntries(
          old.visitors.items.map((v) => [
            personOf(v),
            { sessions: v.sessions, engagedMs: v.engagedMs, firstSeen: v.firstSeen, lastSeen: v.lastSeen },
          ]),
        ),
      );
    });

    it('exports every session as before (its old fields), in the order it did', async () => {
      const exported: SessionRecord[] = [];
      for await (const batch of store.exportSessions({})) exported.push(...batch);
      assert.equal(exported.length, old.export.length);
      assert.deepEqual(
        exported.map((s, i) => oldFieldsOf(s, old.export[i]!)),
        old.export,
      );
    });

    it('puts each session in the site of its domain; those with no URL in the largest', async () => {
      const siteOfSession = new Map<string, string>();
      for (const site of sites) {
        const ids = await exportedIds(store, site.pk);
        const listed = await store.listSessions({ site: site.pk }, 1000);
        assert.equal(listed.nextCursor, null);
        assert.deepEqual(listed.items.map((s) => s.id).sort(), [...ids].sort(), `${site.id}: list = export`);
        assert.equal(await store.countSiteSessions(site.pk), ids.length, `${site.id}: its count`);
        for (const id of ids) {
          assert.equal(siteOfSession.get(id), undefined, `${id} is in one site only`);
          siteOfSession.set(id, site.id);
        }
      }
      assert.deepEqual(
        Object.fromEntries(siteOfSession),
        Object.fromEntries(old.export.map((s) => [s.id, expectedSite(s)])),
      );
    });
  });
}
