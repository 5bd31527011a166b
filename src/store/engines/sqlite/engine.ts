// The SQLite engine: one file, WAL, one connection. Its request path appends a batch of beats in one
// transaction (append.ts); its fold (fold.ts) is a synchronous transaction, so nothing runs between a fold's read and its writes; a worker thread checkpoints
// the WAL (checkpointer.ts). The store (../store.ts) schedules and guards all of it.

import type Database from 'better-sqlite3';
import type { AccountingRules } from '../../../accounting/credit-beat.ts';
import type { JournalRow } from '../../append/authorize-batch.ts';
import type { SessionDirectory } from '../../append/session-directory.ts';
import { type Engine, type FoldOptions, type FoldSchedule, foldSchedule } from '../../engine.ts';
import { runMigrations } from '../../migration.ts';
import type { ImportedSession, SessionFilter } from '../../query-types.ts';
import { type Sql, sql } from '../../sql.ts';
import type { BeatInput, BeatResult } from '../../types.ts';
import { createAppend } from './append.ts';
import { Checkpointer, type CheckpointOptions } from './checkpointer.ts';
import { openDatabase, type SqliteOptions } from './connect.ts';
import { SqliteDb } from './db.ts';
import { exportSessionsCsv } from './export-sessions-csv.ts';
import { createFold, FOLD_CHUNK } from './fold.ts';
import { importSessions } from './import-sessions.ts';
import { migrations } from './migrations.ts';
import { sqliteRollupQueue } from './rollup-queue.ts';
import { prepareStatements, type Statements } from './statements.ts';

/**
 * The timer looks for sessions due every second and folds them 64 sessions (about 200 beats) a
 * transaction, so each stalls the event loop for a few ms at most.
 */
const SCHEDULE = { everyMs: 1_000, chunk: FOLD_CHUNK, backgroundChunk: 64 };

export interface SqliteEngineOptions extends SqliteOptions, FoldOptions {
  rules: AccountingRules;
  clock?: () => number;
  /** The WAL checkpoints' pace (checkpointer.ts); the defaults suit a server. */
  checkpoint?: CheckpointOptions;
}

/** SQLite failures that mean "not now": a full disk, a lock held too long, I/O, a closed file. */
const UNAVAILABLE = /^SQLITE_(FULL|BUSY|LOCKED|IOERR|CANTOPEN|READONLY|NOMEM|PROTOCOL)/;

export class SqliteEngine implements Engine {
  readonly name = 'sqlite' as const;
  readonly connection: Database.Database;
  readonly db: SqliteDb;
  readonly schedule: FoldSchedule;
  /** One connection: batches are appended one after another. */
  readonly appendConcurrency = 1;
  /** ~15 ms of reading a page on the event loop. */
  readonly backgroundPageRows = 5_000;
  readonly rollups = sqliteRollupQueue;
  private readonly rules: AccountingRules;
  private readonly clock: () => number;
  private readonly path: string;
  private readonly checkpointOptions: CheckpointOptions | undefined;
  private checkpointer: Checkpointer | null = null;
  private prepared: Statements | null = null;
  private appendBatch:
    | ((
        beats: BeatInput[],
        directory: SessionDirectory,
      ) => { results: BeatResult[]; journaled: JournalRow[] })
    | null = null;
  private folds: ReturnType<typeof createFold> | null = null;

  constructor(options: SqliteEngineOptions) {
    this.connection = openDatabase(options);
    this.db = new SqliteDb(this.connection, options.path);
    this.path = options.path;
    this.checkpointOptions = options.checkpoint;
    this.rules = options.rules;
    this.clock = options.clock ?? Date.now;
    this.schedule = foldSchedule(SCHEDULE, options);
  }

  localNow(): number {
    return this.clock();
  }

  nowSql(): Sql {
    return sql`${this.clock()}`;
  }

  async migrate(): Promise<void> {
    await runMigrations(this.db, migrations, { now: () => this.nowSql() });
    this.prepared = prepareStatements(this.connection);
    if (this.path !== ':memory:' && !this.checkpointer)
      this.checkpointer = new Checkpointer(this.connection, this.path, this.checkpointOptions);
  }

  private get statements(): Statements {
    this.prepared ??= prepareStatements(this.connection);
    return this.prepared;
  }

  /** Appends a batch of beats in one transaction (append.ts); a failure rolls all of them back. */
  async appendBeats(beats: BeatInput[], directory: SessionDirectory) {
    this.appendBatch ??= createAppend(this.connection, this.statements, this.rules, this.clock);
    await this.db.whenIdle();
    return this.appendBatch(beats, directory);
  }

  /** One process owns the file, so a fold never waits for another: `wait` changes nothing here. */
  async foldChunk(limit: number) {
    await this.db.whenIdle();
    return this.fold.chunk(limit);
  }

  async foldSessions(pks: readonly number[]) {
    await this.db.whenIdle();
    return { ...this.fold.sessions(pks), skipped: [] };
  }

  async journaledSessions(): Promise<number[]> {
    return this.statements.journaledSessions.all() as number[];
  }

  async overdueSessions(before: number, limit: number): Promise<number[]> {
    return this.statements.selectOverdueSessions.all(limit * 4, before) as number[];
  }

  private get fold() {
    this.folds ??= createFold(this.connection, this.statements, this.rules);
    return this.folds;
  }

  async importSessions(sessions: Iterable<ImportedSession>, onProgress?: (done: number) => void) {
    await this.db.whenIdle();
    return importSessions(this.connection, sessions, onProgress);
  }

  async *exportSessionsCsv(filter: SessionFilter, context: { now: number; timeoutMs: number }) {
    yield* exportSessionsCsv(this.connection, filter, context);
  }

  isUnavailable(error: unknown): boolean {
    const code = (error as { code?: unknown } | null)?.code;
    if (typeof code === 'string' && UNAVAILABLE.test(code)) return true;
    return error instanceof TypeError && /database connection is not open/.test(error.message);
  }

  async close(): Promise<void> {
    await this.checkpointer?.stop();
    this.connection.close();
  }
}
