// The engine-neutral half of the attention map (getPageSections): the engines sum per section, this
// puts the sections in page order and computes reach, so both engines answer alike.

import type { PageSections } from '../query-types.ts';

/** One section's sums as an engine's query returns them (bigint sums may come as strings). */
export interface SectionRow {
  name: string;
  position: number;
  engagedMs: number | string;
  sessions: number;
}

export function pageSections(url: string, sessions: number, rows: SectionRow[]): PageSections {
  const sections = rows
    .map((r) => ({
      name: r.name,
      position: Number(r.position),
      engagedMs: Number(r.engagedMs),
      sessions: Number(r.sessions),
      // A section's sessions are among the page's (its time is part of the page's), so reach ≤ 1.
      reach: sessions === 0 ? 0 : Math.min(1, Number(r.sessions) / sessions),
    }))
    .sort((a, b) => a.position - b.position || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { url, sessions, sections };
}
