// The SQLite side of the fold (fold-plan.ts): read a chunk of the journal and the sessions it
// touches, plan in TypeScript, write each touched row once, append the rollup deltas of what
// changed, delete the chunk, all in one transaction. Beats are coalesced: a session that beat ten
// times since the last fold is one UPDATE and one delta, and a page's rollup row (the same hot row
// for every session on that page and day) is updated once per fold, not once per beat.

import type Database from 'better-sqlite3';
import type { AccountingRules } from '../../../accounting/credit-beat.ts';
import { type JournalColumns, toJournalEntry } from '../../append/journal.ts';
import { type FoldSession, planFold } from '../../fold/fold-plan.ts';
import { personKey } from '../../person-key.ts';
import { DAY_MS } from '../../queries/stats-math.ts';
import { type SessionColumns, toSessionRow } from '../../session-row.ts';
import type { FoldedBeat } from '../../types.ts';
import type { Statements } from './statements.ts';

/** Beats folded per transaction: large enough to coalesce, small enough to keep the loop's stalls short. */
export const FOLD_CHUNK = 2_000;

/** A session's UTC day, the one its rollups count it on (rollups-sql.ts spells it in SQL). */
const dayOf = (startedAt: number) => Math.floor(startedAt / DAY_MS);

/** Folds one chunk of the journal; returns the beats it credited (empty when the journal was empty). */
export function createChunkFold(db: Database.Database, sql: Statements, rules: AccountingRules) {
  // IMMEDIATE: the write lock first, so another connection's write waits instead of failing.
  return db.transaction((limit: number): { count: number; folded: FoldedBeat[] } => {
    const raw = sql.selectJournal.all(limit) as JournalColumns[];
    if (raw.length === 0) return { count: 0, folded: [] };
    const entries = raw.map(toJournalEntry);
    // The chunk's sessions, their people's visitor ids and their existing pages: one read each.
    const pks = JSON.stringify([...new Set(entries.map((e) => e.sessionPk))]);
    const rows = new Map<number, FoldSession>();
    const people = new Map<number, string | null>();
    for (const row of sql.selectForFold.all(pks) as SessionColumns[]) {
      rows.set(row.pk, { ...toSessionRow(row), id: row.id });
      people.set(row.pk, personKey(row.email, row.visitor_id));
    }
    const whos = [...new Set(people.values())].filter((who) => who !== null);
    const vids = new Map(sql.selectVids.all(JSON.stringify(whos)) as [string, number][]);
    const pagesBefore = new Set(
      (sql.selectPageKeys.all(pks) as [number, string][]).map(([pk, url]) => `${pk}\u0000${url}`),
    );
    const writes = planFold(rows, entries, rules);
    for (const [pk, { next, read }] of writes.sessions) {
      if (next.engagedMs !== read.engagedMs || next.lastActivityAt !== read.lastActivityAt) {
        const who = people.get(pk) ?? null;
        const vid = who === null ? null : (vids.get(who) ?? null);
        sql.appendRollupDelta.run(
          dayOf(next.startedAt),
          vid,
          read.engagedMs,
          next.engagedMs,
          next.lastActivityAt,
        );
      }
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
    // A new page row is counted by its insert trigger; time added to an existing one, here, summed
    // per (day, url) over the chunk.
    const pageTime = new Map<string, { day: number; url: string; ms: number }>();
    for (const [key, page] of writes.pages) {
      if (page.creditedMs !== 0 && pagesBefore.has(key)) {
        const day = dayOf(rows.get(page.pk)!.startedAt);
        const key = `${day}\u0000${page.url}`;
        const sum = pageTime.get(key) ?? { day, url: page.url, ms: 0 };
        sum.ms += page.creditedMs;
        pageTime.set(key, sum);
      }
      sql.upsertPage.run(page.pk, page.url, page.creditedMs, page.scroll, page.visibleMs);
    }
    for (const { day, url, ms } of pageTime.values()) sql.addPageTime.run(ms, day, url);
    for (const s of writes.sections.values())
      sql.upsertSection.run(s.pk, s.url, s.name, s.position, s.engagedMs);
    sql.deleteJournalThrough.run(entries[entries.length - 1]!.id);
    return { count: entries.length, folded: writes.folded };
  }).immediate;
}
