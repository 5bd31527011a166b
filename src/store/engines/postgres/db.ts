// The shared queries' way into PostgreSQL (sql.ts): over the pool, or over one connection inside a
// transaction (pool.ts's withTransaction, which survives a connection lost mid-way).

import pg from 'pg';
import { compile, type Db, join, postgresDialect, raw, type Sql, sql } from '../../sql.ts';
import { withTransaction } from './connect.ts';

export class PostgresDb implements Db {
  readonly dialect = postgresDialect;

  constructor(private readonly client: pg.Pool | pg.PoolClient) {}

  async all<T>(query: Sql): Promise<T[]> {
    const { text, values } = compile(query, this.dialect);
    return (await this.client.query(text, values)).rows as T[];
  }

  async run(query: Sql): Promise<number> {
    const { text, values } = compile(query, this.dialect);
    return (await this.client.query(text, values)).rowCount ?? 0;
  }

  async exec(script: string): Promise<void> {
    await this.client.query(script);
  }

  transaction<T>(work: (tx: Db) => Promise<T>): Promise<T> {
    // Already on one connection: the work joins the transaction in progress.
    if (!(this.client instanceof pg.Pool)) return work(this);
    return withTransaction(this.client, (client) => work(new PostgresDb(client)));
  }
}

/** `unnest(…) AS name (column, …)`: named columns, each bound once as one typed array. */
export function unnestAs(
  name: string,
  columns: Record<string, [type: string, values: readonly unknown[]]>,
): Sql {
  const entries = Object.entries(columns);
  const arrays = join(
    entries.map(([, [type, values]]) => sql`${values}::${raw(type)}[]`),
    ', ',
  );
  return sql`unnest(${arrays}) AS ${raw(name)} (${raw(entries.map(([column]) => column).join(', '))})`;
}

/** Inserts rows given as named columns in one statement (unnest: one array per column). */
export function insertRows(
  db: Db,
  table: string,
  columns: Record<string, [type: string, values: readonly unknown[]]>,
  returning = '',
): Promise<unknown[]> {
  const names = raw(Object.keys(columns).join(', '));
  return db.all(
    sql`INSERT INTO ${raw(table)} (${names}) SELECT ${names} FROM ${unnestAs('x', columns)}${raw(
      returning && ` RETURNING ${returning}`,
    )}`,
  );
}
