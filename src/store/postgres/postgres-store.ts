// The PostgreSQL engine: several stateless Dwell instances share one database. Same semantics as
// SQLite, and group commit too: beats queued in one event-loop turn are applied in one transaction
// with one statement per table. Elapsed time comes from the database's clock, so instances with
// skewed clocks cannot over-credit.

import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { AccountingRules } from '../../accounting/credit-beat.ts';
import { planBeat, type SessionRow } from '../beat-plan.ts';
import { StoreUnavailableError } from '../errors.ts';
import type { BeatInput, BeatResult, NewSession, SessionDetail } from '../types.ts';
import { migrations } from './migrations.ts';
import { createPool, guardPg, type PoolOptions } from './pool.ts';

const CLOCK = '(extract(epoch FROM clock_timestamp()) * 1000)::bigint';
/** Batches in flight at once; each holds one pooled connection for its transaction. */
const MAX_CONCURRENT_BATCHES = 4;

interface PendingBeat {
  beat: BeatInput;
  resolve: (result: BeatResult) => void;
  reject: (error: unknown) => void;
}

interface RawRow {
  pk: number;
  id: string;
  token_hash: Buffer | null;
  cookie_only: boolean;
  started_at: number;
  last_activity_at: number;
  ended_at: number | null;
  engaged_ms: number;
  last_seq: number;
  beats: number;
  current_url: string | null;
  span_url: string | null;
  span_start: number | null;
  span_end: number | null;
}

export interface PostgresStoreOptions extends PoolOptions {
  rules: AccountingRules;
}

export class PostgresStore {
  readonly engine = 'postgres' as const;
  readonly pool: pg.Pool;
  private readonly rules: AccountingRules;
  private readonly schema: string | undefined;
  private queue: PendingBeat[] = [];
  private inFlight = 0;
  private scheduled = false;
  private closed = false;
  private readonly drained = new Set<() => void>();

  constructor(options: PostgresStoreOptions) {
    this.pool = createPool(options);
    this.rules = options.rules;
    this.schema = options.schema;
  }

  async now(): Promise<number> {
    return guardPg(
      async () => (await this.pool.query<{ now: number }>(`SELECT ${CLOCK} AS now`)).rows[0]!.now,
    );
  }

