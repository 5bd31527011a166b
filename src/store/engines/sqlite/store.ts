// The store on SQLite: the one Store (../store.ts) over the SQLite engine.

import { EngineStore } from '../../store.ts';
import { SqliteEngine, type SqliteEngineOptions } from './engine.ts';

export class SqliteStore extends EngineStore<SqliteEngine> {
  constructor(options: SqliteEngineOptions) {
    super(new SqliteEngine(options));
  }

  /** The open database, for tests and tools that look beneath the store. */
  get db() {
    return this.port.connection;
  }
}
