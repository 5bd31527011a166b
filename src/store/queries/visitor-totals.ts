// A person's totals for the visitors list, written once for both engines: the engaged time of
// overlapping sessions (two tabs at once) counted once, and the person key turned back into an
// email or a visitor id.

import { type Span, unionLength } from '../../accounting/spans.ts';
import type { VisitorTotal } from '../query-types.ts';

/** One session of a person, with its engaged spans (closed ones and the open one). */
export interface PersonSession {
  who: string;
  engagedMs: number;
  spans: Pick<Span, 'start' | 'end'>[];
}

/**
 * Engaged time per person: the sum over their sessions, less the time their spans overlap (sum of
 * span lengths minus the length of their union), and never less than their longest session.
 */
export function overlapCorrected(sessions: readonly PersonSession[]): Map<string, number> {
  const byWho = new Map<string, PersonSession[]>();
  for (const s of sessions) byWho.set(s.who, [...(byWho.get(s.who) ?? []), s]);
  const result = new Map<string, number>();
  for (const [who, own] of byWho) {
    const spans = own.flatMap((s) => s.spans);
    const engaged = own.reduce((sum, s) => sum + s.engagedMs, 0);
    const spanTotal = spans.reduce((sum, s) => sum + Math.max(0, s.end - s.start), 0);
    const overlap = spanTotal - unionLength(spans);
    const longest = own.reduce((max, s) => Math.max(max, s.engagedMs), 0);
    result.set(who, Math.max(longest, engaged - overlap));
  }
  return result;
}

/** The session rows and span rows both engines read, put together per session. */
export function personSessions(
  sessions: readonly {
    pk: number;
    who: string;
    engaged_ms: number;
    span_start: number | null;
    span_end: number | null;
  }[],
  spans: readonly { session_pk: number; start: number; end: number }[],
): PersonSession[] {
  const spansOf = new Map<number, Pick<Span, 'start' | 'end'>[]>();
  for (const s of spans) spansOf.set(Number(s.session_pk), [...(spansOf.get(Number(s.session_pk)) ?? []), s]);
  return sessions.map((s) => ({
    who: s.who,
    engagedMs: Number(s.engaged_ms),
    spans: [
      ...(spansOf.get(Number(s.pk)) ?? []),
      ...(s.span_start === null ? [] : [{ start: s.span_start, end: s.span_end ?? s.span_start }]),
    ],
  }));
}

export function toVisitorTotal(
  person: { who: string; sessions: number; first: number; last: number },
  engagedMs: number,
): VisitorTotal {
  const isEmail = person.who.startsWith('e:');
  return {
    email: isEmail ? person.who.slice(2) : null,
    visitorId: isEmail ? null : person.who.slice(2),
    sessions: Number(person.sessions),
    engagedMs,
    firstSeen: person.first,
    lastSeen: person.last,
  };
}
