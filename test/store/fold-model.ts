// The fold's reference, shared by the fold property and the two-instance test: sequential
// accounting (planBeat over every journaled beat, in journal order), and the comparison of what a
// store holds with it.

import assert from 'node:assert/strict';
import type { AccountingRules } from '../../src/accounting/credit-beat.ts';
import type { Span } from '../../src/accounting/spans.ts';
import { type JournalColumns, toJournalEntry } from '../../src/store/append/journal.ts';
import { planBeat } from '../../src/store/beat-plan.ts';
import type { FoldSession } from '../../src/store/fold/fold-plan.ts';
import type { Store } from '../../src/store/types.ts';

export interface ModelPage {
  engagedMs: number;
  visibleMs: number;
  scroll: number | null;
  sections: Map<string, number>;
}
export interface ModelSession {
  row: FoldSession;
  seq: number;
  pages: Map<string, ModelPage>;
  spans: Span[];
}

/** A session just started, as the model begins it (the store's row before any beat). */
export function newModelSession(pk: number, id: string, startedAt: number, tokenHash: Buffer): ModelSession {
  return {
    row: {
      pk,
      id,
      tokenHash,
      cookieOnly: false,
      startedAt,
      lastActivityAt: startedAt,
      endedAt: null,
      engagedMs: 0,
      visibleMs: 0,
      measured: false,
      lastSeq: 0,
      beats: 0,
      currentUrl: '/p0',
      openSpan: null,
    },
    seq: 0,
    pages: new Map(),
    spans: [],
  };
}

/** Sequential accounting: every journaled beat, in journal order, through planBeat. */
export function applyToModel(
  model: Map<number, ModelSession>,
  journal: JournalColumns[],
  rules: AccountingRules,
): void {
  for (const entry of journal.map(toJournalEntry).sort((a, b) => a.id - b.id)) {
    const session = model.get(entry.sessionPk);
    if (!session) continue;
    const plan = planBeat(session.row, { sessionId: session.row.id, ...entry.beat }, entry.at, rules);
    if (plan.session) session.row = { ...session.row, ...plan.session };
    if (plan.closedSpan) session.spans.push(plan.closedSpan);
    if (plan.page) {
      const page = session.pages.get(plan.page.url) ?? {
        engagedMs: 0,
        visibleMs: 0,
        scroll: null,
        sections: new Map(),
      };
      page.engagedMs += plan.page.creditedMs;
      page.visibleMs += plan.page.visibleMs;
      if (plan.page.scroll !== null) page.scroll = Math.max(page.scroll ?? 0, plan.page.scroll);
      for (const s of plan.page.sections)
        page.sections.set(s.name, (page.sections.get(s.name) ?? 0) + s.engagedMs);
      session.pages.set(plan.page.url, page);
    }
  }
}

export async function assertSameAsModel(
  store: Pick<Store, 'getSession'>,
  model: Map<number, ModelSession>,
): Promise<void> {
  for (const session of model.values()) {
    const read = await store.getSession(session.row.id);
    assert.ok(read, `session ${session.row.id} is stored`);
    const { row } = session;
    assert.deepEqual(
      {
        engagedMs: read.engagedMs,
        visibleMs: read.visibleMs,
        beats: read.beats,
        lastSeq: read.lastSeq,
        endedAt: read.endedAt,
        lastActivityAt: read.lastActivityAt,
        currentUrl: read.currentUrl,
      },
      {
        engagedMs: row.engagedMs,
        visibleMs: row.visibleMs,
        beats: row.beats,
        lastSeq: row.lastSeq,
        endedAt: row.endedAt,
        lastActivityAt: row.lastActivityAt,
        currentUrl: row.currentUrl,
      },
    );
    const pages = read.pages
      .map((p) => ({
        url: p.url,
        engagedMs: p.engagedMs,
        visibleMs: p.visibleMs,
        scroll: p.maxScroll,
        sections: Object.fromEntries((p.sections ?? []).map((s) => [s.name, s.engagedMs])),
      }))
      .sort((a, b) => a.url.localeCompare(b.url));
    const expected = [...session.pages.entries()]
      .map(([url, p]) => ({
        url,
        engagedMs: p.engagedMs,
        visibleMs: p.visibleMs,
        scroll: p.scroll,
        sections: Object.fromEntries([...p.sections].filter(([, ms]) => ms > 0)),
      }))
      .sort((a, b) => a.url.localeCompare(b.url));
    assert.deepEqual(pages, expected);
    // Issue #17: a page's sections never hold more than its engaged time, after any beats and folds.
    for (const page of read.pages) {
      const inSections = (page.sections ?? []).reduce((sum, s) => sum + s.engagedMs, 0);
      assert.ok(
        inSections <= page.engagedMs,
        `${page.url}: ${inSections} ms in sections > ${page.engagedMs} ms`,
      );
    }
    const timeline = [...session.spans, ...(row.openSpan ? [row.openSpan] : [])];
    assert.deepEqual(read.timeline, timeline);
  }
}
