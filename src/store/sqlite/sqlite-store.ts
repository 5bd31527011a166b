// The SQLite engine: one file, WAL, and group commit. A beat's request only authenticates it and
// appends it to the journal (beats arriving in the same event-loop turn share one transaction);
// the fold (fold.ts) credits journaled beats into sessions, pages and spans a moment later, and
// before every read, so readers see every acknowledged beat.

import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { AccountingRules } from '../../accounting/credit-beat.ts';
import { type AuthRow, authorizeBeat } from '../beat-plan.ts';
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
import { journalValues } from '../journal.ts';
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
import { Checkpointer, type CheckpointOptions } from './checkpointer.ts';
import { SqliteDb } from './db.ts';
import { createChunkFold, FOLD_CHUNK } from './fold.ts';
import * as gate from './gate.ts';
import { applyMigrations, openDatabase, type SqliteOptions } from './open.ts';
import * as query from './queries/index.ts';
import { RollupFolder } from './rollup-fold.ts';
import { prepareStatements, type Statements } from './statements.ts';

/**
 * How often the journal is folded when nobody reads. Short, so each fold is small (a stall of a
 * few ms on the event loop) and the live view stays well within a second.
 */
const FOLD_EVERY_MS = 100;
/** Beats per chunk of the timer's fold: a few milliseconds of work between two turns of the loop. */
const BACKGROUND_CHUNK = 256;

export interface SqliteStoreOptions extends SqliteOptions {
  rules: AccountingRules;
  clock?: () => number;
  /** The WAL checkpoints' pace (checkpointer.ts); the defaults suit a server. */
  checkpoint?: CheckpointOptions;
  /** Beats per fold transaction (fold.ts); the property tests vary it. */
  foldChunk?: number /** How often the journal is folded when nobody reads; 0: only on reads and fold() (tests). */;
  foldEveryMs?: number;
}

export class SqliteStore implements Store {
  readonly engine = 'sqlite' as const;
  readonly db: Database.Database;
  private readonly rules: AccountingRules;
  private readonly clock: () => number;
  private statements: Statements | null = null;
  private readonly beats = new GroupCommit<BeatInput, BeatResult>({
    apply: (beats) => this.appendAll(beats),
  });
  private closed = false;
  private checkpointer: Checkpointer | null = null;
  private rollups: RollupFolder | null = null;
  private foldTimer: NodeJS.Timeout | null = null;
  private backgroundFold = false;
  private readonly path: string;
  private readonly checkpointOptions: CheckpointOptions | undefined;
  private readonly listeners = new FoldListeners();
  private readonly directory = new SessionDirectory();
  /** The shared queries' way in (sql.ts). */
  private readonly queries: SqliteDb;
  private readonly chunk: number;
  private readonly foldEveryMs: number;
  /** Appends a batch of beats in one transaction; built once, it runs for every flush. */
  private appendBatch: ((beats: BeatInput[]) => BeatResult[]) | null = null;
  private foldChunk: ((limit: number) => { count: number; folded: FoldedBeat[] }) | null = null;

  constructor(options: SqliteStoreOptions) {
    this.db = openDatabase(options);
    this.queries = new SqliteDb(this.db);
    this.path = options.path;
    this.checkpointOptions = options.checkpoint;
    this.rules = options.rules;
    this.clock = options.clock ?? Date.now;
    this.chunk = options.foldChunk ?? FOLD_CHUNK;
    this.foldEveryMs = options.foldEveryMs ?? FOLD_EVERY_MS;
  }

  async now(): Promise<number> {
    return this.clock();
  }

  async migrate(): Promise<void> {
    guard(() => applyMigrations(this.db));
    this.statements = prepareStatements(this.db);
    if (this.path !== ':memory:' && !this.checkpointer)
      this.checkpointer = new Checkpointer(this.db, this.path, this.checkpointOptions);
    if (!this.rollups) {
      this.rollups = new RollupFolder(this.db);
      this.foldNow();
      if (this.foldEveryMs > 0) {
        this.foldTimer = setInterval(() => this.foldInBackground(), this.foldEveryMs);
        this.foldTimer.unref();
      }
    }
  }

  /**
   * Folds the whole journal (fold.ts), then the rollup deltas it left (rollup-fold.ts). Every read
   * calls it first; it is synchronous, so nothing can append in between.
   */
  foldNow(): number {
    return guard(() => {
      this.foldChunk ??= createChunkFold(this.db, this.sql, this.rules);
      let total = 0;
      for (;;) {
        const { count, folded } = this.foldChunk(this.chunk);
        if (count === 0) break;
        total += count;
        this.listeners.emit(folded);
        if (count < this.chunk) break;
      }
      this.rollups?.foldPending();
      return total;
    });
  }

