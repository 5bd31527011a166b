// The fold, written once for every engine: journaled beats in, the rows to write out. Each engine
// reads the journal and the touched session rows, calls planFold, writes what it returns and
// deletes the folded beats in one transaction, so a crash anywhere leaves either all of a fold or
// none of it, and a beat (identified by its journal id) is credited exactly once.

import type { AccountingRules } from '../../accounting/credit-beat.ts';
import type { Span } from '../../accounting/spans.ts';
import { planBeat, type SessionRow } from '../beat-plan.ts';
import type { BeatInput, FoldedBeat, SectionTime } from '../types.ts';

/** A beat as the journal keeps it: authorized already, taken at `at` (the store's clock). */
export interface JournalEntry {
  id: number;
  sessionPk: number;
  at: number;
  beat: Omit<BeatInput, 'sessionId' | 'tokenHash' | 'trusted'>;
}

export interface FoldSession extends SessionRow {
  id: string;
}

export interface FoldWrites {
  /** Final state per touched session, with the row as read (PostgreSQL's rollup deltas need both). */
  sessions: Map<number, { next: FoldSession; read: FoldSession }>;
  spans: (Span & { pk: number })[];
  /** One entry per (session, page): an upsert touches a row once. */
  pages: Map<
    string,
    { pk: number; url: string; creditedMs: number; visibleMs: number; scroll: number | null }
  >;
  sections: Map<string, { pk: number; url: string } & SectionTime>;
  folded: FoldedBeat[];
}

/** Applies `entries` in journal order to the rows read; beats of sessions since removed are dropped. */
export function planFold(
  rows: ReadonlyMap<number, FoldSession>,
  entries: readonly JournalEntry[],
  rules: AccountingRules,
): FoldWrites {
  const current = new Map(rows);
  const writes: FoldWrites = {
    sessions: new Map(),
    spans: [],
    pages: new Map(),
    sections: new Map(),
    folded: [],
  };
  for (const entry of entries) {
    const row = current.get(entry.sessionPk);
    if (!row) continue;
    const plan = planBeat(row, { sessionId: row.id, ...entry.beat }, entry.at, rules);
    if (plan.result.kind === 'credited') writes.folded.push({ sessionId: row.id, ...plan.result });
    if (plan.session) {
      const next = { ...row, ...plan.session };
      current.set(row.pk, next);
      writes.sessions.set(row.pk, { next, read: writes.sessions.get(row.pk)?.read ?? row });
    }
    if (plan.closedSpan) writes.spans.push({ pk: row.pk, ...plan.closedSpan });
    if (plan.page) {
      const { url, sections } = plan.page;
      const key = `${row.pk}\u0000${url}`;
      const previous = writes.pages.get(key);
      writes.pages.set(key, {
        pk: row.pk,
        url,
        creditedMs: (previous?.creditedMs ?? 0) + plan.page.creditedMs,
        visibleMs: (previous?.visibleMs ?? 0) + plan.page.visibleMs,
        scroll: maxOrNull(previous?.scroll ?? null, plan.page.scroll),
      });
      for (const section of sections) {
        const sectionKey = `${key}\u0000${section.name}`;
        const seen = writes.sections.get(sectionKey);
        writes.sections.set(sectionKey, {
          pk: row.pk,
          url,
          name: section.name,
          position: Math.min(seen?.position ?? section.position, section.position),
          engagedMs: (seen?.engagedMs ?? 0) + section.engagedMs,
        });
      }
    }
  }
  return writes;
}

function maxOrNull(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}
