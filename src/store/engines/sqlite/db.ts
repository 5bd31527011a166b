// The shared queries' way into SQLite (sql.ts): statements prepared once per text and kept, and
// transactions over the one connection. better-sqlite3 runs every statement synchronously, so an
// open transaction only has to keep out the statements of other promise chains: they wait for it.

import { resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { compile, type Db, type Sql, sqliteDialect } from '../../sql.ts';

/**
 * The transaction in progress on one database file in this process, whichever connection opened it.
 * Two connections to one file in one process (a test's two "instances", the CLI inside the server's
 * process) would otherwise deadlock: one holds the write lock across a promise chain while the other
 * blocks the thread in busy_timeout, waiting for it.
 */
class FileLock {
  /** Settles when the transaction in progress (if any) ends; transactions queue behind it. */
  idle: Promise<void> = Promise.resolve();
  inTransaction = false;
}

const locks = new Map<string, FileLock>();

function lockOf(path: string): FileLock {
  if (path === ':memory:') return new FileLock();
  let lock = locks.get(resolve(path));
  if (!lock) {
    lock = new FileLock();
    locks.set(resolve(path), lock);
  }
  return lock;
}

export class SqliteDb implements Db {
  readonly dialect = sqliteDialect;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly lock: FileLock;
  /** The handle a transaction's work uses: its statements run at once, inside the transaction. */
  private readonly tx: Db = {
    dialect: sqliteDialect,
    all: async (query) => this.allNow(query),
    run: async (query) => this.runNow(query),
    exec: async (script) => {
      this.connection.exec(script);
    },
    transaction: (work) => work(this.tx),
  };

  constructor(
    readonly connection: Database.Database,
    path: string,
  ) {
    this.lock = lockOf(path);
  }

  /**
   * Settles when no shared query's transaction is open: the engine's own synchronous transactions
   * (the append, the fold) wait for it, so they never run nested inside one and commit with it.
   */
  async whenIdle(): Promise<void> {
    while (this.lock.inTransaction) await this.lock.idle;
  }

  async all<T>(query: Sql): Promise<T[]> {
    while (this.lock.inTransaction) await this.lock.idle;
    return this.allNow<T>(query);
  }

  async run(query: Sql): Promise<number> {
    while (this.lock.inTransaction) await this.lock.idle;
    return this.runNow(query);
  }

  async exec(script: string): Promise<void> {
    while (this.lock.inTransaction) await this.lock.idle;
    this.connection.exec(script);
  }

  async transaction<T>(work: (tx: Db) => Promise<T>): Promise<T> {
    let release!: () => void;
    const previous = this.lock.idle;
    this.lock.idle = new Promise((done) => {
      release = done;
    });
    await previous;
    this.lock.inTransaction = true;
    try {
      // IMMEDIATE: the write lock first, so another connection's write waits instead of failing.
      this.connection.exec('BEGIN IMMEDIATE');
      const result = await work(this.tx);
      this.connection.exec('COMMIT');
      return result;
    } catch (error) {
      if (this.connection.open && this.connection.inTransaction) this.connection.exec('ROLLBACK');
      throw error;
    } finally {
      this.lock.inTransaction = false;
      release();
    }
  }

  /** The synchronous read, for the engine's own code that already runs inside a transaction. */
  allNow<T>(query: Sql): T[] {
    const { statement, values } = this.prepare(query);
    return statement.all(...values) as T[];
  }

  /** A write; a statement with RETURNING counts the rows it returned. */
  runNow(query: Sql): number {
    const { statement, values } = this.prepare(query);
    return statement.reader ? statement.all(...values).length : statement.run(...values).changes;
  }

  private prepare(query: Sql): { statement: Database.Statement; values: unknown[] } {
    const { text, values } = compile(query, this.dialect);
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.connection.prepare(text);
      this.statements.set(text, statement);
    }
    return { statement, values };
  }
}
