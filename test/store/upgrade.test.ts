// A database written by an earlier version keeps every number after the upgrade. The fixture was
// written by Dwell at d4715af (SQLite at migration 10, its rollups keyed by a visitor number), with
// that version's answers beside it (test/fixtures/upgrade/write-v10.mts): today's code migrates the
// file (migration 11 rebuilds the rollups in the shared schema, 12–14 key them by site) and must
// answer the same.

import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { migrations } from '../../src/store/engines/sqlite/migrations.ts';
import { SqliteStore } from '../../src/store/engines/sqlite/store.ts';

const FIXTURE = join(import.meta.dirname, '../fixtures/upgrade');
const rules = { intervalMs: 5_000, timeoutMs: 1_800_000, toleranceMs: 2_000 };
const START = Date.UTC(2026, 10, 1, 9);
const DAY = 86_400_000;

describe('upgrading a SQLite database written at migration 10', () => {
  it('keeps every session, page, section, stat, visitor and export total', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dwell-upgrade-'));
    copyFileSync(join(FIXTURE, 'v10.db'), join(dir, 'dwell.db'));
    const before = JSON.parse(readFileSync(join(FIXTURE, 'v10-answers.json'), 'utf8'));
    const store = new SqliteStore({ path: join(dir, 'dwell.db'), rules, clock: () => START + 60 * DAY });
    try {
      await store.migrate();
      const version = store.db.prepare('SELECT max(version) FROM schema_migrations').pluck().get();
      assert.equal(version, Math.max(...migrations.map((m) => m.version)), 'the file was migrated');
      // Its sessions' URLs are bare paths: every one goes to the one site the upgrade makes.
      const [site, ...others] = await store.listSites();
      assert.equal(others.length, 0);
      const range = { from: START - 30 * DAY, to: START + 30 * DAY };
      const after = {
        stats: await store.getStats(range),
        statsOfPage: await store.getStats({ ...range, url: '/pricing' }),
        visitors: await store.listVisitors({
          site: { pk: site!.pk, timeZone: 'UTC' },
          ...range,
          limit: 1000,
        }),
        sections: await store.getPageSections({ ...range, url: '/docs/intro' }),
        export: [] as unknown[],
      };
      for await (const batch of store.exportSessions({})) {
        for (const { origin, ...session } of batch) {
          assert.equal(origin, null, 'stored before Dwell recorded origins');
          after.export.push(session);
        }
      }
      assert.ok(before.export.length > 50 && before.visitors.items.length > 10, 'the fixture has data');
      assert.deepEqual(after.stats, before.stats);
      assert.deepEqual(after.statsOfPage, before.statsOfPage);
      assert.deepEqual(after.sections, before.sections);
      assert.deepEqual(after.export, before.export);
      // The list's order breaks ties of last activity by the person now (was: who came first), and
      // its cursor is spelled anew: the people and every total stay.
      const byPerson = (list: { items: { email: string | null; visitorId: string | null }[] }) =>
        [...list.items].sort((a, b) =>
          `${a.email ?? ''}|${a.visitorId ?? ''}`.localeCompare(`${b.email ?? ''}|${b.visitorId ?? ''}`),
        );
      assert.equal(after.visitors.total, before.visitors.total);
      assert.deepEqual(byPerson(after.visitors), byPerson(before.visitors));
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
