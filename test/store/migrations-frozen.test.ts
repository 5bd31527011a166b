// A shipped migration is frozen: installs that applied it will never apply it again, so a change to
// its text would silently give fresh installs a schema that older ones do not have. Each shipped
// migration's SQL is checked against the hash it shipped with; a new migration adds its line here
// when it ships.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { migrations as postgres } from '../../src/store/engines/postgres/migrations.ts';
import { migrations as sqlite } from '../../src/store/engines/sqlite/migrations.ts';

const SHIPPED: Record<'sqlite' | 'postgres', Record<number, string>> = {
  sqlite: {
    1: '36b70c081829e723',
    2: '79c067a76726aedd',
    3: '70a406eea9b69437',
    4: '349ca12ae8a3734f',
    5: '6cc1596317d37e15',
    6: '407e5eabfc0d2c37',
    7: '116c17d3599310cd',
    8: '3c008bd55afb5d97',
    10: 'dfe64c1dc68806c6',
    11: '41ece8712ba5302a',
    12: 'dff9e6d83df52a87',
    13: 'e3b0c44298fc1c14',
    14: '4447d1c7574eebce',
    15: 'dcf7a04b8e6a22ee',
    16: 'd339fd1b0edb1af9',
    17: '0fc56c1768838a52',
    18: 'b3045f5dd87adfd0',
  },
  postgres: {
    1: '0323294065512e1f',
    2: '1d0f45b7eaddb620',
    3: '0738568b904d3097',
    4: '738f0b992ae1dd37',
    5: 'e74b6d2a091ac49d',
    6: '4bd41d7012a9c4b9',
    7: '5156d83583396f49',
    8: '3c008bd55afb5d97',
    12: '96307a047af4fb13',
    13: 'e3b0c44298fc1c14',
    14: '8ddca91a3809e2e8',
    15: 'aa864d8c5c5bbff8',
    16: 'd110dde246a596db',
    17: 'd1cc671bc058fe5a',
    18: '459f834a8baa5636',
    19: 'c985941cdcc2cda2',
  },
};

const hash = (sql: string) => createHash('sha256').update(sql).digest('hex').slice(0, 16);

for (const [engine, list] of [
  ['sqlite', sqlite],
  ['postgres', postgres],
] as const) {
  describe(`${engine} migrations`, () => {
    it('keep the text every shipped migration shipped with', () => {
      for (const [version, shipped] of Object.entries(SHIPPED[engine])) {
        const migration = list.find((m) => m.version === Number(version));
        assert.ok(migration, `migration ${version} is still there`);
        assert.equal(hash(migration.sql), shipped, `migration ${version} (${migration.name}) changed`);
      }
    });

    it('are all frozen here, so a new one is a deliberate line in this file', () => {
      assert.deepEqual(
        list.map((m) => m.version),
        Object.keys(SHIPPED[engine]).map(Number),
      );
    });

    it('are numbered once each, in order', () => {
      const versions = list.map((m) => m.version);
      assert.deepEqual(
        versions,
        [...new Set(versions)].sort((a, b) => a - b),
      );
    });
  });
}
