// The engaged time other tools would have reported for a visit of bench:accuracy, each emulated
// from its documented rule over the same timeline (readers.ts): Chartbeat, GA4 and Plausible,
// TimeMe.js, and the two seed clients Dwell replaces. docs/tracker.md ("Accuracy") gives each rule's
// source; where a tool's exact rule is not public the emulation takes the generous reading.

import type { EventType, Visit } from './readers.ts';

type Interval = [start: number, end: number];

/** Merges intervals into a sorted, disjoint list. */
function union(intervals: Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  const merged: Interval[] = [];
  for (const [start, end] of sorted) {
    const last = merged[merged.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

/** The intersection of two sorted, disjoint lists. */
function intersect(a: Interval[], b: Interval[]): Interval[] {
  const out: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const start = Math.max(a[i]![0], b[j]![0]);
    const end = Math.min(a[i]![1], b[j]![1]);
    if (start < end) out.push([start, end]);
    if (a[i]![1] < b[j]![1]) i++;
    else j++;
  }
  return out;
}

const total = (intervals: Interval[]) => intervals.reduce((sum, [start, end]) => sum + end - start, 0);

/** The intervals during which a state holds, turned on and off by the given events (on at load). */
function during(visit: Visit, off: EventType, on: EventType): Interval[] {
  const intervals: Interval[] = [];
  let since: number | null = 0;
  for (const { at, type } of visit.events) {
    if ((type === off || type === 'close') && since !== null) {
      intervals.push([since, at]);
      since = null;
    } else if (type === on && since === null) since = at;
  }
  return intervals;
}

const visible = (visit: Visit) => during(visit, 'hide', 'show');
const focused = (visit: Visit) => during(visit, 'blur', 'focus');

/** Each event of these types (and the load) opens a window of `ms`: the union of the windows. */
function afterInput(visit: Visit, types: EventType[], ms: number): Interval[] {
  const starts = [0, ...visit.events.filter((e) => types.includes(e.type)).map((e) => e.at)];
  return union(starts.map((at) => [at, at + ms]));
}

/**
 * Chartbeat: a second is engaged when there was input in the 5 s before it (mousemove, mousedown,
 * keydown, scroll, resize, focus, load) and the tab is visible. Video is Chartbeat's separate product.
 */
export const chartbeat = (visit: Visit) =>
  total(
    intersect(
      afterInput(visit, ['mousemove', 'pointerdown', 'keydown', 'scroll', 'focus', 'show'], 5000),
      visible(visit),
    ),
  );

/** GA4 (user_engagement) and Plausible: the time the page is visible and its window focused, no idle rule. */
export const focusedVisible = (visit: Visit) => total(intersect(visible(visit), focused(visit)));

/**
 * TimeMe.js with its defaults: counts while visible and focused, and stops 30 s after the last
 * mousemove, keyup, touchstart or scroll (the timer restarts on focus and when the tab is shown).
 */
export const timeMe = (visit: Visit) =>
  total(
    intersect(
      intersect(
        afterInput(visit, ['mousemove', 'keydown', 'scroll', 'focus', 'show'], 30_000),
        visible(visit),
      ),
      focused(visit),
    ),
  );

/** The BIO.RE seed: a PATCH every 30 s while the tab is visible (restarted when shown), +30 s each. */
export const bioRe = (visit: Visit) =>
  visible(visit).reduce((sum, [start, end]) => sum + Math.floor((end - start) / 30_000) * 30_000, 0);

/**
 * The blueprint seed: a ping at load, every 3 minutes (skipped while hidden) and when the tab is
 * shown; the duration is the last ping minus the start. Its unload beacon is lost (the blueprint's
 * own "Limitations": 3-minute granularity), so the last interval is.
 */
export function blueprint(visit: Visit): number {
  const shown = visible(visit);
  const isVisible = (at: number) => shown.some(([start, end]) => start <= at && at < end);
  let last = 0;
  for (let at = 180_000; at < visit.lengthMs; at += 180_000) if (isVisible(at)) last = at;
  for (const { at, type } of visit.events) if (type === 'show') last = Math.max(last, at);
  return last;
}
