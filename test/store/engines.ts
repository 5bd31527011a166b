// The store engines the contract suite runs on: SQLite always, PostgreSQL when it answers at
// DATABASE_URL (default postgres://127.0.0.1:5432/test). Each PostgreSQL store gets a schema of its
// own, so runs never see each other's rows. STORE_ENGINES=sqlite (or postgres) narrows the loop.

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { AccountingRules } from '../../src/accounting/credit-beat.ts';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';

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
}

let postgresReachable: Promise<string | false> | null = null;

/** False when PostgreSQL answers; else the reason to skip, said once. */
export function postgresSkipReason(): Promise<string | false> {
  postgresReachable ??= (async () => {
    const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2_000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return false;
    } catch (error) {
      const reason = `PostgreSQL not reachable at ${POSTGRES_URL} (${(error as Error).message}); set DATABASE_URL to run these tests`;
      if (process.env.CI) throw new Error(`${reason} — CI must run them`);
      process.stderr.write(`skipping PostgreSQL tests: ${reason}\n`);
      return reason;
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return postgresReachable;
}

export function testSchemaName(): string {
  return `dwell_test_${randomBytes(6).toString('hex')}`;
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
    },
  ];
  return all.filter((engine) => !only || only.includes(engine.name));
}
