// The store on PostgreSQL: the one Store (../store.ts) over the PostgreSQL engine.

import { EngineStore } from '../../store.ts';
import { PostgresEngine, type PostgresEngineOptions } from './engine.ts';

export class PostgresStore extends EngineStore<PostgresEngine> {
  constructor(options: PostgresEngineOptions) {
    super(new PostgresEngine(options));
  }

  /** The pool, for tests and tools that look beneath the store. */
  get pool() {
    return this.port.pool;
  }
}
