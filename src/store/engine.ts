// The port each database engine implements (engines/sqlite, engines/postgres): only what truly
// differs between them. Everything else (the fold's schedule, fold-before-read, error mapping, the
// session directory, the queries) is written once, in store.ts and the query files.

import type { SessionDirectory } from './append/session-directory.ts';
import type { RollupQueue } from './fold/rollup-fold.ts';
import type { ImportedSession, SessionFilter } from './query-types.ts';
import type { Db, Sql } from './sql.ts';
import type { BeatInput, BeatResult, FoldedBeat } from './types.ts';

export interface FoldSchedule {
  /** How often the store folds when nobody reads; 0: only on reads and fold() (tests). */
  everyMs: number;
  /** Beats per fold transaction on a read (large: the reader waits for all of them anyway). */
  chunk: number;
  /** Beats per transaction of the timer's fold (small: requests wait behind one at most). */
  backgroundChunk: number;
}

/** What tests and tools may set of an engine's fold schedule. */
export interface FoldOptions {
  /** Beats per fold transaction; the property tests vary it. */
  foldChunk?: number;
  /** How often the journal is folded when nobody reads; 0: only on reads and fold() (tests). */
  foldEveryMs?: number;
}

export interface Engine {
  readonly name: 'sqlite' | 'postgres';
  /** The shared queries' way in. */
  readonly db: Db;
  readonly schedule: FoldSchedule;
  /** Batches of beats appended at once (each holds a connection on PostgreSQL). */
  readonly appendConcurrency: number;
  /** How the rollup fold takes deltas from this engine's queues (fold/rollup-fold.ts). */
  readonly rollups: RollupQueue;

  /**
   * The store's clock as an SQL value, for rows stamped as they are written: the database's on
   * PostgreSQL, so instances with skewed clocks agree; the injected one on SQLite, so tests set it.
   */
  nowSql(): Sql;
  /** Applies pending migrations (idempotent) and starts the engine's own upkeep. */
  migrate(): Promise<void>;

  /**
   * The request path: authenticates `beats` (against `directory` where it knows the session) and
   * appends the accepted ones to the journal, committed before it resolves.
   */
  appendBeats(beats: BeatInput[], directory: SessionDirectory): Promise<BeatResult[]>;
  /**
   * Folds up to `limit` journaled beats in one transaction (fold-plan.ts decides, the engine reads
   * and writes). Null when another instance is folding and `wait` is false.
   */
  foldChunk(limit: number, wait: boolean): Promise<{ count: number; folded: FoldedBeat[] } | null>;
  /** Upkeep after a timed fold that applied `rollupDeltas` (PostgreSQL vacuums its queues). */
  afterBackgroundFold?(rollupDeltas: number): Promise<void>;

  /** Writes complete sessions with their rollups in bulk (the demo seeder, benchmarks, imports). */
  importSessions(sessions: Iterable<ImportedSession>, onProgress?: (done: number) => void): Promise<number>;
  /**
   * The CSV export's rows formatted by the database itself: one string per batch instead of a value
   * per column is ~3× the rows per second (same bytes as src/query/present.ts's csvRow).
   */
  exportSessionsCsv(
    filter: SessionFilter,
    context: { now: number; timeoutMs: number },
  ): AsyncIterable<string>;

  /** A failure that means "not now" (a full disk, a lost connection): the store answers 503. */
  isUnavailable(error: unknown): boolean;
  /** Releases the database; the store has finished every write. */
  close(): Promise<void>;
}
