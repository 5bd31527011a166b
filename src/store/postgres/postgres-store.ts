// The PostgreSQL engine: several stateless Dwell instances share one database. Same semantics as
// SQLite, and group commit too: beats queued in one event-loop turn are authenticated and appended
// to the journal together (append.ts); one instance at a time folds the journal into sessions,
// pages and spans (fold.ts), every second and before every read. Elapsed time comes from the
// database's clock, so instances with skewed clocks cannot over-credit.

import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { AccountingRules } from '../../accounting/credit-beat.ts';
import { StoreUnavailableError } from '../errors.ts';
import { FoldListeners } from '../fold-listeners.ts';
import type {
  EndedGateSession,
  GateAccess,
  GateLink,
  LinkRedemption,
  OutboxMessage,
  WebhookAttempt,
} from '../gate-types.ts';
import { GroupCommit } from '../group-commit.ts';
import { pendingMigrations } from '../migration.ts';
import * as shared from '../queries/index.ts';
import type {
  ImportedSession,
  LiveSession,
  PageSections,
  PageSectionsQuery,
  SessionFilter,
  SessionPage,
  Stats,
  StatsQuery,
  VisitorList,
  VisitorQuery,
} from '../query-types.ts';
import { SessionDirectory } from '../session-directory.ts';
import {
  type PageColumns,
  type SectionColumns,
  type SessionColumns,
  type SpanColumns,
  toSessionDetail,
} from '../session-row.ts';
import type {
  BeatInput,
  BeatResult,
  FoldedBeat,
  NewSession,
  SessionDetail,
  SessionRecord,
  Store,
} from '../types.ts';
import { appendBeats, CLOCK, DatabaseClock, STATEMENT_CLOCK } from './append.ts';
import { PostgresDb } from './db.ts';
import { FOLD_CHUNK, foldChunk } from './fold.ts';
import * as gate from './gate.ts';
import { migrations } from './migrations.ts';
import { createPool, guardEachPg, guardPg, type PoolOptions, withTransaction } from './pool.ts';
import * as query from './queries/index.ts';
import { foldRollups, vacuumPending, vacuumRollups } from './rollup-fold.ts';

/** Batches in flight at once; each holds one pooled connection while it appends. */
const MAX_CONCURRENT_BATCHES = 4;
/** How often each instance tries to fold the journal and the rollup deltas when nobody reads. */
const FOLD_EVERY_MS = 1_000;
/** Deltas an instance folds between two vacuums of the pending tables (rollup-fold.ts). */
const VACUUM_EVERY_DELTAS = 100_000;

export interface PostgresStoreOptions extends PoolOptions {
  rules: AccountingRules;
  /** Beats per fold transaction (fold.ts); the property tests vary it. */
  foldChunk?: number /** How often the journal is folded when nobody reads; 0: only on reads and fold() (tests). */;
  foldEveryMs?: number;
}

export class PostgresStore implements Store {
  readonly engine = 'postgres' as const;
  readonly pool: pg.Pool;
  private readonly rules: AccountingRules;
  private readonly schema: string | undefined;
  private readonly beats = new GroupCommit<BeatInput, BeatResult>({
    apply: (beats) => this.appendAll(beats),
    concurrency: MAX_CONCURRENT_BATCHES,
  });
  private closed = false;
  private foldTimer: NodeJS.Timeout | null = null;
  private timedFold: Promise<unknown> | null = null;
  private foldedSinceVacuum = 0;
  private readonly listeners = new FoldListeners();
  private readonly directory = new SessionDirectory();
  /** The shared queries' way in (sql.ts). */
  private readonly db: PostgresDb;
  private readonly clock = new DatabaseClock();
  private readonly chunk: number;
  private readonly foldEveryMs: number;

  constructor(options: PostgresStoreOptions) {
    this.pool = createPool(options);
    this.db = new PostgresDb(this.pool);
    this.rules = options.rules;
    this.schema = options.schema;
    this.chunk = options.foldChunk ?? FOLD_CHUNK;
    this.foldEveryMs = options.foldEveryMs ?? FOLD_EVERY_MS;
  }

  async now(): Promise<number> {
    return guardPg(
      async () => (await this.pool.query<{ now: number }>(`SELECT ${CLOCK} AS now`)).rows[0]!.now,
    );
  }