  async migrate(): Promise<void> {
    await guardPg(async () => {
      const client = await this.pool.connect();
      try {
        if (this.schema) await client.query(`CREATE SCHEMA IF NOT EXISTS "${this.schema.replace(/"/g, '')}"`);
        await client.query('BEGIN');
        // Two instances starting together: one migrates, the other waits and finds nothing to do.
        await client.query("SELECT pg_advisory_xact_lock(hashtext('dwell_migrations'))");
        await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
          version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`);
        const applied = new Set(
          (await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map(
            (r) => r.version,
          ),
        );
        for (const migration of migrations) {
          if (applied.has(migration.version)) continue;
          await client.query(migration.sql);
          await client.query(
            `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, ${CLOCK})`,
            [migration.version, migration.name],
          );
        }
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    });
  }

  async createSession(session: NewSession): Promise<{ startedAt: number }> {
    return guardPg(async () => {
      const { rows } = await this.pool.query<{ started_at: number }>(
        `INSERT INTO sessions (id, token_hash, cookie_only, started_at, last_activity_at, email, visitor_id,
           entry_url, referrer, screen, lang, current_url)
         VALUES ($1, $2, $3, ${CLOCK}, ${CLOCK}, $4, $5, $6, $7, $8, $9, $6)
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
    return new Promise((resolve, reject) => {
      this.queue.push({ beat, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.queue.length === 0 || this.inFlight >= MAX_CONCURRENT_BATCHES) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    this.inFlight++;
    try {
      const results = await guardPg(() => this.applyBatchWithRetry(batch.map((p) => p.beat)));
      for (const [i, pending] of batch.entries()) pending.resolve(results[i]!);
    } catch (error) {
      for (const pending of batch) pending.reject(error);
    } finally {
      this.inFlight--;
      if (this.inFlight === 0 && this.queue.length === 0) for (const done of this.drained) done();
      this.schedule();
    }
  }

  private async applyBatchWithRetry(beats: BeatInput[]): Promise<BeatResult[]> {
    try {
      return await this.applyBatch(beats);
    } catch (error) {
      // Two instances locking the same sessions: PostgreSQL picks a victim; running it again is safe.
      if ((error as { code?: string }).code === '40P01') return this.applyBatch(beats);
      throw error;
    }
  }

  private async applyBatch(beats: BeatInput[]): Promise<BeatResult[]> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const ids = [...new Set(beats.map((b) => b.sessionId))];
      // Rows are locked in primary-key order, so concurrent batches never deadlock each other.
      const { rows } = await client.query<RawRow & { now: number }>(
        `SELECT ${CLOCK} AS now, pk, id, token_hash, cookie_only, started_at, last_activity_at, ended_at, engaged_ms,
           last_seq, beats, current_url, span_url, span_start, span_end
         FROM sessions WHERE id = ANY($1::text[]) ORDER BY pk FOR UPDATE`,
        [ids],
      );
      const now =
        rows[0]?.now ?? (await client.query<{ now: number }>(`SELECT ${CLOCK} AS now`)).rows[0]!.now;
      const sessions = new Map<string, SessionRow>(rows.map((raw) => [raw.id, toSessionRow(raw)]));
      const touched = new Map<number, SessionRow>();
      const spans: { pk: number; url: string | null; start: number; end: number }[] = [];
      const pages = new Map<string, { pk: number; url: string; creditedMs: number; scroll: number | null }>();

      const results = beats.map((beat) => {
        const row = sessions.get(beat.sessionId);
        const plan = planBeat(row, beat, now, this.rules);
        if (!row) return plan.result;
        if (plan.session) {
          const next: SessionRow = { ...row, ...plan.session };
          sessions.set(beat.sessionId, next);
          touched.set(row.pk, next);
        }
        if (plan.closedSpan) spans.push({ pk: row.pk, ...plan.closedSpan });
        if (plan.page) {
          // One upsert row per (session, page): ON CONFLICT cannot touch a row twice in a statement.
          const key = `${row.pk}\u0000${plan.page.url}`;
          const previous = pages.get(key);
          pages.set(key, {
            pk: row.pk,
            url: plan.page.url,
            creditedMs: (previous?.creditedMs ?? 0) + plan.page.creditedMs,
            scroll: maxOrNull(previous?.scroll ?? null, plan.page.scroll),
          });
        }
        return plan.result;
      });

      if (touched.size > 0) await updateSessions(client, [...touched.entries()]);
      if (spans.length > 0) {
        await client.query(
          'INSERT INTO spans (session_pk, url, start_at, end_at) SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::bigint[])',
          [
            spans.map((s) => s.pk),
            spans.map((s) => s.url),
            spans.map((s) => s.start),
            spans.map((s) => s.end),
          ],
        );
      }
      if (pages.size > 0) {
        const list = [...pages.values()];
        await client.query(
          `INSERT INTO session_pages (session_pk, url, engaged_ms, max_scroll)
           SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::real[])
           ON CONFLICT (session_pk, url) DO UPDATE SET
             engaged_ms = session_pages.engaged_ms + excluded.engaged_ms,
             max_scroll = GREATEST(session_pages.max_scroll, excluded.max_scroll)`,
          [
            list.map((p) => p.pk),
            list.map((p) => p.url),
            list.map((p) => p.creditedMs),
            list.map((p) => p.scroll),
          ],
        );
      }
      await client.query('COMMIT');
      return results;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  async getSession(id: string): Promise<SessionDetail | null> {
    return guardPg(async () => {
      const { rows } = await this.pool.query('SELECT * FROM sessions WHERE id = $1', [id]);
      const raw = rows[0];
      if (!raw) return null;
      const pages = await this.pool.query<{ url: string; engaged_ms: number; max_scroll: number | null }>(
        'SELECT url, engaged_ms, max_scroll FROM session_pages WHERE session_pk = $1 ORDER BY engaged_ms DESC, url',
        [raw.pk],
      );
      const spans = await this.pool.query<{ url: string | null; start_at: number; end_at: number }>(
        'SELECT url, start_at, end_at FROM spans WHERE session_pk = $1 ORDER BY start_at',
        [raw.pk],
      );
      const timeline = spans.rows.map((s) => ({ url: s.url, start: s.start_at, end: s.end_at }));
      if (raw.span_start !== null)
        timeline.push({ url: raw.span_url, start: raw.span_start, end: raw.span_end ?? raw.span_start });
      return {
        id: raw.id,
        startedAt: raw.started_at,
        lastActivityAt: raw.last_activity_at,
        endedAt: raw.ended_at,
        engagedMs: raw.engaged_ms,
        lastSeq: raw.last_seq,
        beats: raw.beats,
        email: raw.email,
        visitorId: raw.visitor_id,
        entryUrl: raw.entry_url,
        referrer: raw.referrer,
        screen: raw.screen,
        lang: raw.lang,
        currentUrl: raw.current_url,
        pages: pages.rows.map((p) => ({ url: p.url, engagedMs: p.engaged_ms, maxScroll: p.max_scroll })),
        timeline,
      };
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

  async ping(): Promise<void> {
    await guardPg(() => this.pool.query('SELECT 1'));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.inFlight > 0 || this.queue.length > 0) {
      this.schedule();
      await new Promise<void>((resolve) => this.drained.add(resolve));
    }
    await this.pool.end();
  }
}

function toSessionRow(raw: RawRow): SessionRow {
  return {
    pk: raw.pk,
    tokenHash: raw.token_hash,
    cookieOnly: raw.cookie_only,
    startedAt: raw.started_at,
    lastActivityAt: raw.last_activity_at,
    endedAt: raw.ended_at,
    engagedMs: raw.engaged_ms,
    lastSeq: raw.last_seq,
    beats: raw.beats,
    currentUrl: raw.current_url,
    openSpan:
      raw.span_start === null
        ? null
        : { url: raw.span_url, start: raw.span_start, end: raw.span_end ?? raw.span_start },
  };
}

async function updateSessions(client: pg.PoolClient, rows: [number, SessionRow][]): Promise<void> {
  const column = <T>(pick: (row: SessionRow) => T) => rows.map(([, row]) => pick(row));
  await client.query(
    `UPDATE sessions AS s SET last_activity_at = u.last_activity_at, ended_at = u.ended_at, engaged_ms = u.engaged_ms,
       last_seq = u.last_seq, beats = u.beats, current_url = u.current_url,
       span_url = u.span_url, span_start = u.span_start, span_end = u.span_end
     FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::int[], $7::text[],
       $8::text[], $9::bigint[], $10::bigint[])
       AS u(pk, last_activity_at, ended_at, engaged_ms, last_seq, beats, current_url, span_url, span_start, span_end)
     WHERE s.pk = u.pk`,
    [
      rows.map(([pk]) => pk),
      column((r) => r.lastActivityAt),
      column((r) => r.endedAt),
      column((r) => r.engagedMs),
      column((r) => r.lastSeq),
      column((r) => r.beats),
      column((r) => r.currentUrl),
      column((r) => r.openSpan?.url ?? null),
      column((r) => r.openSpan?.start ?? null),
      column((r) => r.openSpan?.end ?? null),
    ],
  );
}

function maxOrNull(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}
