// The one Store, over an engine port (engine.ts). It owns what every engine shares: group commit
// and the session directory on the request path, the fold's schedule (a timer that folds each
// session's beats together when the session is due, a sweep of old journal rows, and a fold of
// everything before every read, so readers see every acknowledged beat), the mapping of "not now"
// failures to StoreUnavailableError, and who hears about folded beats and failed background folds.

import { setImmediate as nextTurn } from 'node:timers/promises';
import { GroupCommit } from './append/group-commit.ts';
import { SessionDirectory } from './append/session-directory.ts';
import { UnfoldedSessions } from './append/unfolded-sessions.ts';
import type { BreakdownQuery } from './breakdown-types.ts';
import { ColumnCache } from './breakdowns/column-cache.ts';
import type { Engine } from './engine.ts';
import { StoreUnavailableError } from './errors.ts';
import { FoldListeners } from './fold/fold-listeners.ts';
import { foldRollups } from './fold/rollup-fold.ts';
import type { EndedGateSession, GateLink, OutboxMessage } from './gate-types.ts';
import {
  buildBreakdownDay,
  dropStaleBreakdownDays,
  staleBreakdownDays,
} from './queries/build-breakdown-days.ts';
import { claimEndedGateSessions } from './queries/claim-ended-gate-sessions.ts';
import { createSession } from './queries/create-session.ts';
import { dailySalt } from './queries/daily-salt.ts';
import { exportSessions } from './queries/export-sessions.ts';
import { getGateAccess, grantGateAccess, revokeGateAccess } from './queries/gate-access.ts';
import { createGateLink, redeemGateLink } from './queries/gate-links.ts';
import { getBreakdown } from './queries/get-breakdown.ts';
import { getPageSections } from './queries/get-page-sections.ts';
import { getSession } from './queries/get-session.ts';
import { getStats } from './queries/get-stats.ts';
import { listLiveSessions } from './queries/list-live-sessions.ts';
import { listSessions } from './queries/list-sessions.ts';
import { listVisitors } from './queries/list-visitors.ts';
import { hasOriginFilter } from './queries/origin-filter.ts';
import { purgeSessions } from './queries/purge-sessions.ts';
import * as siteAccess from './queries/site-access.ts';
import * as sites from './queries/sites.ts';
import { claimWebhooks, deleteWebhook, rescheduleWebhook } from './queries/webhook-outbox.ts';
import type {
  ImportedSession,
  PageSectionsQuery,
  SessionFilter,
  StatsQuery,
  VisitorQuery,
} from './query-types.ts';
import type { NewSite, SitePatch } from './site-types.ts';
import { sql } from './sql.ts';
import type { BeatInput, BeatResult, FoldedBeat, NewSession, SessionRecord, Store } from './types.ts';

/** The timer applies the rollup deltas after this many chunks of sessions due, and at the end. */
const ROLLUPS_EVERY_CHUNKS = 4;

/** A day the background builder built waits this long before it rebuilds it (a late beat). */
const REBUILD_AFTER_MS = 10 * 60_000;

/** What the store's reads need folded first: the journal's rows, or the rollups too. */
type Freshness = 'rows' | 'rollups';

export class EngineStore<E extends Engine = Engine> implements Store {
  readonly engine: E['name'];
  private closed = false;
  private readonly directory = new SessionDirectory();
  /** Decoded breakdown columns of past days, by their count of changes (column-cache.ts). */
  private readonly breakdownColumns = new ColumnCache();
  /** The sessions this process journaled beats for that are not folded yet (issue #26). */
  private readonly unfolded = new UnfoldedSessions();
  private readonly listeners = new FoldListeners();
  private readonly failureListeners = new Set<(error: unknown) => void>();
  private readonly appendListeners = new Set<(count: number) => void>();
  private readonly beats: GroupCommit<BeatInput, BeatResult>;
  private timer: NodeJS.Timeout | null = null;
  private backgroundFold: Promise<number> | null = null;

  constructor(protected readonly port: E) {
    this.engine = port.name;
    this.beats = new GroupCommit({
      apply: (beats) => this.append(beats),
      concurrency: port.appendConcurrency,
    });
  }

  async now(): Promise<number> {
    return this.guard(async () => {
      const [row] = await this.port.db.all<{ now: number }>(sql`SELECT ${this.port.nowSql()} AS now`);
      return Number(row!.now);
    });
  }

  async migrate(): Promise<void> {
    await this.guard(() => this.port.migrate());
    if (this.timer || this.closed) return;
    // Whatever an earlier run left journaled is folded before the first request is served.
    await this.fold();
    if (this.port.schedule.everyMs > 0) {
      this.timer = setInterval(() => void this.startBackgroundFold(), this.port.schedule.everyMs);
      this.timer.unref();
    }
  }

