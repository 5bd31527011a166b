// The shared queries' way into PostgreSQL (sql.ts).

import type pg from 'pg';
import { compile, type Db, postgresDialect, type Sql } from '../sql.ts';

export class PostgresDb implements Db {
  readonly dialect = postgresDialect;

  constructor(private readonly pool: pg.Pool) {}

  async all<T>(query: Sql): Promise<T[]> {
    const { text, values } = compile(query, this.dialect);
    return (await this.pool.query(text, values)).rows as T[];
  }
}
