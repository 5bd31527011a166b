// What a stored session looks like to its readers, in domain words: its pages, their sections and
// its timeline. The Store (types.ts) writes them and the queries (query-types.ts) read them.

import type { Span } from '../accounting/spans.ts';
import type { SessionOrigin } from './types.ts';

/** Engaged time in one `data-dwell-section` of a page; `position` is its index in page order. */
export interface SectionTime {
  name: string;
  engagedMs: number;
  position: number;
}

export interface PageTotal {
  url: string;
  engagedMs: number;
  /** Null for pages stored before visible time was measured. */
  visibleMs?: number | null;
  maxScroll: number | null;
  sections?: Omit<SectionTime, 'position'>[];
}

export interface SessionRecord {
  id: string;
  startedAt: number;
  lastActivityAt: number;
  endedAt: number | null;
  engagedMs: number;
  /** Null for sessions stored before visible time was measured. */
  visibleMs?: number | null;
  lastSeq: number;
  beats: number;
  email: string | null;
  visitorId: string | null;
  entryUrl: string | null;
  referrer: string | null;
  screen: string | null;
  lang: string | null;
  currentUrl: string | null;
  /**
   * Where it came from (issue #24): null for sessions stored before origins were recorded. Read by
   * the lists and the export; left out by writers (imports carry their own, as NewSession does).
   */
  origin?: SessionOrigin | null;
  pages: PageTotal[];
}

export interface SessionDetail extends SessionRecord {
  /** The site it belongs to (its pk). */
  site: number;
  /** Where it came from (issue #24); null for sessions stored before origins were recorded. */
  origin: SessionOrigin | null;
  /** Engaged spans in time order, the open one included. */
  timeline: Span[];
}