  // The request path.

  createSession(session: NewSession): Promise<{ startedAt: number }> {
    return this.guard(() => createSession(this.port.db, this.port.nowSql(), session));
  }

  recordBeat(beat: BeatInput): Promise<BeatResult> {
    if (this.closed) return Promise.reject(new StoreUnavailableError('the store is closing'));
    return this.beats.submit(beat);
  }

  /** One batch (group-commit.ts answers each beat after its commit). */
  private async append(beats: BeatInput[]): Promise<BeatResult[]> {
    try {
      const { results, journaled } = await this.guard(() => this.port.appendBeats(beats, this.directory));
      this.unfolded.note(journaled);
      if (journaled.length > 0) {
        for (const listener of this.appendListeners) {
          try {
            listener(journaled.length);
          } catch {
            // The beats are committed: a listener's failure is not the append's.
          }
        }
      }
      return results;
    } catch (error) {
      // The batch may not be journaled: the directory may remember beats that are not.
      this.directory.clear();
      throw error;
    }
  }

  dailySalt(day: string): Promise<Buffer> {
    return this.guard(() => dailySalt(this.port.db, day));
  }

  // The fold.

  /**
   * Folds every beat acknowledged so far (on whichever instance appended it), waiting for a fold in
   * progress elsewhere. Every read calls it first; an empty journal costs one cheap read.
   */
  async fold(): Promise<number> {
    return this.guard(async () => {
      // Every beat noted up to now is committed, so this fold takes it.
      const started = this.port.localNow();
      // An empty journal (a quiet server's usual case for a read) costs this one cheap query.
      const [journal] = await this.port.db.all<{ found: number | boolean }>(
        sql`SELECT EXISTS (SELECT 1 FROM beat_journal) AS found`,
      );
      let total = 0;
      if (journal?.found) {
        // Each session's beats together (a session that beat ten times since its last fold is one
        // set of row writes), a chunk of sessions per transaction; then whatever was appended
        // meanwhile, oldest first.
        const sessions = await this.port.journaledSessions();
        const perChunk = Math.max(1, Math.floor(this.port.schedule.chunk / 4));
        for (let i = 0; i < sessions.length; i += perChunk) {
          total += (await this.foldSessions(sessions.slice(i, i + perChunk), true)).count;
        }
      }
      while (journal?.found) {
        const chunk = await this.port.foldChunk(this.port.schedule.chunk, true);
        if (!chunk) break;
        total += chunk.count;
        this.listeners.emit(chunk.folded);
        if (chunk.count < this.port.schedule.chunk) break;
      }
      this.unfolded.forgetUpTo(started);
      return total;
    });
  }

  /**
   * Runs the timer's fold now (or after the one in progress): the sessions due, the sweep, the
   * rollups. Tests use it to step the schedule; a failure goes to the onBackgroundError listeners.
   */
  async foldDue(): Promise<number> {
    while (this.backgroundFold) await this.backgroundFold;
    return this.startBackgroundFold();
  }

  /** The timer's fold, unless one is running (it reports its failures instead of throwing them). */
  private startBackgroundFold(): Promise<number> {
    this.backgroundFold ??= this.foldInBackground().finally(() => {
      this.backgroundFold = null;
    });
    return this.backgroundFold;
  }

  /** Folds the journal, then the rollup deltas it left: what a read of the rollups needs. */
  async foldRollups(): Promise<number> {
    await this.fold();
    return this.guard(() => foldRollups(this.port.db, this.port.rollups, true));
  }

  onFolded(listener: (beats: FoldedBeat[]) => void): () => void {
    return this.listeners.add(listener);
  }

  onAppended(listener: (count: number) => void): () => void {
    this.appendListeners.add(listener);
    return () => this.appendListeners.delete(listener);
  }

  onBackgroundError(listener: (error: unknown) => void): () => void {
    this.failureListeners.add(listener);
    return () => this.failureListeners.delete(listener);
  }

