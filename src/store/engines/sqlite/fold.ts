// The SQLite side of the fold (fold-plan.ts): read journaled beats (the oldest, or those of the
// sessions due) and the sessions they touch, plan in TypeScript, write each touched row once,
// append the rollup deltas of what changed, delete the beats, all in one transaction. Beats are
// coalesced: a session that beat ten times since the last fold is one UPDATE and one delta, and a
// page's rollup row (the same hot row for every session on that page and day) is updated once per
// fold, not once per beat.

import type Database from 'better-sqlite3';
import type { AccountingRules } from '../../../accounting/credit-beat.ts';
import { type JournalColumns, toJournalEntry } from '../../append/journal.ts';
import type { FoldResult } from '../../engine.ts';
import { type FoldSession, planFold } from '../../fold/fold-plan.ts';
import { pageKey, rollupDeltas, type SessionOwner } from '../../fold/rollup-deltas.ts';
import { personKey } from '../../person-key.ts';
import { type SessionColumns, toSessionRow } from '../../session-row.ts';
import type { Statements } from './statements.ts';

/** Beats folded per transaction: large enough to coalesce, small enough to keep the loop's stalls short. */
export const FOLD_CHUNK = 2_000;

/**
 * The fold's two ways in, each one IMMEDIATE transaction (the write lock first, so another
 * connection's write waits instead of failing): `chunk` folds the journal's oldest beats (a read
 * folds everything), `sessions` every journaled beat of the given sessions (the timer's fold of
 * sessions due, issue #26). Either folds a prefix of each session's beats, in journal order.
 */
export function createFold(db: Database.Database, sql: Statements, rules: AccountingRules) {
  const apply = (raw: JournalColumns[]): FoldResult => {
    if (raw.length === 0) return { count: 0, folded: [] };
    const entries = raw.map(toJournalEntry);
    // The chunk's sessions (with their site, day and person, for the rollups) and their existing pages.
    const pks = JSON.stringify([...new Set(entries.map((e) => e.sessionPk))]);
    const rows = new Map<number, FoldSession>();
    const owners = new Map<number, SessionOwner>();
    for (const row of sql.selectForFold.all(pks) as (SessionColumns & { site: number; day: number })[]) {
      rows.set(row.pk, { ...toSessionRow(row), id: row.id });
      owners.set(row.pk, { site: row.site, day: row.day, who: personKey(row.email, row.visitor_id) });
    }
    const pagesBefore = new Set(
      (sql.selectPageKeys.all(pks) as [number, string][]).map(([pk, url]) => pageKey(pk, url)),
    );
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
    for (const page of writes.pages.values())
      sql.upsertPage.run(page.pk, page.url, page.creditedMs, page.scroll, page.visibleMs);
    for (const s of writes.sections.values())
      sql.upsertSection.run(s.pk, s.url, s.name, s.position, s.engagedMs);
    const deltas = rollupDeltas(writes, owners, pagesBefore);
    for (const d of deltas.sessions)
      sql.appendSessionDelta.run(d.site, d.day, d.who, d.oldMs, d.newMs, d.lastAt);
    for (const d of deltas.pages) sql.appendPageDelta.run(d.site, d.day, d.url, d.engagedMs);
    return { count: entries.length, folded: writes.folded };
  };
  const chunk = db.transaction((limit: number): FoldResult => {
    const raw = sql.selectJournal.all(limit) as JournalColumns[];
    const result = apply(raw);
    if (raw.length > 0) sql.deleteJournalThrough.run(raw[raw.length - 1]!.id);
    return result;
  }).immediate;
  const sessions = db.transaction((pks: readonly number[]): FoldResult => {
    const list = JSON.stringify(pks);
    const result = apply(sql.selectSessionsJournal.all(list) as JournalColumns[]);
    if (result.count > 0) sql.deleteSessionsJournal.run(list);
    return result;
  }).immediate;
  return { chunk, sessions };
}
