// The SQLite engine: one file, WAL, one connection. Its request path appends a batch of beats in one
// transaction (append.ts); its fold (fold.ts) is a synchronous transaction, so nothing runs between a fold's read and its writes; a worker thread checkpoints
// the WAL (checkpointer.ts). The store (../store.ts) schedules and guards all of it.

import type Database from 'better-sqlite3';
import type { AccountingRules } from '../../../accounting/credit-beat.ts';
import type { SessionDirectory } from '../../append/session-directory.ts';
import type { Engine, FoldOptions, FoldSchedule } from '../../engine.ts';
import { runMigrations } from '../../migration.ts';
import type { ImportedSession, SessionFilter } from '../../query-types.ts';
import { type Sql, sql } from '../../sql.ts';
import type { BeatInput, BeatResult } from '../../types.ts';
import { createAppend } from './append.ts';
import { Checkpointer, type CheckpointOptions } from './checkpointer.ts';
import { openDatabase, type SqliteOptions } from './connect.ts';
import { SqliteDb } from './db.ts';
import { exportSessionsCsv } from './export-sessions-csv.ts';
import { createChunkFold, FOLD_CHUNK } from './fold.ts';
import { importSessions } from './import-sessions.ts';
import { migrations } from './migrations.ts';
import { sqliteRollupQueue } from './rollup-queue.ts';
import { prepareStatements, type Statements } from './statements.ts';

/**
 * The timer's fold: every 100 ms, in chunks of 256 beats, so each stalls the event loop for a few
 * ms at most and the live view stays well within a second.
 */
const SCHEDULE: FoldSchedule = { everyMs: 100, chunk: FOLD_CHUNK, backgroundChunk: 256 };

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
  readonly rollups = sqliteRollupQueue;
  private readonly rules: AccountingRules;
  private readonly clock: () => number;
  private readonly path: string;
  private readonly checkpointOptions: CheckpointOptions | undefined;
  private checkpointer: Checkpointer | null = null;
  private prepared: Statements | null = null;
  private appendBatch: ((beats: BeatInput[], directory: SessionDirectory) => BeatResult[]) | null = null;
  private chunkFold: ReturnType<typeof createChunkFold> | null = null;

  constructor(options: SqliteEngineOptions) {
    this.connection = openDatabase(options);
    this.db = new SqliteDb(this.connection, options.path);
    this.path = options.path;
    this.checkpointOptions = options.checkpoint;
    this.rules = options.rules;
    this.clock = options.clock ?? Date.now;
    this.schedule = {
      everyMs: options.foldEveryMs ?? SCHEDULE.everyMs,
      chunk: options.foldChunk ?? SCHEDULE.chunk,
      backgroundChunk: SCHEDULE.backgroundChunk,
    };
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
  async appendBeats(beats: BeatInput[], directory: SessionDirectory): Promise<BeatResult[]> {
    this.appendBatch ??= createAppend(this.connection, this.statements, this.rules, this.clock);
    await this.db.whenIdle();
    return this.appendBatch(beats, directory);
  }

  /** One process owns the file, so a fold never waits for another: `wait` changes nothing here. */
  async foldChunk(limit: number) {
    this.chunkFold ??= createChunkFold(this.connection, this.statements, this.rules);
    await this.db.whenIdle();
    return this.chunkFold(limit);
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