  /**
   * The timer's fold (issue #26): the sessions due (ended, quiet, or holding a beat older than the
   * schedule's maxAgeMs; unfolded-sessions.ts), each session's beats together, in small chunks,
   * each its own transaction, with the event loop free between them, so requests never wait behind
   * more than one; then the sweep, which folds journal rows older than sweepAfterMs whoever appended
   * them; then the rollup deltas. A session another instance is folding is kept for the next tick.
   * A failure (a full disk, the database down) leaves the beats journaled for the next fold or
   * read, and is reported to the onBackgroundError listeners (the server logs and counts it).
   */
  private async foldInBackground(): Promise<number> {
    const { backgroundChunk, sweepAfterMs } = this.port.schedule;
    let total = 0;
    const now = this.port.localNow();
    const due = this.unfolded.takeDue(now, this.port.schedule);
    try {
      for (let chunks = 1; due.length > 0; chunks++) {
        if (this.closed) break;
        const chunk = due.splice(0, backgroundChunk);
        try {
          const { count, skipped } = await this.foldSessions(
            chunk.map((session) => session.pk),
            false,
          );
          total += count;
          // Those another instance is folding are kept for the next tick.
          if (skipped.length > 0) {
            const kept = new Set(skipped);
            this.unfolded.restore(chunk.filter((session) => kept.has(session.pk)));
          }
        } catch (error) {
          this.unfolded.restore(chunk);
          throw error;
        }
        await nextTurn();
        // The rollup deltas of a few chunks at a time: applied once per tick they were a stall
        // of their own (SQLite applies them on the event loop).
        if (chunks % ROLLUPS_EVERY_CHUNKS === 0) {
          await this.guard(() => foldRollups(this.port.db, this.port.rollups, false));
          await nextTurn();
        }
      }
      // The sweep, until no old row is left or all that are belong to partitions folded elsewhere.
      for (let round = 0; !this.closed && round < 100; round++) {
        const overdue = await this.guard(() =>
          this.port.overdueSessions(now - sweepAfterMs, backgroundChunk),
        );
        if (overdue.length === 0) break;
        const { count, skipped } = await this.foldSessions(overdue, false);
        total += count;
        if (skipped.length === overdue.length) break;
        await nextTurn();
      }
      const deltas = await this.guard(() => foldRollups(this.port.db, this.port.rollups, false));
      await this.port.afterBackgroundFold?.(deltas);
      await this.buildBreakdownsInBackground();
    } catch (error) {
      this.unfolded.restore(due);
      for (const listener of this.failureListeners) {
        try {
          listener(error);
        } catch {
          // A listener's own failure must not stop the timer; the fold's failure was reported.
        }
      }
    }
    return total;
  }

  /**
   * Folds the journaled beats of the sessions `pks` and tells the listeners (the live view, the
   * beat metrics) what it credited: a read's fold, the timer's sessions due and its sweep alike.
   */
  private async foldSessions(pks: readonly number[], wait: boolean) {
    const result = await this.guard(() => this.port.foldSessions(pks, wait));
    this.listeners.emit(result.folded);
    return result;
  }

  /**
   * Builds the breakdown columns of past days whose columns are missing or stale (a late beat, an
   * upgrade, an import), latest first, until `limit` days or `budgetMs` of work; returns how many it
   * built. Reads are exact without them (they read a stale day's sessions), only slower. Today (in
   * each site's time zone) is left to its sessions: it still beats.
   */
  async buildBreakdowns(
    options: {
      limit?: number;
      budgetMs?: number;
      includeToday?: boolean;
      background?: boolean;
      /** Sessions read per query (the engine's backgroundPageRows unless a test sets it). */
      pageRows?: number;
    } = {},
  ) {
    const { limit = Number.MAX_SAFE_INTEGER, budgetMs = Number.POSITIVE_INFINITY } = options;
    const pageRows = options.pageRows ?? this.port.backgroundPageRows;
    // The rollup deltas only, not the journal: folding every session each second would undo the
    // coalescing (issue #26). Beats folded later bump their day's count, so nothing is missed. The
    // timer has just applied them when it builds.
    if (!options.background) await this.guard(() => foldRollups(this.port.db, this.port.rollups, true));
    const started = performance.now();
    const now = await this.now();
    const includeToday = options.includeToday ?? false;
    let built = 0;
    // A day that took a beat while it was built is stale again: the next call rebuilds it. In the
    // background, a day this process built in the last REBUILD_AFTER_MS waits too: yesterday keeps
    // taking beats for a while after midnight, and rebuilding it each second would cost a busy site
    // a day's build per second for nothing (reads of a stale day are exact, from its sessions).
    const done = new Set<string>();
    if (options.background) {
      for (const [key, at] of this.breakdownBuiltAt) {
        if (started - at < REBUILD_AFTER_MS) done.add(key);
        else this.breakdownBuiltAt.delete(key);
      }
    }
    while (built < limit && performance.now() - started < budgetMs) {
      const stale = await this.guard(() =>
        staleBreakdownDays(this.port.db, {
          now,
          includeToday,
          limit: Math.min(limit - built, 64) + done.size,
        }),
      );
      const days = stale.filter(({ site, day }) => !done.has(`${site}:${day}`));
      if (days.length === 0) break;
      for (const { site, day } of days) {
        done.add(`${site}:${day}`);
        this.breakdownBuiltAt.set(`${site}:${day}`, performance.now());
        await this.guard(() => buildBreakdownDay(this.port.db, site, day, pageRows));
        built++;
        if (performance.now() - started >= budgetMs) break;
        await nextTurn();
      }
    }
    return built;
  }

