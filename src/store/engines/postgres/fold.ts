// The PostgreSQL side of the fold (fold-plan.ts). Sessions fall in 16 partitions (session_pk % 16),
// each folded under its own advisory lock, so instances fold different partitions at once (issue
// #26); a read's fold of the whole journal holds them all. A fold takes beats from the journal with
// DELETE … RETURNING (the oldest, or every beat of the sessions due), locks the sessions it
// touches, plans in TypeScript and writes sessions, spans, pages, sections and their rollup deltas
// in one statement, all in one transaction: an instance killed mid-fold leaves nothing
// half-applied, and the next fold (on any instance) takes the same beats again.

import type pg from 'pg';
import type { AccountingRules } from '../../../accounting/credit-beat.ts';
import { type JournalColumns, toJournalEntry } from '../../append/journal.ts';
import type { FoldResult } from '../../engine.ts';
import { type FoldSession, type FoldWrites, planFold } from '../../fold/fold-plan.ts';
import { pageKey, rollupDeltas, type SessionOwner } from '../../fold/rollup-deltas.ts';
import { personKey } from '../../person-key.ts';
import { type SessionColumns, toSessionRow } from '../../session-row.ts';
import { compile, postgresDialect, sql } from '../../sql.ts';
import type { FoldedBeat } from '../../types.ts';
import { withTransaction } from './connect.ts';
import { unnestAs } from './db.ts';

/** The journal's partitions of sessions (session_pk % 16): migration 18's index has the 16. */
export const PARTITIONS = 16;
const LOCK = "hashtext('dwell_journal_fold')";
/** Beats per fold transaction: large enough to coalesce, small enough to hold locks briefly. */
export const FOLD_CHUNK = 5_000;

const partitionOf = (pk: number) => pk % PARTITIONS;

/**
 * Folds one chunk of the journal's oldest beats, every partition's: it holds every partition's lock
 * (taken in order, so two of these never deadlock, and a fold of one partition elsewhere finishes
 * first). `wait` waits for other instances' folds instead of skipping (a read must see every
 * acknowledged beat). Returns null when skipped.
 */
export async function foldChunk(
  pool: pg.Pool,
  rules: AccountingRules,
  { wait, limit }: { wait: boolean; limit: number },
): Promise<FoldResult | null> {
  return withTransaction(pool, async (client) => {
    const partitions = `generate_series(0, ${PARTITIONS - 1})`;
    if (wait) await client.query(`SELECT pg_advisory_xact_lock(${LOCK}, p) FROM ${partitions} AS p`);
    else {
      const { rows } = await client.query<{ ok: boolean }>(
        `SELECT bool_and(pg_try_advisory_xact_lock(${LOCK}, p)) AS ok FROM ${partitions} AS p`,
      );
      if (!rows[0]!.ok) return null;
    }
    const { rows: raw } = await client.query<JournalColumns>({
      name: 'dwell-fold-take',
      text: `DELETE FROM beat_journal WHERE id IN (SELECT id FROM beat_journal ORDER BY id LIMIT $1) RETURNING *`,
      values: [limit],
    });
    return foldEntries(client, rules, raw);
  });
}

/**
 * Folds every journaled beat of the sessions `pks`. The timer's fold (`wait` false) takes a
 * transaction per partition under that partition's lock, starting at a random one, so two instances
 * with sessions due fold different partitions at once; a partition another instance is folding is
 * skipped (its sessions come back in `skipped`). A read's fold (`wait` true) takes the locks of
 * every partition involved in one transaction, in order, so two of them never deadlock.
 */
export async function foldSessions(
  pool: pg.Pool,
  rules: AccountingRules,
  pks: readonly number[],
  wait: boolean,
): Promise<FoldResult & { skipped: number[] }> {
  if (wait) {
    const partitions = [...new Set(pks.map(partitionOf))].sort((a, b) => a - b);
    const done = await withTransaction(pool, async (client) => {
      await client.query(`SELECT pg_advisory_xact_lock(${LOCK}, p) FROM unnest($1::int[]) AS p`, [
        partitions,
      ]);
      return foldEntries(client, rules, await takeSessions(client, pks));
    });
    return { ...done, skipped: [] };
  }
  const byPartition = new Map<number, number[]>();
  for (const pk of pks) {
    const partition = partitionOf(pk);
    const list = byPartition.get(partition);
    if (list) list.push(pk);
    else byPartition.set(partition, [pk]);
  }
  const result = { count: 0, folded: [] as FoldedBeat[], skipped: [] as number[] };
  const partitions = [...byPartition.keys()].sort((a, b) => a - b);
  const first = Math.floor(Math.random() * partitions.length);
  for (const partition of [...partitions.slice(first), ...partitions.slice(0, first)]) {
    const sessions = byPartition.get(partition)!;
    const done = await withTransaction(pool, async (client) => {
      const { rows } = await client.query<{ ok: boolean }>(
        `SELECT pg_try_advisory_xact_lock(${LOCK}, $1) AS ok`,
        [partition],
      );
      if (!rows[0]!.ok) return null;
      return foldEntries(client, rules, await takeSessions(client, sessions));
    });
    if (!done) result.skipped.push(...sessions);
    else {
      result.count += done.count;
      for (const beat of done.folded) result.folded.push(beat);
    }
  }
  return result;
}

