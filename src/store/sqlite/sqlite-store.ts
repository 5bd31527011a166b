// The SQLite engine: one file, WAL, and group commit — beats arriving in the same event-loop turn
// are applied in one transaction, and every request is answered after that transaction commits.

import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { AccountingRules } from '../../accounting/credit-beat.ts';
import { type BeatPlan, planBeat, type SessionRow } from '../beat-plan.ts';
import { StoreUnavailableError } from '../errors.ts';
import type { EndedGateSession, GateAccess, GateLink, LinkRedemption } from '../gate-types.ts';
import type {
  ImportedSession,
  LiveSession,
  SessionFilter,
  SessionPage,
  Stats,
  StatsQuery,
  VisitorList,
  VisitorQuery,
} from '../query-types.ts';
import {
  type PageColumns,
  type SessionColumns,
  type SpanColumns,
  toSessionDetail,
  toSessionRow,
} from '../session-row.ts';
import type { BeatInput, BeatResult, NewSession, SessionDetail, SessionRecord, Store } from '../types.ts';
import { Checkpointer, type CheckpointOptions } from './checkpointer.ts';
import * as gate from './gate.ts';
import { applyMigrations, openDatabase, type SqliteOptions } from './open.ts';
import * as query from './queries/index.ts';
import { RollupFolder } from './rollup-fold.ts';
import { prepareStatements, type Statements } from './statements.ts';

interface PendingBeat {
  beat: BeatInput;
  resolve: (result: BeatResult) => void;
  reject: (error: unknown) => void;
}

/** How often the beats' rollup deltas are folded when nobody reads the rollups (rollup-fold.ts). */
const FOLD_EVERY_MS = 250;

export interface SqliteStoreOptions extends SqliteOptions {
  rules: AccountingRules;
  clock?: () => number;
  /** The WAL checkpoints' pace (checkpointer.ts); the defaults suit a server. */
  checkpoint?: CheckpointOptions;
}

export class SqliteStore implements Store {
  readonly engine = 'sqlite' as const;
  readonly db: Database.Database;
  private readonly rules: AccountingRules;
  private readonly clock: () => number;
  private statements: Statements | null = null;
  private queue: PendingBeat[] = [];
  private closed = false;
  private checkpointer: Checkpointer | null = null;
  private rollups: RollupFolder | null = null;
  private foldTimer: NodeJS.Timeout | null = null;
  private readonly path: string;
  private readonly checkpointOptions: CheckpointOptions | undefined;
  /** Applies a batch of beats in one transaction; built once, it runs for every flush. */
  private readonly applyBatch: (beats: BeatInput[]) => BeatResult[];