  async migrate(): Promise<void> {
    await guardPg(() =>
      withTransaction(this.pool, async (client) => {
        // Two instances starting together: one migrates, the other waits and finds nothing to do.
        // The lock comes first: even CREATE SCHEMA IF NOT EXISTS fails when two run at once.
        await client.query("SELECT pg_advisory_xact_lock(hashtext('dwell_migrations'))");
        if (this.schema) await client.query(`CREATE SCHEMA IF NOT EXISTS "${this.schema.replace(/"/g, '')}"`);
        await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
          version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`);
        const applied = (
          await client.query<{ version: number }>('SELECT version FROM schema_migrations')
        ).rows.map((r) => r.version);
        for (const migration of pendingMigrations(migrations, applied)) {
          await client.query(migration.sql);
          await client.query(
            `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, ${CLOCK})`,
            [migration.version, migration.name],
          );
        }
      }),
    );
    if (!this.foldTimer && !this.closed && this.foldEveryMs > 0) {
      // Skipped while another instance folds; a failure (database down) leaves the beats journaled.
      this.foldTimer = setInterval(() => {
        this.timedFold ??= this.foldJournal(false)
          .then(() => foldRollups(this.pool, { wait: false }))
          .then(async (folded) => {
            this.foldedSinceVacuum += folded;
            if (this.foldedSinceVacuum < VACUUM_EVERY_DELTAS) return;
            this.foldedSinceVacuum = 0;
            await vacuumPending(this.pool);
          })
          .catch(() => {})
          .finally(() => {
            this.timedFold = null;
          });
      }, this.foldEveryMs);
      this.foldTimer.unref();
    }
  }

  /** Folds the journal chunk by chunk (fold.ts); `wait` waits for another instance's fold. */
  private async foldJournal(wait: boolean): Promise<number> {
    let total = 0;
    for (;;) {
      const chunk = await foldChunk(this.pool, this.rules, { wait, limit: this.chunk });
      if (!chunk) return total;
      total += chunk.count;
      this.listeners.emit(chunk.folded);
      if (chunk.count < this.chunk) return total;
    }
  }

  /**
   * Folds every beat acknowledged so far, on whichever instance appended it. A read calls it
   * first; an empty journal costs one cheap query (a fold in flight elsewhere still shows its rows,
   * so the read then waits for it).
   */
  async fold(): Promise<number> {
    return guardPg(async () => {
      const { rows } = await this.pool.query<{ any: boolean }>({
        name: 'dwell-journal-any',
        text: 'SELECT EXISTS (SELECT 1 FROM beat_journal) AS any',
      });
      return rows[0]!.any ? this.foldJournal(true) : 0;
    });
  }

  onFolded(listener: (beats: FoldedBeat[]) => void): () => void {
    return this.listeners.add(listener);
  }

  /** Folds the journal, then the rollup deltas (rollup-fold.ts); every read of the rollups does first. */
  async foldRollups(): Promise<number> {
    await this.fold();
    return guardPg(() => foldRollups(this.pool, { wait: true }));
  }

  async createSession(session: NewSession): Promise<{ startedAt: number }> {
    return guardPg(async () => {
      // One instant for both columns: two clock_timestamp() readings may straddle a millisecond, and
      // a session whose last activity follows its start credits its first beat 1 ms less (#27).
      const { rows } = await this.pool.query<{ started_at: number }>(
        `INSERT INTO sessions (id, token_hash, cookie_only, started_at, last_activity_at, email, visitor_id,
           entry_url, referrer, screen, lang, current_url, visible_ms)
         VALUES ($1, $2, $3, ${STATEMENT_CLOCK}, ${STATEMENT_CLOCK}, $4, $5, $6, $7, $8, $9, $6, 0)
         RETURNING started_at`,
        [
          session.id,
          session.tokenHash,
          session.cookieOnly ?? false,
          session.email,
          session.visitorId,
          session.entryUrl,
          session.referrer,
          session.screen,
          session.lang,
        ],
      );
      return { startedAt: rows[0]!.started_at };
    });
  }

  recordBeat(beat: BeatInput): Promise<BeatResult> {
    if (this.closed) return Promise.reject(new StoreUnavailableError('the store is closing'));
    return this.beats.submit(beat);
  }

  /** Authenticates and appends a batch (append.ts); group-commit.ts answers each after the insert. */
  private async appendAll(beats: BeatInput[]): Promise<BeatResult[]> {
    try {
      return await guardPg(() => appendBeats(this.pool, beats, this.rules, this.directory, this.clock));
    } catch (error) {
      // The append may not have happened: the directory may remember beats that are not journaled.
      this.directory.clear();
      throw error;
    }
  }

  async getSession(id: string): Promise<SessionDetail | null> {
    await this.fold();
    return guardPg(async () => {
      const { rows } = await this.pool.query<SessionColumns>('SELECT * FROM sessions WHERE id = $1', [id]);
      const raw = rows[0];
      if (!raw) return null;
      const pages = await this.pool.query<PageColumns>(
        'SELECT url, engaged_ms, visible_ms, max_scroll FROM session_pages WHERE session_pk = $1 ORDER BY engaged_ms DESC, url',
        [raw.pk],
      );
      const spans = await this.pool.query<SpanColumns>(
        'SELECT url, start_at, end_at FROM spans WHERE session_pk = $1 ORDER BY start_at',
        [raw.pk],
      );
      const sections = await this.pool.query<SectionColumns>(
        'SELECT url, name, engaged_ms FROM session_sections WHERE session_pk = $1 ORDER BY url, position, name',
        [raw.pk],
      );
      return toSessionDetail(raw, pages.rows, spans.rows, sections.rows);
    });
  }

  async dailySalt(day: string): Promise<Buffer> {
    return guardPg(async () => {
      await this.pool.query('INSERT INTO salts (day, salt) VALUES ($1, $2) ON CONFLICT (day) DO NOTHING', [
        day,
        randomBytes(32),
      ]);
      await this.pool.query('DELETE FROM salts WHERE day <> $1', [day]);
      return (await this.pool.query<{ salt: Buffer }>('SELECT salt FROM salts WHERE day = $1', [day]))
        .rows[0]!.salt;
    });
  }

  // The email gate (GateStore): see gate.ts.
  async grantGateAccess(
    grant: { sessionId: string; email: string; issuedAt: number; expiresAt: number },
    announce?: OutboxMessage,
  ) {
    return guardPg(() => gate.grantGateAccess(this.pool, grant, announce));
  }
  async getGateAccess(sessionId: string): Promise<GateAccess | null> {
    return guardPg(() => gate.getGateAccess(this.pool, sessionId));
  }
  async revokeGateAccess(email: string, at: number) {
    await this.fold();
    return guardPg(() => gate.revokeGateAccess(this.pool, email, at));
  }
  async createGateLink(link: GateLink, now: number): Promise<void> {
    await guardPg(() => gate.createGateLink(this.pool, link, now));
  }
  async redeemGateLink(tokenHash: Buffer, now: number): Promise<LinkRedemption> {
    return guardPg(() => gate.redeemGateLink(this.pool, tokenHash, now));
  }
  async claimEndedGateSessions(
    options: Parameters<typeof gate.claimEndedGateSessions>[1],
  ): Promise<EndedGateSession[]> {
    await this.fold();
    return guardPg(() => gate.claimEndedGateSessions(this.pool, options));
  }
  async claimWebhooks(options: { now: number; limit: number; leaseMs: number }): Promise<WebhookAttempt[]> {
    return guardPg(() => gate.claimWebhooks(this.pool, options));
  }
  async deleteWebhook(id: string): Promise<void> {
    await guardPg(() => gate.deleteWebhook(this.pool, id));
  }
  async rescheduleWebhook(id: string, attempt: number, retryAt: number, error: string): Promise<void> {
    await guardPg(() => gate.rescheduleWebhook(this.pool, id, attempt, retryAt, error));
  }

  // The query API, the CLI and the dashboard (QueryStore): one query per file in queries/.
  async listSessions(filter: SessionFilter, limit: number, cursor?: string): Promise<SessionPage> {
    await this.fold();
    return guardPg(() => shared.listSessions(this.db, filter, limit, cursor));
  }
  async listVisitors(visitors: VisitorQuery): Promise<VisitorList> {
    await this.foldRollups();
    return guardPg(() => query.listVisitors(this.pool, visitors));
  }
  async getStats(stats: StatsQuery): Promise<Stats> {
    if (stats.email === undefined && stats.url === undefined) await this.foldRollups();
    else await this.fold();
    return guardPg(() => shared.getStats(this.db, stats));
  }
  async getPageSections(sections: PageSectionsQuery): Promise<PageSections> {
    await this.fold();
    return guardPg(() => shared.getPageSections(this.db, sections));
  }
  async listLiveSessions(since: number, limit: number): Promise<LiveSession[]> {
    await this.fold();
    return guardPg(() => shared.listLiveSessions(this.db, since, limit));
  }
  async *exportSessions(
    filter: SessionFilter,
    options?: { pages?: boolean },
  ): AsyncIterable<SessionRecord[]> {
    await this.fold();
    yield* guardEachPg(query.exportSessions(this.pool, filter, options));
  }
  async *exportSessionsCsv(filter: SessionFilter, context: { now: number; timeoutMs: number }) {
    await this.fold();
    yield* guardEachPg(query.exportSessionsCsv(this.pool, filter, context));
  }
  async purgeSessions(before: number): Promise<number> {
    await this.fold();
    this.directory.clear();
    return guardPg(() => query.purgeSessions(this.pool, before));
  }
  async importSessions(
    sessions: Iterable<ImportedSession>,
    onProgress?: (done: number) => void,
  ): Promise<number> {
    this.directory.clear();
    const imported = await guardPg(() => query.importSessions(this.pool, sessions, onProgress));
    // Folded now, in one go, rather than by the first query or a timer tick racing the next import.
    await this.foldRollups();
    await guardPg(() => vacuumRollups(this.pool));
    return imported;
  }

  async ping(): Promise<void> {
    await guardPg(() => this.pool.query('SELECT 1'));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.foldTimer) clearInterval(this.foldTimer);
    await this.beats.drain();
    await this.timedFold;
    // What this instance acknowledged is in the journal already; folding it now spares the next start.
    await this.fold().catch(() => {});
    await this.pool.end();
  }
}