async function takeSessions(client: pg.PoolClient, pks: readonly number[]): Promise<JournalColumns[]> {
  const { rows } = await client.query<JournalColumns>({
    name: 'dwell-fold-take-sessions',
    text: 'DELETE FROM beat_journal WHERE session_pk = ANY($1::bigint[]) RETURNING *',
    values: [pks],
  });
  return rows;
}

/**
 * Up to `limit` sessions among the journal's oldest rows with a beat older than `before` (the
 * sweep: beats no instance has in memory). Identity order is append order, close to time order.
 */
export async function overdueSessions(pool: pg.Pool, before: number, limit: number): Promise<number[]> {
  const { rows } = await pool.query<{ session_pk: string }>({
    name: 'dwell-fold-overdue',
    text: `SELECT DISTINCT session_pk FROM (SELECT session_pk, at FROM beat_journal ORDER BY id LIMIT $1) AS j
      WHERE at < $2`,
    values: [limit * 4, before],
  });
  return rows.map((r) => Number(r.session_pk));
}

/** The fold of the beats a transaction took from the journal: read, lock, plan, write. */
async function foldEntries(
  client: pg.PoolClient,
  rules: AccountingRules,
  raw: JournalColumns[],
): Promise<FoldResult> {
  if (raw.length === 0) return { count: 0, folded: [] };
  const entries = raw.map(toJournalEntry).sort((a, b) => a.id - b.id);
  const pks = [...new Set(entries.map((e) => e.sessionPk))];
  // Locked in primary-key order: a gate revocation or a purge cannot change them under the fold.
  const { rows: sessions } = await client.query<SessionColumns & { site: string; day: number }>({
    name: 'dwell-fold-read',
    text: `SELECT pk, id, token_hash, cookie_only, started_at, last_activity_at, ended_at, engaged_ms, visible_ms,
        measured, last_seq, beats, current_url, span_url, span_start, span_end, email, visitor_id, site, day
      FROM sessions WHERE pk = ANY($1::bigint[]) ORDER BY pk FOR UPDATE`,
    values: [pks],
  });
  // The pages these sessions had: time added to them is a rollup delta; new ones count by trigger.
  const { rows: pageKeys } = await client.query<{ session_pk: number; url: string }>({
    name: 'dwell-fold-pages',
    text: 'SELECT session_pk, url FROM session_pages WHERE session_pk = ANY($1::bigint[])',
    values: [pks],
  });
  const rows = new Map<number, FoldSession>(sessions.map((s) => [s.pk, { ...toSessionRow(s), id: s.id }]));
  const owners = new Map(
    sessions.map((s): [number, SessionOwner] => [
      s.pk,
      { site: Number(s.site), day: s.day, who: personKey(s.email, s.visitor_id) },
    ]),
  );
  const writes = planFold(rows, entries, rules);
  const deltas = rollupDeltas(
    writes,
    owners,
    new Set(pageKeys.map((p) => pageKey(Number(p.session_pk), p.url))),
  );
  await writeFold(client, writes, deltas);
  return { count: entries.length, folded: writes.folded };
}

/**
 * One statement writes the fold: sessions, spans, pages, sections, and the rollup deltas of what it
 * changed (fold/rollup-deltas.ts: no trigger fires on a session's update, so the fold appends them).
 */
