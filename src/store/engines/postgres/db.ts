// The shared queries' way into PostgreSQL (sql.ts): over the pool, or over one connection inside a
// transaction (pool.ts's withTransaction, which survives a connection lost mid-way).

import pg from 'pg';
import { compile, type Db, postgresDialect, type Sql } from '../../sql.ts';
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
