import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compile, join, postgresDialect, raw, sql, sqliteDialect } from './sql.ts';

describe('sql', () => {
  it('binds every value, nests fragments, and numbers PostgreSQL placeholders across them', () => {
    const where = join([sql`s.email = ${'a@x.test'}`, sql`s.started_at >= ${5}`], ' AND ');
    const query = sql`SELECT ${raw('s.id')} FROM sessions s WHERE ${where} LIMIT ${10}`;
    assert.deepEqual(compile(query, postgresDialect), {
      text: 'SELECT s.id FROM sessions s WHERE s.email = $1 AND s.started_at >= $2 LIMIT $3',
      values: ['a@x.test', 5, 10],
    });
    assert.deepEqual(compile(query, sqliteDialect), {
      text: 'SELECT s.id FROM sessions s WHERE s.email = ? AND s.started_at >= ? LIMIT ?',
      values: ['a@x.test', 5, 10],
    });
  });

  it('keeps a hostile value a value', () => {
    const { text, values } = compile(sql`SELECT 1 WHERE x = ${"'; DROP TABLE sessions; --"}`, sqliteDialect);
    assert.equal(text, 'SELECT 1 WHERE x = ?');
    assert.deepEqual(values, ["'; DROP TABLE sessions; --"]);
  });

  it('spells a list membership per dialect, bound as one parameter', () => {
    assert.deepEqual(compile(sqliteDialect.isIn('pk', [1, 2]), sqliteDialect), {
      text: 'pk IN (SELECT value FROM json_each(?))',
      values: ['[1,2]'],
    });
    assert.deepEqual(compile(postgresDialect.isIn('pk', [1, 2]), postgresDialect), {
      text: 'pk = ANY($1::bigint[])',
      values: [[1, 2]],
    });
  });

  it('joins nothing into nothing', () => {
    assert.deepEqual(compile(join([], ' AND '), postgresDialect), { text: '', values: [] });
  });
});