  constructor(options: SqliteStoreOptions) {
    this.db = openDatabase(options);
    this.path = options.path;
    this.checkpointOptions = options.checkpoint;
    this.rules = options.rules;
    this.clock = options.clock ?? Date.now;
    // IMMEDIATE, so a batch waits for another connection's write (busy_timeout) instead of failing.
    this.applyBatch = this.db.transaction((all: BeatInput[]) => {
      const now = this.clock();
      return all.map((beat) => {
        const row = this.readSession(beat.sessionId);
        const plan = planBeat(row, beat, now, this.rules);
        if (row) this.writePlan(row.pk, plan);
        return plan.result;
      });
    }).immediate;
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
      this.foldRollups();
      // A failed fold (a full disk) leaves the deltas pending for the next one or the next read.
      this.foldTimer = setInterval(() => {
        try {
          this.foldRollups();
        } catch {}
      }, FOLD_EVERY_MS);
      this.foldTimer.unref();
    }
  }

  /** Applies the beats' pending rollup deltas (rollup-fold.ts); every read of the rollups does first. */
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
    return new Promise((resolve, reject) => {
      this.queue.push({ beat, resolve, reject });
      if (this.queue.length === 1) setImmediate(() => this.flush());
    });
  }

  /** Applies every queued beat in one transaction, then answers each. */
  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    let results: BeatResult[];
    try {
      results = guard(() => this.applyBatch(batch.map((p) => p.beat)));
    } catch (error) {
      for (const pending of batch) pending.reject(error);
      return;
    }
    for (const [i, pending] of batch.entries()) pending.resolve(results[i]!);
  }

  private readSession(id: string): SessionRow | undefined {
    const raw = this.sql.selectForBeat.get(id) as SessionColumns | undefined;
    return raw && toSessionRow(raw);
  }

  private writePlan(pk: number, plan: BeatPlan): void {
    const { session, closedSpan, page } = plan;
    if (session) {
      this.sql.updateAfterBeat.run({
        pk,
        lastActivityAt: session.lastActivityAt,
        endedAt: session.endedAt,
        engagedMs: session.engagedMs,
        lastSeq: session.lastSeq,
        beats: session.beats,
        currentUrl: session.currentUrl,
        spanUrl: session.openSpan?.url ?? null,
        spanStart: session.openSpan?.start ?? null,
        spanEnd: session.openSpan?.end ?? null,
      });
    }
    if (closedSpan) this.sql.insertSpan.run(pk, closedSpan.url, closedSpan.start, closedSpan.end);
    if (page) this.sql.upsertPage.run(pk, page.url, page.creditedMs, page.scroll);
  }

  async getSession(id: string): Promise<SessionDetail | null> {
    return guard(() => {
      const raw = this.sql.selectSession.get(id) as SessionColumns | undefined;
      if (!raw) return null;
      return toSessionDetail(
        raw,
        this.sql.selectPages.all(raw.pk) as PageColumns[],
        this.sql.selectSpans.all(raw.pk) as SpanColumns[],
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
  async grantGateAccess(grant: { sessionId: string; email: string; issuedAt: number; expiresAt: number }) {
    return guard(() => gate.grantGateAccess(this.db, grant));
  }
  async getGateAccess(sessionId: string): Promise<GateAccess | null> {
    return guard(() => gate.getGateAccess(this.db, sessionId));
  }
  async revokeGateAccess(email: string, at: number) {
    return guard(() => gate.revokeGateAccess(this.db, email, at));
  }
  async createGateLink(link: GateLink, now: number): Promise<void> {
    guard(() => gate.createGateLink(this.db, link, now));
  }
  async redeemGateLink(tokenHash: Buffer, now: number): Promise<LinkRedemption> {
    return guard(() => gate.redeemGateLink(this.db, tokenHash, now));
  }
  async claimEndedGateSessions(options: { now: number; timeoutMs: number }): Promise<EndedGateSession[]> {
    return guard(() => gate.claimEndedGateSessions(this.db, options));
  }

  // The query API, the CLI and the dashboard (QueryStore): one query per file in queries/.
  async listSessions(filter: SessionFilter, limit: number, cursor?: string): Promise<SessionPage> {
    return guard(() => query.listSessions(this.db, filter, limit, cursor));
  }
  async listVisitors(visitors: VisitorQuery): Promise<VisitorList> {
    this.foldRollups();
    return guard(() => query.listVisitors(this.db, visitors));
  }
  async getStats(stats: StatsQuery): Promise<Stats> {
    this.foldRollups();
    return guard(() => query.getStats(this.db, stats));
  }
  async listLiveSessions(since: number, limit: number): Promise<LiveSession[]> {
    return guard(() => query.listLiveSessions(this.db, since, limit));
  }
  async *exportSessions(
    filter: SessionFilter,
    options?: { pages?: boolean },
  ): AsyncIterable<SessionRecord[]> {
    const batches = query.exportSessions(this.db, filter, options);
    for (;;) {
      const next = guard(() => batches.next());
      if (next.done) return;
      yield next.value;
    }
  }
  async *exportSessionsCsv(filter: SessionFilter, context: { now: number; timeoutMs: number }) {
    const chunks = query.exportSessionsCsv(this.db, filter, context);
    for (;;) {
      const next = guard(() => chunks.next());
      if (next.done) return;
      yield next.value;
    }
  }
  async purgeSessions(before: number): Promise<number> {
    // Folded first: a purge may delete a visitor-day row that pending deltas still point at.
    this.foldRollups();
    return guard(() => query.purgeSessions(this.db, before));
  }
  async importSessions(
    sessions: Iterable<ImportedSession>,
    onProgress?: (done: number) => void,
  ): Promise<number> {
    return guard(() => query.importSessions(this.db, sessions, onProgress));
  }

  async ping(): Promise<void> {
    guard(() => this.db.prepare('SELECT 1').get());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.flush();
    if (this.foldTimer) clearInterval(this.foldTimer);
    try {
      this.foldRollups();
    } catch {}
    await this.checkpointer?.stop();
    this.db.close();
  }
}

/** SQLite failures that mean "not now" (full disk, locked, I/O) become StoreUnavailableError. */
const UNAVAILABLE = /^SQLITE_(FULL|BUSY|LOCKED|IOERR|CANTOPEN|READONLY|NOMEM|PROTOCOL)/;

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
