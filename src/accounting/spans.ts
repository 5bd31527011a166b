// Engaged spans: the timeline of a session, and what lets overlapping tabs of one person be counted
// once. Pure functions over [start, end) intervals in epoch milliseconds.

export interface Span {
  url: string | null;
  start: number;
  end: number;
}

/**
 * Gap under which a new credit continues the open span instead of starting a new one. Beats arrive
 * about one interval apart while someone is engaged, so anything up to two intervals is "the same
 * stretch of reading".
 */
export function spanGapMs(intervalMs: number): number {
  return intervalMs * 2;
}

/**
 * Places a credit of `creditedMs` ending at `now` on the timeline. Returns the open span extended,
 * or, when the page changed or the reader was away too long, the closed span and a new open one.
 */
export function extendSpan(
  open: Span | null,
  url: string | null,
  creditedMs: number,
  now: number,
  gapMs: number,
): { closed: Span | null; open: Span | null } {
  if (creditedMs <= 0) return { closed: null, open };
  if (open && open.url === url && now - creditedMs - open.end <= gapMs) {
    return { closed: null, open: { url, start: open.start, end: Math.max(open.end, now) } };
  }
  const start = open ? Math.max(now - creditedMs, Math.min(open.end, now)) : now - creditedMs;
  return { closed: open, open: { url, start: Math.min(start, now), end: now } };
}

/** Total length of the union of intervals: two tabs open at once count once. */
export function unionLength(spans: ReadonlyArray<Pick<Span, 'start' | 'end'>>): number {
  const sorted = spans.filter((s) => s.end > s.start).sort((a, b) => a.start - b.start);
  let total = 0;
  let curStart = Number.NEGATIVE_INFINITY;
  let curEnd = Number.NEGATIVE_INFINITY;
  for (const { start, end } of sorted) {
    if (start > curEnd) {
      if (curEnd > curStart) total += curEnd - curStart;
      curStart = start;
      curEnd = end;
    } else if (end > curEnd) {
      curEnd = end;
    }
  }
  if (curEnd > curStart) total += curEnd - curStart;
  return total;
}
