// A breakdown from day segments (segment.ts): the sessions that pass the origin filters, grouped by
// one dimension's value, most engaged first. Pure and exact; get-breakdown.ts feeds it the range's
// segments, built ones and those it builds from the sessions of days whose segment is stale.
//
// Two passes: the first sums sessions and engaged time of every value (typed arrays, no strings per
// session), the second collects people and durations for the values of the page only, so a
// dimension with 100,000 values costs one Set per value shown, not per value.

import {
  type BreakdownRow,
  DIMENSIONS,
  type Dimension,
  ENGAGED_SESSION_MS,
  NONE,
  type OriginFilter,
} from '../breakdown-types.ts';
import { summarizeDurations } from '../queries/stats-math.ts';
import type { Segment } from './segment.ts';

interface Totals {
  value: string | null;
  sessions: number;
  engaged: number;
  engagedSessions: number;
}

/**
 * Per dimension filtered, the index a session must have in this segment's dictionary; null when no
 * session of the segment can pass (a filtered value the day never saw).
 */
function filterIndexes(segment: Segment, filter: OriginFilter | undefined): [number, number][] | null {
  const wanted: [number, number][] = [];
  for (const [dimension, value] of Object.entries(filter ?? {}) as [Dimension, string | undefined][]) {
    if (value === undefined) continue;
    const d = DIMENSIONS.indexOf(dimension);
    const at = value === NONE ? 0 : segment.dictionaries[d]!.indexOf(value) + 1;
    if (at === 0 && value !== NONE) return null;
    wanted.push([d, at]);
  }
  return wanted;
}

function passes(segment: Segment, i: number, wanted: [number, number][]): boolean {
  for (const [d, at] of wanted) if (segment.values[d]![i] !== at) return false;
  return true;
}

/** Byte order, as SQL's `bytewise` collation orders; sessions without a value first. */
function compareValues(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

export function aggregateSegments(
  segments: readonly Segment[],
  query: { by: Dimension; filter?: OriginFilter | undefined; limit: number; offset: number },
): { items: BreakdownRow[]; more: boolean } {
  const by = DIMENSIONS.indexOf(query.by);
  const totals = new Map<string | null, Totals>();
  // Per segment: the filter's indexes and each dictionary index's totals, for the second pass.
  const plans = segments.map((segment) => {
    const wanted = filterIndexes(segment, query.filter);
    if (wanted === null) return null;
    const dictionary = segment.dictionaries[by]!;
    const slots: Totals[] = [null, ...dictionary].map((value) => {
      const slot = totals.get(value) ?? { value, sessions: 0, engaged: 0, engagedSessions: 0 };
      totals.set(value, slot);
      return slot;
    });
    const column = segment.values[by]!;
    for (let i = 0; i < segment.sessions; i++) {
      if (wanted.length > 0 && !passes(segment, i, wanted)) continue;
      const slot = slots[column[i]!]!;
      const engaged = segment.engagedMs[i]!;
      slot.sessions++;
      slot.engaged += engaged;
      if (engaged >= ENGAGED_SESSION_MS) slot.engagedSessions++;
    }
    return { segment, wanted, slots };
  });
  const ranked = [...totals.values()]
    .filter((t) => t.sessions > 0)
    .sort((a, b) => b.engaged - a.engaged || b.sessions - a.sessions || compareValues(a.value, b.value));
  const page = ranked.slice(query.offset, query.offset + query.limit);
  const shown = new Map(
    page.map((t) => [t, { people: new Set<number>(), seconds: new Map<number, number>() }]),
  );
  for (const plan of plans) {
    if (!plan) continue;
    const { segment, wanted, slots } = plan;
    const column = segment.values[by]!;
    const detail = slots.map((slot) => shown.get(slot));
    if (!detail.some(Boolean)) continue;
    for (let i = 0; i < segment.sessions; i++) {
      const into = detail[column[i]!];
      if (!into || (wanted.length > 0 && !passes(segment, i, wanted))) continue;
      const person = segment.people[i]!;
      if (person >= 0) into.people.add(person);
      const seconds = Math.floor(segment.engagedMs[i]! / 1000);
      into.seconds.set(seconds, (into.seconds.get(seconds) ?? 0) + 1);
    }
  }
  return {
    items: page.map((t) => {
      const { people, seconds } = shown.get(t)!;
      return {
        value: t.value,
        sessions: t.sessions,
        visitors: people.size,
        engagedMs: {
          total: t.engaged,
          median: summarizeDurations([...seconds].sort((a, b) => a[0] - b[0])).median,
        },
        engagedSessions: t.engagedSessions,
      };
    }),
    more: ranked.length > query.offset + query.limit,
  };
}