  /**
   * The timer's fold: small chunks, each its own transaction, with the event loop free between
   * them, so requests never wait behind more than one chunk (the p99 of the beat route). A failed
   * fold (a full disk) leaves the beats journaled for the next one or the next read.
   */
  private foldInBackground(): void {
    if (this.backgroundFold || this.closed) return;
    this.backgroundFold = true;
    const step = () => {
      try {
        this.foldChunk ??= createChunkFold(this.db, this.sql, this.rules);
        const { count, folded } = guard(() => this.foldChunk!(BACKGROUND_CHUNK));
        this.listeners.emit(folded);
        if (count === BACKGROUND_CHUNK && !this.closed) {
          setImmediate(step);
          return;
        }
        this.foldRollups();
      } catch {}
      this.backgroundFold = false;
    };
    step();
  }

  async fold(): Promise<number> {
    return this.foldNow();
  }

  onFolded(listener: (beats: FoldedBeat[]) => void): () => void {
    return this.listeners.add(listener);
  }

  /** The rollup deltas alone (the rollup property tests fold them separately). */
  foldRollups(): number {
    return guard(() => this.rollups?.foldPending() ?? 0);
  }

  private get sql(): Statements {
    if (!this.statements) this.statements = prepareStatements(this.db);
    return this.statements;
  }

  async createSession(session: NewSession): Promise<{ startedAt: number }> {
    const startedAt = this.clock();
    guard(() =>
      this.sql.insertSession.run({
        id: session.id,
        tokenHash: session.tokenHash,
        cookieOnly: session.cookieOnly ? 1 : 0,
        startedAt,
        email: session.email,
        visitorId: session.visitorId,
        entryUrl: session.entryUrl,
        referrer: session.referrer,
        screen: session.screen,
        lang: session.lang,
      }),
    );
    return { startedAt };
  }

  recordBeat(beat: BeatInput): Promise<BeatResult> {
    if (this.closed) return Promise.reject(new StoreUnavailableError('the store is closing'));
    return this.beats.submit(beat);
  }

  /** Appends a batch of beats in one transaction (group-commit.ts answers each after the commit). */
  private appendAll(beats: BeatInput[]): BeatResult[] {
    this.appendBatch ??= this.db.transaction((all: BeatInput[]) => {
      const now = this.clock();
      return all.map((beat) => this.append(beat, now));
    }).immediate;
    const append = this.appendBatch;
    try {
      return guard(() => append(beats));
    } catch (error) {
      // The batch rolled back: the directory may remember beats that are not in the journal.
      this.directory.clear();
      throw error;
    }
  }

  /**
   * Authenticates one beat and appends it. The directory spares the row's read for a session that
   * beat recently (session-directory.ts); otherwise, or when it looks expired, the row is read.
   */
  private append(beat: BeatInput, now: number): BeatResult {
    const cached = this.directory.get(beat.sessionId);
    const fresh = cached !== undefined && now - cached.lastActivityAt <= this.rules.timeoutMs;
    const row = fresh ? cached : this.readAuthRow(beat.sessionId);
    const answer = authorizeBeat(
      row,
      beat,
      now,
      this.rules,
      () => (this.sql.lastJournaledAt.get(row?.pk) as number | null) ?? null,
    );
    if (answer.kind !== 'accepted') return answer;
    this.sql.appendBeat.run(journalValues(answer.pk, now, beat));
    row!.lastActivityAt = Math.max(row!.lastActivityAt, now);
    if (!fresh) this.directory.remember(beat.sessionId, row!);
    return { kind: 'accepted' };
  }

  private readAuthRow(id: string): AuthRow | undefined {
    const raw = this.sql.selectForAuth.get(id) as
      | Pick<SessionColumns, 'pk' | 'token_hash' | 'cookie_only' | 'last_activity_at'>
      | undefined;
    return (
      raw && {
        pk: raw.pk,
        tokenHash: raw.token_hash,
        cookieOnly: Boolean(raw.cookie_only),
        lastActivityAt: raw.last_activity_at,
      }
    );
  }

  async getSession(id: string): Promise<SessionDetail | null> {
    this.foldNow();
    return guard(() => {
      const raw = this.sql.selectSession.get(id) as SessionColumns | undefined;
      if (!raw) return null;
      return toSessionDetail(
        raw,
        this.sql.selectPages.all(raw.pk) as PageColumns[],
        this.sql.selectSpans.all(raw.pk) as SpanColumns[],
        this.sql.selectSections.all(raw.pk) as SectionColumns[],
      );
    });
  }

  async dailySalt(day: string): Promise<Buffer> {
    return guard(() =>
      this.db.transaction(() => {
        this.sql.insertSalt.run(day, randomBytes(32));
        // Yesterday's salt is deleted once today's exists: visitor keys cannot be linked across days.
        this.sql.deleteOtherSalts.run(day);
        return this.sql.selectSalt.get(day) as Buffer;
      })(),
    );
  }

