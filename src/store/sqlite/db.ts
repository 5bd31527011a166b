// The shared queries' way into SQLite (sql.ts): statements prepared once per text and kept.

import type Database from 'better-sqlite3';
import { compile, type Db, type Sql, sqliteDialect } from '../sql.ts';

export class SqliteDb implements Db {
  readonly dialect = sqliteDialect;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  /** Synchronous, as every SQLite call: the promise is settled when it returns. */
  async all<T>(query: Sql): Promise<T[]> {
    return this.allNow<T>(query);
  }

  allNow<T>(query: Sql): T[] {
    const { text, values } = compile(query, this.dialect);
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement.all(...values) as T[];
  }
}
