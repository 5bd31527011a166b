// The rollup deltas of a fold, written once for every engine: what the fold changed of each
// session (its engaged time and last activity, on its site's day it counts for and for its person) and
// the time it added to pages that existed before (a page row the fold inserts is counted by its
// insert trigger, with all of its time). Each engine appends them to its queues in the fold's
// transaction; fold/rollup-fold.ts applies them.

import type { FoldWrites } from './fold-plan.ts';

export interface SessionDelta {
  site: number;
  day: number;
  who: string | null;
  oldMs: number;
  newMs: number;
  lastAt: number;
}

export interface PageDelta {
  site: number;
  day: number;
  url: string;
  engagedMs: number;
}

/** A fold's session's site, day (of the site's calendar, set when it started) and person. */
export interface SessionOwner {
  site: number;
  day: number;
  who: string | null;
}

/** The key of a (session, page) pair, as fold-plan.ts keys its page writes. */
export const pageKey = (pk: number, url: string) => `${pk}\u0000${url}`;

export function rollupDeltas(
  writes: FoldWrites,
  owners: ReadonlyMap<number, SessionOwner>,
  pagesBefore: ReadonlySet<string>,
): { sessions: SessionDelta[]; pages: PageDelta[] } {
  const sessions: SessionDelta[] = [];
  for (const [pk, { next, read }] of writes.sessions) {
    if (next.engagedMs === read.engagedMs && next.lastActivityAt === read.lastActivityAt) continue;
    const owner = owners.get(pk)!;
    sessions.push({
      site: owner.site,
      day: owner.day,
      who: owner.who,
      oldMs: read.engagedMs,
      newMs: next.engagedMs,
      lastAt: next.lastActivityAt,
    });
  }
  // Summed per (site, day, url) over the fold: a hot page's rollup row gets one delta per fold.
  const pages = new Map<string, PageDelta>();
  for (const [key, page] of writes.pages) {
    if (page.creditedMs === 0 || !pagesBefore.has(key)) continue;
    const { site, day } = owners.get(page.pk)!;
    const dayUrl = `${site}\u0000${day}\u0000${page.url}`;
    const sum = pages.get(dayUrl) ?? { site, day, url: page.url, engagedMs: 0 };
    sum.engagedMs += page.creditedMs;
    pages.set(dayUrl, sum);
  }
  return { sessions, pages: [...pages.values()] };
}
