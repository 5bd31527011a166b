// The PostgreSQL engine: several stateless Dwell instances share one database. A batch of beats is
// authenticated and appended in one or two round trips with no transaction (append.ts); instances
// fold the journal's partitions of sessions at once, each under its own advisory lock (fold.ts), and
// one at a time the rollup deltas (rollup-queue.ts). Time is the database's, so instances with skewed clocks cannot over-credit.

import type pg from 'pg';
import type { AccountingRules } from '../../../accounting/credit-beat.ts';
import type { SessionDirectory } from '../../append/session-directory.ts';
import { type Engine, type FoldOptions, type FoldSchedule, foldSchedule } from '../../engine.ts';
import { foldRollups } from '../../fold/rollup-fold.ts';
import { runMigrations } from '../../migration.ts';
import type { ImportedSession, SessionFilter } from '../../query-types.ts';
import { raw, type Sql } from '../../sql.ts';
import type { BeatInput } from '../../types.ts';
import { appendBeats, DatabaseClock, STATEMENT_CLOCK } from './append.ts';
import { createPool, isUnavailable, type PoolOptions } from './connect.ts';
import { PostgresDb } from './db.ts';
import { exportSessionsCsv } from './export-sessions-csv.ts';
import { FOLD_CHUNK, foldChunk, foldSessions, overdueSessions } from './fold.ts';
import { importSessions } from './import-sessions.ts';
import { migrations } from './migrations.ts';
import { postgresRollupQueue, vacuumPending, vacuumRollups } from './rollup-queue.ts';

/**
 * Every second, the sessions due, 2,000 a round trip: each partition's share is folded by
 * whichever instance takes its lock first.
 */
const SCHEDULE = { everyMs: 1_000, chunk: FOLD_CHUNK, backgroundChunk: 2_000 };
/** Batches appended at once; each holds one pooled connection while it appends. */
const APPEND_CONCURRENCY = 4;
/** Rollup deltas an instance folds between two vacuums of the pending tables (rollup-queue.ts). */
const VACUUM_EVERY_DELTAS = 100_000;

export interface PostgresEngineOptions extends PoolOptions, FoldOptions {
  rules: AccountingRules;
}

export class PostgresEngine implements Engine {
  readonly name = 'postgres' as const;
  readonly pool: pg.Pool;
  readonly db: PostgresDb;
  readonly schedule: FoldSchedule;
  readonly appendConcurrency = APPEND_CONCURRENCY;
  readonly backgroundPageRows = Number.POSITIVE_INFINITY;
  readonly rollups = postgresRollupQueue;
  private readonly rules: AccountingRules;
  private readonly schema: string | undefined;
  private readonly clock = new DatabaseClock();
  private foldedSinceVacuum = 0;

  constructor(options: PostgresEngineOptions) {
    this.pool = createPool(options);
    this.db = new PostgresDb(this.pool);
    this.rules = options.rules;
    this.schema = options.schema;
    this.schedule = foldSchedule(SCHEDULE, options);
  }

  /**
   * The statement's time, not clock_timestamp(): one value however often a statement spells it, so
   * a new session's start and last activity are the same instant (they drifted by a millisecond).
   */
  localNow(): number {
    return this.clock.now();
  }

  nowSql(): Sql {
    return raw(STATEMENT_CLOCK);
  }

  async migrate(): Promise<void> {
    await runMigrations(this.db, migrations, {
      now: () => this.nowSql(),
      // The lock comes first: even CREATE SCHEMA IF NOT EXISTS fails when two instances run it at once.
      lock: async (tx) => {
        await tx.exec("SELECT pg_advisory_xact_lock(hashtext('dwell_migrations'))");
        if (this.schema) await tx.exec(`CREATE SCHEMA IF NOT EXISTS "${this.schema.replace(/"/g, '')}"`);
      },
    });
  }

  appendBeats(beats: BeatInput[], directory: SessionDirectory) {
    return appendBeats(this.pool, beats, this.rules, directory, this.clock);
  }

  foldChunk(limit: number, wait: boolean) {
    return foldChunk(this.pool, this.rules, { wait, limit });
  }

  foldSessions(pks: readonly number[], wait: boolean) {
    return foldSessions(this.pool, this.rules, pks, wait);
  }

  async journaledSessions(): Promise<number[]> {
    const { rows } = await this.pool.query<{ pk: string }>({
      name: 'dwell-fold-journaled',
      text: 'SELECT DISTINCT session_pk AS pk FROM beat_journal',
    });
    return rows.map((r) => Number(r.pk));
  }

  overdueSessions(before: number, limit: number) {
    return overdueSessions(this.pool, before, limit);
  }

  /** A fold scans the dead rows of the pending tables until a vacuum removes them. */
  async afterBackgroundFold(rollupDeltas: number): Promise<void> {
    this.foldedSinceVacuum += rollupDeltas;
    if (this.foldedSinceVacuum < VACUUM_EVERY_DELTAS) return;
    this.foldedSinceVacuum = 0;
    await vacuumPending(this.pool);
  }

  async importSessions(sessions: Iterable<ImportedSession>, onProgress?: (done: number) => void) {
    const imported = await importSessions(this.pool, sessions, onProgress);
    // Applied and vacuumed now, in one go: the first query would otherwise scan the queues' dead rows.
    await foldRollups(this.db, postgresRollupQueue, true);
    await vacuumRollups(this.pool);
    return imported;
  }

  exportSessionsCsv(filter: SessionFilter, context: { now: number; timeoutMs: number }) {
    return exportSessionsCsv(this.pool, filter, context);
  }

  isUnavailable(error: unknown): boolean {
    return isUnavailable(error);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
