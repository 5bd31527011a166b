// The SQLite side of the fold (fold-plan.ts): read a chunk of the journal and the sessions it
// touches, plan in TypeScript, write each touched row once, delete the chunk, all in one
// transaction. Beats are coalesced: a session that beat ten times since the last fold is one
// UPDATE, and the rollup triggers (rollups-sql.ts) fire once for it.

import type Database from 'better-sqlite3';
import type { AccountingRules } from '../../accounting/credit-beat.ts';
import { type FoldSession, planFold } from '../fold-plan.ts';
import { type JournalColumns, toJournalEntry } from '../journal.ts';
import { type SessionColumns, toSessionRow } from '../session-row.ts';
import type { FoldedBeat } from '../types.ts';
import type { Statements } from './statements.ts';

/** Beats folded per transaction: large enough to coalesce, small enough to keep the loop's stalls short. */
export const FOLD_CHUNK = 2_000;

/** Folds one chunk of the journal; returns the beats it credited (empty when the journal was empty). */
export function createChunkFold(db: Database.Database, sql: Statements, rules: AccountingRules) {
  // IMMEDIATE: the write lock first, so another connection's write waits instead of failing.
  return db.transaction((limit: number): { count: number; folded: FoldedBeat[] } => {
    const raw = sql.selectJournal.all(limit) as JournalColumns[];
    if (raw.length === 0) return { count: 0, folded: [] };
    const entries = raw.map(toJournalEntry);
    const rows = new Map<number, FoldSession>();
    for (const { sessionPk } of entries) {
      if (rows.has(sessionPk)) continue;
      const row = sql.selectForFold.get(sessionPk) as SessionColumns | undefined;
      if (row) rows.set(sessionPk, { ...toSessionRow(row), id: row.id });
    }
    const writes = planFold(rows, entries, rules);
    for (const [pk, { next }] of writes.sessions) {
      sql.updateAfterFold.run({
        pk,
        lastActivityAt: next.lastActivityAt,
        endedAt: next.endedAt,
        engagedMs: next.engagedMs,
        visibleMs: next.visibleMs ?? null,
        measured: next.measured ? 1 : 0,
        lastSeq: next.lastSeq,
        beats: next.beats,
        currentUrl: next.currentUrl,
        spanUrl: next.openSpan?.url ?? null,
        spanStart: next.openSpan?.start ?? null,
        spanEnd: next.openSpan?.end ?? null,
      });
    }
    for (const span of writes.spans) sql.insertSpan.run(span.pk, span.url, span.start, span.end);
    for (const page of writes.pages.values()) {
      sql.upsertPage.run(page.pk, page.url, page.creditedMs, page.scroll, page.visibleMs);
    }
    for (const s of writes.sections.values())
      sql.upsertSection.run(s.pk, s.url, s.name, s.position, s.engagedMs);
    sql.deleteJournalThrough.run(entries[entries.length - 1]!.id);
    return { count: entries.length, folded: writes.folded };
  }).immediate;
}
