// The stored shape of a session (column names are the same in every engine) and its mapping to
// the domain types, written once for SQLite and PostgreSQL alike.

import type { Span } from '../accounting/spans.ts';
import type { SessionRow } from './beat-plan.ts';
import type { PageTotal, SessionDetail, SessionOrigin, SessionRecord } from './types.ts';

export interface SessionColumns {
  pk: number;
  id: string;
  token_hash: Buffer | null;
  /** 0/1 in SQLite, a boolean in PostgreSQL. */
  cookie_only: number | boolean;
  started_at: number;
  last_activity_at: number;
  ended_at: number | null;
  engaged_ms: number;
  /** Null on rows stored before visible time was measured (migration 6). */
  visible_ms: number | null;
  /** 0/1 in SQLite, a boolean in PostgreSQL. */
  measured: number | boolean;
  last_seq: number;
  beats: number;
  email: string | null;
  visitor_id: string | null;
  /** Its site's pk (read where the reader needs it: the session detail). */
  site?: number | string;
  entry_url: string | null;
  referrer: string | null;
  screen: string | null;
  lang: string | null;
  current_url: string | null;
  span_url: string | null;
  span_start: number | null;
  span_end: number | null;
}

export interface PageColumns {
  url: string;
  engaged_ms: number;
  visible_ms: number | null;
  max_scroll: number | null;
}

export interface SectionColumns {
  url: string;
  name: string;
  engaged_ms: number;
}

export interface SpanColumns {
  url: string | null;
  start_at: number;
  end_at: number;
}

/** The open span kept on the session row (see docs/ARCHITECTURE.md). */
function openSpanOf(raw: Pick<SessionColumns, 'span_url' | 'span_start' | 'span_end'>): Span | null {
  return raw.span_start === null
    ? null
    : { url: raw.span_url, start: raw.span_start, end: raw.span_end ?? raw.span_start };
}

/** What a beat needs of the row. */
export function toSessionRow(
  raw: Omit<SessionColumns, 'email' | 'visitor_id' | 'entry_url' | 'referrer' | 'screen' | 'lang'>,
): SessionRow {
  return {
    pk: raw.pk,
    tokenHash: raw.token_hash,
    cookieOnly: Boolean(raw.cookie_only),
    startedAt: raw.started_at,
    lastActivityAt: raw.last_activity_at,
    endedAt: raw.ended_at,
    engagedMs: raw.engaged_ms,
    visibleMs: raw.visible_ms,
    measured: Boolean(raw.measured),
    lastSeq: raw.last_seq,
    beats: raw.beats,
    currentUrl: raw.current_url,
    openSpan: openSpanOf(raw),
  };
}

/** The columns a session record (without its timeline) is read from. */
export type RecordColumns = Omit<
  SessionColumns,
  'token_hash' | 'cookie_only' | 'span_url' | 'span_start' | 'span_end' | 'measured' | 'visible_ms'
> & { visible_ms?: number | null };

export function toSessionRecord(row: RecordColumns, pages: PageTotal[]): SessionRecord {
  return {
    id: row.id,
    startedAt: row.started_at,
    lastActivityAt: row.last_activity_at,
    endedAt: row.ended_at,
    engagedMs: row.engaged_ms,
    visibleMs: row.visible_ms ?? null,
    lastSeq: row.last_seq,
    beats: row.beats,
    email: row.email,
    visitorId: row.visitor_id,
    entryUrl: row.entry_url,
    referrer: row.referrer,
    screen: row.screen,
    lang: row.lang,
    currentUrl: row.current_url,
    origin: originOf(row),
    pages,
  };
}

/**
 * Gives each page of `byPk` its sections from rows (session_pk, url, name, engaged_ms) sorted in page
 * order (a page without any has none: the presenter shows []). Shared by the list and export queries of both engines.
 */
export function attachSections(
  byPk: Map<number, PageTotal[]>,
  rows: Iterable<[pk: number | string, url: string, name: string, engagedMs: number | string]>,
): void {
  for (const [pk, url, name, engagedMs] of rows) {
    const page = byPk.get(Number(pk))?.find((p) => p.url === url);
    if (!page) continue;
    page.sections ??= [];
    page.sections.push({ name, engagedMs: Number(engagedMs) });
  }
}

/** A whole session: the row, its page totals and its timeline (closed spans, then the open one). */
export function toSessionDetail(
  raw: SessionColumns,
  pages: PageColumns[],
  spans: SpanColumns[],
  sections: SectionColumns[] = [],
): SessionDetail {
  const timeline: Span[] = spans.map((s) => ({ url: s.url, start: s.start_at, end: s.end_at }));
  const open = openSpanOf(raw);
  if (open) timeline.push(open);
  const pageTotals = pages.map((p) => ({
    url: p.url,
    engagedMs: Number(p.engaged_ms),
    visibleMs: p.visible_ms === null ? null : Number(p.visible_ms),
    maxScroll: p.max_scroll,
    // Sections come in page order (the query sorts them by position).
    sections: sections
      .filter((s) => s.url === p.url)
      .map((s) => ({ name: s.name, engagedMs: Number(s.engaged_ms) })),
  }));
  return {
    ...toSessionRecord(raw, pageTotals),
    site: Number(raw.site ?? 0),
    origin: originOf(raw),
    timeline,
  };
}

/** The origin columns of a sessions row (SELECT *, or SESSION_COLUMNS), or null where none was recorded. */
function originOf(raw: RecordColumns): SessionOrigin | null {
  const r = raw as unknown as Record<string, string | null | undefined>;
  if (r.source_category == null) return null;
  return {
    source: r.source ?? null,
    sourceCategory: r.source_category,
    referrerHost: r.referrer_host ?? null,
    utm: {
      source: r.utm_source ?? null,
      medium: r.utm_medium ?? null,
      campaign: r.utm_campaign ?? null,
      content: r.utm_content ?? null,
      term: r.utm_term ?? null,
    },
    entryPath: r.entry_path ?? null,
    device: r.device ?? null,
    browser: r.browser ?? null,
    os: r.os ?? null,
    country: r.country ?? null,
    region: r.region ?? null,
  };
}
