// What a migration is, and the runner that applies the pending ones, written once for both engines:
// all of them in one transaction, each recorded in schema_migrations, so a failed upgrade leaves the
// database as it was.

import { type Db, type Sql, sql } from './sql.ts';

export interface Migration {
  version: number;
  name: string;
  /** Literal text, frozen once shipped (test/store/migrations-frozen.test.ts). */
  sql: string;
  /**
   * A data migration that SQL alone cannot write (sites from the registrable domains of stored
   * URLs, which needs the public suffix list): run after `sql`, in the same transaction.
   */
  run?: (tx: Db, now: Sql) => Promise<void>;
}

/** The migrations not applied yet, in version order. */
export function pendingMigrations(all: readonly Migration[], applied: Iterable<number>): Migration[] {
  const done = new Set(applied);
  return [...all].sort((a, b) => a.version - b.version).filter((m) => !done.has(m.version));
}

/**
 * Applies the migrations `db` still needs, in one transaction; `lock` runs first in it (PostgreSQL:
 * two instances starting together, one migrates and the other then finds nothing to do).
 * Returns the versions applied.
 */
export function runMigrations(
  db: Db,
  all: readonly Migration[],
  options: { now: () => Sql; lock?: (tx: Db) => Promise<void> },
): Promise<number[]> {
  return db.transaction(async (tx) => {
    await options.lock?.(tx);
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`);
    const applied = await tx.all<{ version: number }>(sql`SELECT version FROM schema_migrations`);
    const pending = pendingMigrations(
      all,
      applied.map((r) => Number(r.version)),
    );
    for (const migration of pending) {
      if (migration.sql) await tx.exec(migration.sql);
      await migration.run?.(tx, options.now());
      await tx.run(sql`INSERT INTO schema_migrations (version, name, applied_at)
        VALUES (${migration.version}, ${migration.name}, ${options.now()})`);
    }
    return pending.map((m) => m.version);
  });
}
