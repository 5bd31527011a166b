// How query results look on the wire (API.md "Query"), shared by the HTTP API, the exports and the
// CLI so they can never disagree: ISO-8601 UTC times, the three clocks (`duration`, the wall clock in
// whole seconds; `visibleMs`; `engagedMs`), status from the accounting rules.

import { sessionStatus } from '../accounting/credit-beat.ts';
import type { Span } from '../accounting/spans.ts';
import type { LiveSession, VisitorTotal } from '../store/query-types.ts';
import type { SessionOrigin, SessionRecord } from '../store/types.ts';

const iso = (ms: number) => new Date(ms).toISOString();

export interface SessionView {
  id: string;
  status: 'active' | 'ended' | 'expired';
  startedAt: string;
  lastActivityAt: string;
  endedAt: string | null;
  engagedMs: number;
  /** Null for sessions stored before visible time was measured: unknown, not invented. */
  visibleMs: number | null;
  duration: number;
  beats: number;
  email: string | null;
  visitorId: string | null;
  entryUrl: string | null;
  referrer: string | null;
  /** The site's id, where the reader asked for one site. */
  site?: string;
  pages: {
    url: string;
    engagedMs: number;
    visibleMs: number | null;
    maxScroll: number | null;
    sections: { name: string; engagedMs: number }[];
  }[];
}

/**
 * `duration`, the first clock (API.md "Query"): how long the session was open, from its start to its
 * last sign of life (the last beat, or the close), in whole seconds rounded down.
 */
export const openSeconds = (s: Pick<SessionRecord, 'startedAt' | 'lastActivityAt'>) =>
  Math.floor(Math.max(0, s.lastActivityAt - s.startedAt) / 1000);

export function presentSession(
  session: SessionRecord,
  now: number,
  timeoutMs: number,
  siteId?: string,
): SessionView {
  return {
    id: session.id,
    status: sessionStatus(session, now, timeoutMs),
    startedAt: iso(session.startedAt),
    lastActivityAt: iso(session.lastActivityAt),
    endedAt: session.endedAt === null ? null : iso(session.endedAt),
    engagedMs: session.engagedMs,
    visibleMs: session.visibleMs ?? null,
    duration: openSeconds(session),
    beats: session.beats,
    email: session.email,
    visitorId: session.visitorId,
    entryUrl: session.entryUrl,
    referrer: session.referrer,
    ...(siteId === undefined ? {} : { site: siteId }),
    pages: session.pages.map((p) => ({
      url: p.url,
      engagedMs: p.engagedMs,
      visibleMs: p.visibleMs ?? null,
      maxScroll: p.maxScroll,
      sections: p.sections ?? [],
    })),
  };
}

/**
 * A line of the NDJSON export: the sessions API's object and, where the store read the session's
 * origin with it, that origin as the session detail shows it (`origin`, null for none recorded).
 */
export function presentExportedSession(
  session: ExportedSession,
  now: number,
  timeoutMs: number,
  siteId?: string,
): SessionView & { origin?: SessionOrigin | null } {
  const view = presentSession(session, now, timeoutMs, siteId);
  return session.origin === undefined ? view : { ...view, origin: session.origin };
}

export function presentSpan(span: Span) {
  return { url: span.url, start: iso(span.start), end: iso(span.end) };
}

export function presentVisitor(visitor: VisitorTotal) {
  return { ...visitor, firstSeen: iso(visitor.firstSeen), lastSeen: iso(visitor.lastSeen) };
}

export function presentLive(session: LiveSession) {
  return { ...session, lastActivityAt: iso(session.lastActivityAt) };
}

/**
 * The session's origin in the CSV (issue #24), after the other columns and empty for sessions stored
 * before Dwell recorded it, named as the sessions table names them. Region is left out: the shipped
 * country database has none.
 */
export const CSV_ORIGIN_COLUMNS = [
  'source',
  'source_category',
  'referrer_host',
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_content',
  'utm_term',
  'entry_path',
  'device',
  'browser',
  'os',
  'country',
] as const;

/** CSV columns of the export: one row per session (pages are in the NDJSON export). */
export const CSV_COLUMNS = [
  'id',
  'status',
  'startedAt',
  'lastActivityAt',
  'endedAt',
  'engagedMs',
  'visibleMs',
  'duration',
  'beats',
  'email',
  'visitorId',
  'entryUrl',
  'referrer',
  ...CSV_ORIGIN_COLUMNS,
] as const;

/** A session as the export reads it: a record, with its origin where the reader has it. */
export type ExportedSession = SessionRecord & { origin?: SessionOrigin | null | undefined };

/** RFC 4180 field: quoted when it holds a comma, quote or line break. A leading =, +, - or @ is
 *  prefixed with ' so a spreadsheet never runs a formula from a tracked URL (CSV injection). */
const NEEDS_CARE = /^[=+\-@\t\r]|[",\r\n]/;
function csvField(value: string | null): string {
  if (value === null) return '';
  if (!NEEDS_CARE.test(value)) return value;
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function csvHeader(): string {
  return `${CSV_COLUMNS.join(',')}\r\n`;
}

/** The origin's columns of a row, each after a comma; only commas for a session without one. */
const NO_ORIGIN_FIELDS = ','.repeat(CSV_ORIGIN_COLUMNS.length);
function originFields(o: SessionOrigin | null | undefined): string {
  if (!o) return NO_ORIGIN_FIELDS;
  const u = o.utm;
  return `,${csvField(o.source)},${csvField(o.sourceCategory)},${csvField(o.referrerHost)},${csvField(u.source)},${csvField(
    u.medium,
  )},${csvField(u.campaign)},${csvField(u.content)},${csvField(u.term)},${csvField(o.entryPath)},${csvField(
    o.device,
  )},${csvField(o.browser)},${csvField(o.os)},${csvField(o.country)}`;
}

/** One CSV row, in CSV_COLUMNS order, straight from the record (the export's hot loop). */
export function csvRow(s: ExportedSession, now: number, timeoutMs: number): string {
  return `${csvField(s.id)},${sessionStatus(s, now, timeoutMs)},${iso(s.startedAt)},${iso(s.lastActivityAt)},${
    s.endedAt === null ? '' : iso(s.endedAt)
  },${s.engagedMs},${s.visibleMs ?? ''},${openSeconds(s)},${s.beats},${csvField(s.email)},${csvField(s.visitorId)},${csvField(
    s.entryUrl,
  )},${csvField(s.referrer)}${originFields(s.origin)}\r\n`;
}
