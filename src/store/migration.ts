// What a migration is, and which ones a database still needs: the runner's decision, written once
// for both engines (each applies the pending ones in its own transaction, recording each).

export interface Migration {
  version: number;
  name: string;
  /** Literal text, frozen once shipped (test/store/migrations-frozen.test.ts). */
  sql: string;
}

/** The migrations not applied yet, in version order. */
export function pendingMigrations(all: readonly Migration[], applied: Iterable<number>): Migration[] {
  const done = new Set(applied);
  return [...all].sort((a, b) => a.version - b.version).filter((m) => !done.has(m.version));
}