async function writeFold(
  client: pg.PoolClient,
  writes: FoldWrites,
  deltas: ReturnType<typeof rollupDeltas>,
): Promise<void> {
  const sessions = [...writes.sessions.values()];
  if (sessions.length === 0) return;
  const pages = [...writes.pages.values()];
  const sections = [...writes.sections.values()];
  const next = sessions.map((s) => s.next);
  const sessionRows = unnestAs('v', {
    pk: ['bigint', next.map((r) => r.pk)],
    last_activity_at: ['bigint', next.map((r) => r.lastActivityAt)],
    ended_at: ['bigint', next.map((r) => r.endedAt)],
    engaged_ms: ['bigint', next.map((r) => r.engagedMs)],
    visible_ms: ['bigint', next.map((r) => r.visibleMs ?? null)],
    measured: ['bool', next.map((r) => Boolean(r.measured))],
    last_seq: ['bigint', next.map((r) => r.lastSeq)],
    beats: ['int', next.map((r) => r.beats)],
    current_url: ['text', next.map((r) => r.currentUrl)],
    span_url: ['text', next.map((r) => r.openSpan?.url ?? null)],
    span_start: ['bigint', next.map((r) => r.openSpan?.start ?? null)],
    span_end: ['bigint', next.map((r) => r.openSpan?.end ?? null)],
  });
  const sessionDeltas = unnestAs('x', {
    site: ['bigint', deltas.sessions.map((d) => d.site)],
    day: ['int', deltas.sessions.map((d) => d.day)],
    who: ['text', deltas.sessions.map((d) => d.who)],
    old_ms: ['bigint', deltas.sessions.map((d) => d.oldMs)],
    new_ms: ['bigint', deltas.sessions.map((d) => d.newMs)],
    last_at: ['bigint', deltas.sessions.map((d) => d.lastAt)],
  });
  const pageDeltas = unnestAs('x', {
    site: ['bigint', deltas.pages.map((d) => d.site)],
    day: ['int', deltas.pages.map((d) => d.day)],
    url: ['text', deltas.pages.map((d) => d.url)],
    engaged_ms: ['bigint', deltas.pages.map((d) => d.engagedMs)],
  });
  const spanRows = unnestAs('x', {
    session_pk: ['bigint', writes.spans.map((s) => s.pk)],
    url: ['text', writes.spans.map((s) => s.url)],
    start_at: ['bigint', writes.spans.map((s) => s.start)],
    end_at: ['bigint', writes.spans.map((s) => s.end)],
  });
  const pageRows = unnestAs('x', {
    session_pk: ['bigint', pages.map((p) => p.pk)],
    url: ['text', pages.map((p) => p.url)],
    engaged_ms: ['bigint', pages.map((p) => p.creditedMs)],
    visible_ms: ['bigint', pages.map((p) => p.visibleMs)],
    max_scroll: ['real', pages.map((p) => p.scroll)],
  });
  const sectionRows = unnestAs('x', {
    session_pk: ['bigint', sections.map((s) => s.pk)],
    url: ['text', sections.map((s) => s.url)],
    name: ['text', sections.map((s) => s.name)],
    position: ['int', sections.map((s) => s.position)],
    engaged_ms: ['bigint', sections.map((s) => s.engagedMs)],
  });
  const statement = compile(
    sql`WITH v AS (SELECT * FROM ${sessionRows}),
     u AS (
       UPDATE sessions AS s SET last_activity_at = v.last_activity_at, ended_at = v.ended_at,
         engaged_ms = v.engaged_ms, visible_ms = v.visible_ms, measured = v.measured, last_seq = v.last_seq,
         beats = v.beats, current_url = v.current_url,
         span_url = v.span_url, span_start = v.span_start, span_end = v.span_end
       FROM v WHERE s.pk = v.pk
       RETURNING s.pk
     ), session_deltas AS (
       INSERT INTO rollup_pending (site, day, who, old_ms, new_ms, last_at) SELECT * FROM ${sessionDeltas}
     ), page_deltas AS (
       INSERT INTO rollup_pages_pending (site, day, url, sessions, engaged_ms)
       SELECT site, day, url, 0, engaged_ms FROM ${pageDeltas}
     ), new_spans AS (
       INSERT INTO spans (session_pk, url, start_at, end_at) SELECT * FROM ${spanRows}
     ), new_pages AS (
       -- A page row stored before visible time was measured keeps NULL (NULL + n is NULL).
       INSERT INTO session_pages (session_pk, url, engaged_ms, visible_ms, max_scroll)
       SELECT * FROM ${pageRows}
       ON CONFLICT (session_pk, url) DO UPDATE SET
         engaged_ms = session_pages.engaged_ms + excluded.engaged_ms,
         visible_ms = session_pages.visible_ms + excluded.visible_ms,
         max_scroll = GREATEST(session_pages.max_scroll, excluded.max_scroll)
     ), new_sections AS (
       INSERT INTO session_sections (session_pk, url, name, position, engaged_ms)
       SELECT * FROM ${sectionRows}
       ON CONFLICT (session_pk, url, name) DO UPDATE SET
         engaged_ms = session_sections.engaged_ms + excluded.engaged_ms,
         position = LEAST(session_sections.position, excluded.position)
     )
     SELECT count(*)::int AS updated FROM u`,
    postgresDialect,
  );
  const { rows } = await client.query<{ updated: number }>({ name: 'dwell-fold-write', ...statement });
  // The rows are locked: every one must be there (a purge folds first and takes the same lock).
  if (rows[0]!.updated !== sessions.length) throw new Error('a folded session row vanished under its lock');
}