  private lastBreakdownBuild = 0;
  /** When this process last built each site's day (`site:day`), for REBUILD_AFTER_MS. */
  private readonly breakdownBuiltAt = new Map<string, number>();

  /** At most one short burst a second, so requests never wait long behind the builder. */
  private async buildBreakdownsInBackground(): Promise<void> {
    if (Date.now() - this.lastBreakdownBuild < 1_000) return;
    this.lastBreakdownBuild = Date.now();
    await this.buildBreakdowns({ limit: 8, budgetMs: 50, background: true });
  }

  // Reads: each folds what it reads first.

  private async read<T>(freshness: Freshness, query: () => Promise<T>): Promise<T> {
    if (freshness === 'rollups') await this.foldRollups();
    else await this.fold();
    return this.guard(query);
  }

  getSession(id: string) {
    return this.read('rows', () => getSession(this.port.db, id));
  }
  listSessions(filter: SessionFilter, limit: number, cursor?: string) {
    return this.read('rows', () => listSessions(this.port.db, filter, limit, cursor));
  }
  listVisitors(query: VisitorQuery) {
    return this.read('rollups', () => listVisitors(this.port.db, query));
  }
  getStats(query: StatsQuery) {
    // Filtered stats read the sessions themselves; the rest reads the rollups.
    const filtered = query.email !== undefined || query.url !== undefined || hasOriginFilter(query.origin);
    return this.read(filtered ? 'rows' : 'rollups', () => getStats(this.port.db, query));
  }
  getBreakdown(query: BreakdownQuery) {
    // Folded to the rollups: a day's segment is current only if its rollup count says so.
    return this.read('rollups', () => getBreakdown(this.port.db, query, this.breakdownColumns));
  }
  getPageSections(query: PageSectionsQuery) {
    return this.read('rows', () => getPageSections(this.port.db, query));
  }
  listLiveSessions(since: number, limit: number, site?: number) {
    return this.read('rows', () => listLiveSessions(this.port.db, since, limit, site));
  }
  async *exportSessions(
    filter: SessionFilter,
    options?: { pages?: boolean },
  ): AsyncIterable<SessionRecord[]> {
    await this.fold();
    yield* this.guardEach(exportSessions(this.port.db, filter, options));
  }
  async *exportSessionsCsv(filter: SessionFilter, context: { now: number; timeoutMs: number }) {
    await this.fold();
    yield* this.guardEach(this.port.exportSessionsCsv(filter, context)[Symbol.asyncIterator]());
  }

  // Bulk writes.

  async purgeSessions(before: number): Promise<number> {
    // Folded first: a purge may delete rows that pending beats and rollup deltas still point at.
    await this.foldRollups();
    this.directory.clear();
    const purged = await this.guard(() => purgeSessions(this.port.db, before));
    await this.dropStaleBreakdowns();
    return purged;
  }

  async importSessions(sessions: Iterable<ImportedSession>, onProgress?: (done: number) => void) {
    await this.fold();
    this.directory.clear();
    const imported = await this.guard(() => this.port.importSessions(sessions, onProgress));
    // Folded now, in one go, rather than by the first query or a timer tick racing the next import.
    await this.foldRollups();
    return imported;
  }

  // The email gate (GateStore).

  grantGateAccess(
    grant: { sessionId: string; email: string; issuedAt: number; expiresAt: number },
    announce?: OutboxMessage,
  ) {
    return this.guard(() => grantGateAccess(this.port.db, grant, announce));
  }
  getGateAccess(sessionId: string) {
    return this.guard(() => getGateAccess(this.port.db, sessionId));
  }
  async revokeGateAccess(email: string, at: number) {
    await this.fold();
    return this.guard(() => revokeGateAccess(this.port.db, email, at));
  }
  createGateLink(link: GateLink, now: number) {
    return this.guard(() => createGateLink(this.port.db, link, now));
  }
  redeemGateLink(tokenHash: Buffer, now: number) {
    return this.guard(() => redeemGateLink(this.port.db, tokenHash, now));
  }
  async claimEndedGateSessions(options: {
    now: number;
    timeoutMs: number;
    announce?: (session: EndedGateSession) => OutboxMessage;
  }) {
    await this.fold();
    return this.guard(() => claimEndedGateSessions(this.port.db, options));
  }
  claimWebhooks(options: { now: number; limit: number; leaseMs: number }) {
    return this.guard(() => claimWebhooks(this.port.db, options));
  }
  deleteWebhook(id: string) {
    return this.guard(() => deleteWebhook(this.port.db, id));
  }
  rescheduleWebhook(id: string, attempt: number, retryAt: number, error: string) {
    return this.guard(() => rescheduleWebhook(this.port.db, id, attempt, retryAt, error));
  }