  // The email gate (GateStore): see gate.ts.
  async grantGateAccess(
    grant: { sessionId: string; email: string; issuedAt: number; expiresAt: number },
    announce?: OutboxMessage,
  ) {
    return guard(() => gate.grantGateAccess(this.db, grant, announce));
  }
  async getGateAccess(sessionId: string): Promise<GateAccess | null> {
    return guard(() => gate.getGateAccess(this.db, sessionId));
  }
  async revokeGateAccess(email: string, at: number) {
    this.foldNow();
    return guard(() => gate.revokeGateAccess(this.db, email, at));
  }
  async createGateLink(link: GateLink, now: number): Promise<void> {
    guard(() => gate.createGateLink(this.db, link, now));
  }
  async redeemGateLink(tokenHash: Buffer, now: number): Promise<LinkRedemption> {
    return guard(() => gate.redeemGateLink(this.db, tokenHash, now));
  }
  async claimEndedGateSessions(
    options: Parameters<typeof gate.claimEndedGateSessions>[1],
  ): Promise<EndedGateSession[]> {
    this.foldNow();
    return guard(() => gate.claimEndedGateSessions(this.db, options));
  }
  async claimWebhooks(options: { now: number; limit: number; leaseMs: number }): Promise<WebhookAttempt[]> {
    return guard(() => gate.claimWebhooks(this.db, options));
  }
  async deleteWebhook(id: string): Promise<void> {
    guard(() => gate.deleteWebhook(this.db, id));
  }
  async rescheduleWebhook(id: string, attempt: number, retryAt: number, error: string): Promise<void> {
    guard(() => gate.rescheduleWebhook(this.db, id, attempt, retryAt, error));
  }

  // The query API, the CLI and the dashboard (QueryStore): one query per file in queries/.
  async listSessions(filter: SessionFilter, limit: number, cursor?: string): Promise<SessionPage> {
    this.foldNow();
    return guardAsync(() => shared.listSessions(this.queries, filter, limit, cursor));
  }
  async listVisitors(visitors: VisitorQuery): Promise<VisitorList> {
    this.foldNow();
    return guard(() => query.listVisitors(this.db, visitors));
  }
  async getStats(stats: StatsQuery): Promise<Stats> {
    this.foldNow();
    return guardAsync(() => shared.getStats(this.queries, stats));
  }
  async getPageSections(sections: PageSectionsQuery): Promise<PageSections> {
    this.foldNow();
    return guardAsync(() => shared.getPageSections(this.queries, sections));
  }
  async listLiveSessions(since: number, limit: number): Promise<LiveSession[]> {
    this.foldNow();
    return guardAsync(() => shared.listLiveSessions(this.queries, since, limit));
  }
  async *exportSessions(
    filter: SessionFilter,
    options?: { pages?: boolean },
  ): AsyncIterable<SessionRecord[]> {
    this.foldNow();
    const batches = query.exportSessions(this.db, filter, options);
    for (;;) {
      const next = guard(() => batches.next());
      if (next.done) return;
      yield next.value;
    }
  }
  async *exportSessionsCsv(filter: SessionFilter, context: { now: number; timeoutMs: number }) {
    this.foldNow();
    const chunks = query.exportSessionsCsv(this.db, filter, context);
    for (;;) {
      const next = guard(() => chunks.next());
      if (next.done) return;
      yield next.value;
    }
  }
  async purgeSessions(before: number): Promise<number> {
    // Folded first: a purge may delete a visitor-day row that pending deltas still point at.
    this.foldNow();
    this.directory.clear();
    return guard(() => query.purgeSessions(this.db, before));
  }
  async importSessions(
    sessions: Iterable<ImportedSession>,
    onProgress?: (done: number) => void,
  ): Promise<number> {
    this.foldNow();
    this.directory.clear();
    return guard(() => query.importSessions(this.db, sessions, onProgress));
  }

  async ping(): Promise<void> {
    guard(() => this.db.prepare('SELECT 1').get());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.beats.drain();
    if (this.foldTimer) clearInterval(this.foldTimer);
    try {
      this.foldNow();
    } catch {}
    await this.checkpointer?.stop();
    this.db.close();
  }
}

/** SQLite failures that mean "not now" (full disk, locked, I/O) become StoreUnavailableError. */
const UNAVAILABLE = /^SQLITE_(FULL|BUSY|LOCKED|IOERR|CANTOPEN|READONLY|NOMEM|PROTOCOL)/;

/** guard for the shared queries: SQLite settles their promises at once, failures included. */
async function guardAsync<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    return guard(() => {
      throw error;
    });
  }
}

function guard<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && UNAVAILABLE.test(code)) {
      throw new StoreUnavailableError(`database unavailable (${code})`, { cause: error });
    }
    if (error instanceof TypeError && /database connection is not open/.test(error.message)) {
      throw new StoreUnavailableError('database is closed', { cause: error });
    }
    throw error;
  }
}
