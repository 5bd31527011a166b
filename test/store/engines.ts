// The store engines the contract suite runs on: SQLite always, PostgreSQL when it answers at
// DATABASE_URL (default postgres://127.0.0.1:5432/test). Each PostgreSQL store gets a schema of its
// own, so runs never see each other's rows. STORE_ENGINES=sqlite (or postgres) narrows the loop.

import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { AccountingRules } from '../../src/accounting/credit-beat.ts';
import { PostgresStore } from '../../src/store/engines/postgres/store.ts';
import { SqliteStore } from '../../src/store/engines/sqlite/store.ts';
import { skipOutsideCi } from '../services.ts';

export const POSTGRES_URL =
  process.env.DATABASE_URL?.startsWith('postgres') === true
    ? process.env.DATABASE_URL
    : 'postgres://postgres@127.0.0.1:5432/test';

export interface OpenedStore<S> {
  store: S;
  dispose(): Promise<void>;
}

export interface Engine {
  name: 'sqlite' | 'postgres';
  /** Why this engine's tests are skipped here, or false. */
  skip: string | false;
  open(rules: AccountingRules): Promise<OpenedStore<SqliteStore | PostgresStore>>;
  /** Two stores over one database: two Dwell instances (or two connections) racing each other. */
  openPair(
    rules: AccountingRules,
  ): Promise<OpenedStore<[SqliteStore | PostgresStore, SqliteStore | PostgresStore]>>;
}

/** Rows of a table, read beneath the Store interface (to prove a delete left nothing behind). */
export async function countRows(store: SqliteStore | PostgresStore, table: string): Promise<number> {
  if (store instanceof SqliteStore) {
    return store.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
  }
  return (await store.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;
}

let postgresReachable: Promise<string | false> | null = null;

/** False when PostgreSQL answers; else the reason to skip, said once (see skipOutsideCi). */
export function postgresSkipReason(): Promise<string | false> {
  postgresReachable ??= (async () => {
    const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2_000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return false;
    } catch (error) {
      return skipOutsideCi(
        `PostgreSQL not reachable at ${POSTGRES_URL} (${(error as Error).message}); set DATABASE_URL to run these tests`,
      );
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return postgresReachable;
}

export function testSchemaName(): string {
  return `dwell_test_${randomBytes(6).toString('hex')}`;
}

/**
 * A schema for an app built from a config, and a DATABASE_URL whose connections use it. The name is
 * kept in `dir`, so an app rebuilt on the same folder (a restart) finds its data again, as it
 * would its SQLite file.
 */
export async function createTestSchema(dir: string): Promise<{ schema: string; url: string }> {
  const file = join(dir, 'postgres-schema');
  let schema = existsSync(file) ? readFileSync(file, 'utf8') : null;
  if (schema === null) {
    schema = testSchemaName();
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    try {
      await client.query(`CREATE SCHEMA "${schema}"`);
    } finally {
      await client.end();
    }
    writeFileSync(file, schema);
  }
  const url = new URL(POSTGRES_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return { schema, url: url.toString() };
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

export async function engines(): Promise<Engine[]> {
  const only = process.env.STORE_ENGINES?.split(',');
  const all: Engine[] = [
    {
      name: 'sqlite',
      skip: false,
      async open(rules) {
        const dir = mkdtempSync(join(tmpdir(), 'dwell-store-'));
        const store = new SqliteStore({ path: join(dir, 'dwell.db'), rules });
        await store.migrate();
        return {
          store,
          async dispose() {
            await store.close();
            rmSync(dir, { recursive: true, force: true });
          },
        };
      },
      async openPair(rules) {
        const dir = mkdtempSync(join(tmpdir(), 'dwell-store-'));
        const first = new SqliteStore({ path: join(dir, 'dwell.db'), rules });
        await first.migrate();
        const second = new SqliteStore({ path: join(dir, 'dwell.db'), rules });
        await second.migrate();
        return {
          store: [first, second],
          async dispose() {
            await first.close();
            await second.close();
            rmSync(dir, { recursive: true, force: true });
          },
        };
      },
    },
    {
      name: 'postgres',
      skip: await postgresSkipReason(),
      async open(rules) {
        const schema = testSchemaName();
        const store = new PostgresStore({ url: POSTGRES_URL, schema, rules, max: 4 });
        await store.migrate();
        return {
          store,
          async dispose() {
            await store.close();
            await dropSchema(schema);
          },
        };
      },
      async openPair(rules) {
        const schema = testSchemaName();
        const first = new PostgresStore({ url: POSTGRES_URL, schema, rules, max: 4 });
        const second = new PostgresStore({ url: POSTGRES_URL, schema, rules, max: 4 });
        // Both migrate at once, as two instances starting together do: the advisory lock serialises them.
        await Promise.all([first.migrate(), second.migrate()]);
        return {
          store: [first, second],
          async dispose() {
            await first.close();
            await second.close();
            await dropSchema(schema);
          },
        };
      },
    },
  ];
  return all.filter((engine) => !only || only.includes(engine.name));
}
