// The port each database engine implements (engines/sqlite, engines/postgres): only what truly
// differs between them. Everything else (the fold's schedule, fold-before-read, error mapping, the
// session directory, the queries) is written once, in store.ts and the query files.

import type { JournalRow } from './append/authorize-batch.ts';
import type { SessionDirectory } from './append/session-directory.ts';
import type { FoldTiming } from './append/unfolded-sessions.ts';
import type { RollupQueue } from './fold/rollup-fold.ts';
import type { ImportedSession, SessionFilter } from './query-types.ts';
import type { Db, Sql } from './sql.ts';
import type { BeatInput, BeatResult, FoldedBeat } from './types.ts';

export interface FoldSchedule extends FoldTiming {
  /** How often the store's timer looks for sessions due; 0: only on reads and fold() (tests). */
  everyMs: number;
  /** Beats per fold transaction on a read, a quarter as many sessions (large: the reader waits anyway). */
  chunk: number;
  /** Sessions per transaction of the timer's fold (small: requests wait behind one at most). */
  backgroundChunk: number;
  /**
   * Journaled beats older than this are folded by the sweep whoever appended them (another
   * instance, one that died, this one before a restart): a multiple of maxAgeMs, so the instance
   * that appended a session's beats folds them first.
   */
  sweepAfterMs: number;
}

/** What one fold transaction did: beats taken from the journal, and those credited. */
export interface FoldResult {
  count: number;
  folded: FoldedBeat[];
}

/** What tests and tools may set of an engine's fold schedule. */
export interface FoldOptions {
  /** Beats per fold transaction; the property tests vary it. */
  foldChunk?: number;
  /** How often the timer looks for sessions due; 0: only on reads and fold() (tests). */
  foldEveryMs?: number;
  /** When a session's beats are due (unfolded-sessions.ts); the property tests shorten them. */
  foldTiming?: Partial<FoldTiming>;
}

/** The fold's timing on every engine (issue #26; docs/benchmarks.md has the measurements). */
export const FOLD_TIMING: FoldTiming = { maxAgeMs: 30_000, quietMs: 20_000 };

/** The schedule an engine runs, from its defaults and what tests set. */
export function foldSchedule(
  defaults: Omit<FoldSchedule, keyof FoldTiming | 'sweepAfterMs'>,
  options: FoldOptions,
): FoldSchedule {
  const timing = { ...FOLD_TIMING, ...options.foldTiming };
  return {
    everyMs: options.foldEveryMs ?? defaults.everyMs,
    chunk: options.foldChunk ?? defaults.chunk,
    backgroundChunk: options.foldChunk ?? defaults.backgroundChunk,
    ...timing,
    sweepAfterMs: 2 * timing.maxAgeMs,
  };
}

export interface Engine {
  readonly name: 'sqlite' | 'postgres';
  /** The shared queries' way in. */
  readonly db: Db;
  readonly schedule: FoldSchedule;
  /** Batches of beats appended at once (each holds a connection on PostgreSQL). */
  readonly appendConcurrency: number;
  /**
   * Rows a long background read (a breakdown day's build) takes per query: SQLite reads on the
   * event loop, so it pages; PostgreSQL's driver reads off it, so it takes the day in one query.
   */
  readonly backgroundPageRows: number;
  /** How the rollup fold takes deltas from this engine's queues (fold/rollup-fold.ts). */
  readonly rollups: RollupQueue;

  /**
   * The store's clock as an SQL value, for rows stamped as they are written: the database's on
   * PostgreSQL, so instances with skewed clocks agree; the injected one on SQLite, so tests set it.
   */
  nowSql(): Sql;
  /** Applies pending migrations (idempotent) and starts the engine's own upkeep. */
  migrate(): Promise<void>;

  /** The store's clock, read without a round trip (the database's as last seen, on PostgreSQL). */
  localNow(): number;

  /**
   * The request path: authenticates `beats` (against `directory` where it knows the session) and
   * appends the accepted ones to the journal, committed before it resolves; returns each beat's
   * answer and the journal rows appended (their session and time: the fold's schedule).
   */
  appendBeats(
    beats: BeatInput[],
    directory: SessionDirectory,
  ): Promise<{ results: BeatResult[]; journaled: JournalRow[] }>;
  /**
   * Folds up to `limit` of the journal's oldest beats in one transaction (fold-plan.ts decides, the
   * engine reads and writes). Null when another instance is folding and `wait` is false.
   */
  foldChunk(limit: number, wait: boolean): Promise<FoldResult | null>;
  /**
   * Folds every journaled beat of the sessions `pks` (the timer's fold of sessions due). `skipped`:
   * sessions left for later because another instance was folding them and `wait` was false.
   */
  foldSessions(pks: readonly number[], wait: boolean): Promise<FoldResult & { skipped: number[] }>;
  /** Every session with a journaled beat (a read's fold takes them a chunk of sessions at a time). */
  journaledSessions(): Promise<number[]>;
  /** Up to `limit` sessions with a journaled beat older than `before` (the sweep). */
  overdueSessions(before: number, limit: number): Promise<number[]>;
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