  // Sites (SiteStore): small tables, read through the server's cache of them.

  listSites() {
    return this.guard(() => sites.listSites(this.port.db));
  }
  siteVersion() {
    return this.guard(() => sites.siteVersion(this.port.db));
  }
  createSite(site: NewSite, now: number) {
    return this.guard(() => sites.createSite(this.port.db, site, now));
  }
  async updateSite(id: string, patch: SitePatch, now: number) {
    // Folded first: a new time zone moves sessions between days, and pending beats should move too.
    if (patch.timeZone !== undefined) await this.fold();
    return this.guard(() => sites.updateSite(this.port.db, id, patch, now));
  }
  async deleteSite(id: string) {
    await this.foldRollups();
    this.directory.clear();
    const deleted = await this.guard(() => sites.deleteSite(this.port.db, id));
    await this.dropStaleBreakdowns();
    return deleted;
  }
  /** What a purge deleted leaves the breakdown segments too, not only when they are rebuilt. */
  private async dropStaleBreakdowns(): Promise<void> {
    await this.foldRollups();
    await this.guard(() => dropStaleBreakdownDays(this.port.db));
    this.breakdownColumns.clear();
  }
  countSiteSessions(site: number) {
    return this.read('rows', () => sites.countSiteSessions(this.port.db, site));
  }
  createSiteToken(token: { id: string; site: number; name: string; tokenHash: Buffer }, now: number) {
    return this.guard(() => siteAccess.createSiteToken(this.port.db, token, now));
  }
  listSiteTokens(site: number) {
    return this.guard(() => siteAccess.listSiteTokens(this.port.db, site));
  }
  revokeSiteToken(site: number, id: string) {
    return this.guard(() => siteAccess.revokeSiteToken(this.port.db, site, id));
  }
  useSiteToken(tokenHash: Buffer, now: number) {
    return this.guard(() => siteAccess.useSiteToken(this.port.db, tokenHash, now));
  }
  createShareLink(
    link: { id: string; site: number; name: string; secretHash: Buffer; passwordHash: string | null },
    now: number,
  ) {
    return this.guard(() => siteAccess.createShareLink(this.port.db, link, now));
  }
  listShareLinks(site: number) {
    return this.guard(() => siteAccess.listShareLinks(this.port.db, site));
  }
  revokeShareLink(site: number, id: string) {
    return this.guard(() => siteAccess.revokeShareLink(this.port.db, site, id));
  }
  useShareLink(secretHash: Buffer, now: number) {
    return this.guard(() => siteAccess.useShareLink(this.port.db, secretHash, now));
  }
  recordDeclinedHost(host: string, count: number, now: number) {
    return this.guard(() => siteAccess.recordDeclinedHost(this.port.db, host, count, now));
  }
  listDeclinedHosts(since: number, limit: number) {
    return this.guard(() => siteAccess.listDeclinedHosts(this.port.db, since, limit));
  }

  forgetDeclinedHosts(before: number) {
    return this.guard(() => siteAccess.forgetDeclinedHosts(this.port.db, before));
  }

  // Life cycle.

  async ping(): Promise<void> {
    await this.guard(() => this.port.db.all(sql`SELECT 1`));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.beats.drain();
    await this.backgroundFold;
    // What this instance acknowledged is journaled already: folding it now only spares the next
    // start the work, so a failure here (the database gone) loses nothing and is not an error.
    await this.fold().catch(() => {});
    await this.port.close();
  }

  /** Runs `work`, turning the engine's "not now" failures into StoreUnavailableError. */
  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof StoreUnavailableError || !this.port.isUnavailable(error)) throw error;
      throw new StoreUnavailableError(`database unavailable (${(error as Error).message})`, { cause: error });
    }
  }

  /** Yields what `items` yields, each step guarded (the exports). */
  private async *guardEach<T>(items: AsyncIterator<T>): AsyncGenerator<T> {
    for (;;) {
      const next = await this.guard(() => items.next());
      if (next.done) return;
      yield next.value;
    }
  }
}
