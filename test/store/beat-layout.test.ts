// The layout that keeps a beat cheap, checked on the migrated schema of each engine: no index on
// sessions covers a column a beat writes. On PostgreSQL that is what lets a beat be a HOT update
// (the row rewritten in place, no index touched); on SQLite it keeps a beat to the row's own page.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PostgresStore } from '../../src/store/engines/postgres/store.ts';
import { engines } from './engines.ts';

const rules = { intervalMs: 1_000, timeoutMs: 60_000, toleranceMs: 200 };

/** The columns every beat writes (statements.ts updateAfterBeat, postgres/beat-batch.ts). */
const BEAT_COLUMNS = [
  'last_activity_at',
  'ended_at',
  'engaged_ms',
  'last_seq',
  'beats',
  'current_url',
  'span_url',
  'span_start',
  'span_end',
];

for (const engine of await engines()) {
  describe(`beat layout: ${engine.name}`, { skip: engine.skip }, () => {
    it('no index on sessions covers a column that beats write', async () => {
      const { store, dispose } = await engine.open(rules);
      try {
        const definitions =
          store instanceof PostgresStore
            ? (
                await store.pool.query<{ def: string }>(
                  `SELECT indexdef AS def FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'sessions'`,
                )
              ).rows.map((r) => r.def)
            : (store.db
                .prepare(
                  `SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'sessions' AND sql IS NOT NULL`,
                )
                .pluck()
                .all() as string[]);
        assert.ok(definitions.length >= 3, `indexes found: ${definitions.join('; ')}`);
        for (const definition of definitions) {
          for (const column of BEAT_COLUMNS) {
            assert.doesNotMatch(definition, new RegExp(`\\b${column}\\b`), `${definition} covers ${column}`);
          }
        }
      } finally {
        await dispose();
      }
    });
  });
}
