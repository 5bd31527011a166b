// A breakdown from days of sessions in columns (segment.ts): the sessions that pass the origin
// filters, grouped by one dimension's value, most engaged first. Pure and exact; get-breakdown.ts
// feeds it the range's days, read from their stored columns or built from their sessions.
//
// Two passes: the first sums sessions and engaged time of every value (typed arrays, no strings per
// session), the second collects people and durations for the values of the page only, so a
// dimension with 100,000 values costs one counter per value shown, not per value.

import {
  type BreakdownRow,
  type Dimension,
  ENGAGED_SESSION_MS,
  NONE,
  type OriginFilter,
} from '../breakdown-types.ts';
import { summarizeDurations } from '../queries/stats-math.ts';
import { DistinctHashes } from './distinct.ts';
import type { DaySlice } from './segment.ts';

interface Totals {
  value: string | null;
  sessions: number;
  engaged: number;
  engagedSessions: number;
}

/** The dimensions a query reads: `by` and the filtered ones. */
export function dimensionsRead(by: Dimension, filter: OriginFilter | undefined): Dimension[] {
  const filtered = Object.entries(filter ?? {})
    .filter(([, value]) => value !== undefined)
    .map(([dimension]) => dimension as Dimension);
  return [...new Set([by, ...filtered])];
}

/**
 * Per filtered dimension, the column and the index a session must have in it; null when no session
 * of the day can pass (a filtered value the day never saw).
 */
function filterIndexes(
  day: DaySlice,
  filter: OriginFilter | undefined,
): [DaySlice['columns'][Dimension] & object, number][] | null {
  const wanted: [DaySlice['columns'][Dimension] & object, number][] = [];
  for (const [dimension, value] of Object.entries(filter ?? {}) as [Dimension, string | undefined][]) {
    if (value === undefined) continue;
    const column = day.columns[dimension];
    if (!column) throw new Error(`the ${dimension} column was not read`);
    const at = value === NONE ? 0 : column.dictionary.indexOf(value) + 1;
    if (at === 0 && value !== NONE) return null;
    wanted.push([column, at]);
  }
  return wanted;
}

function passes(i: number, wanted: [{ indexes: ArrayLike<number> }, number][]): boolean {
  for (const [column, at] of wanted) if (column.indexes[i] !== at) return false;
  return true;
}

/** Byte order, as SQL's `bytewise` collation orders; sessions without a value first. */
function compareValues(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** Whole seconds → sessions, in an array for the first hour (nearly all) and a map beyond. */
class SecondsHistogram {
  private readonly first = new Uint32Array(3600);
  private readonly beyond = new Map<number, number>();

  add(seconds: number): void {
    if (seconds < 3600) this.first[seconds]!++;
    else this.beyond.set(seconds, (this.beyond.get(seconds) ?? 0) + 1);
  }

  median(): number {
    const distribution: [number, number][] = [];
    this.first.forEach((n, seconds) => {
      if (n > 0) distribution.push([seconds, n]);
    });
    distribution.push(...[...this.beyond].sort((a, b) => a[0] - b[0]));
    return summarizeDurations(distribution).median;
  }
}

export function aggregateDays(
  days: readonly DaySlice[],
  query: { by: Dimension; filter?: OriginFilter | undefined; limit: number; offset: number },
): { items: BreakdownRow[]; more: boolean } {
  const totals = new Map<string | null, Totals>();
  // Per day: the filter's columns and each dictionary index's totals, for the second pass.
  const plans = days.map((day) => {
    const wanted = filterIndexes(day, query.filter);
    const column = day.columns[query.by];
    if (!column) throw new Error(`the ${query.by} column was not read`);
    if (wanted === null) return null;
    const slots: Totals[] = [null, ...column.dictionary].map((value) => {
      const slot = totals.get(value) ?? { value, sessions: 0, engaged: 0, engagedSessions: 0 };
      totals.set(value, slot);
      return slot;
    });
    const { indexes } = column;
    const engagedMs = day.engagedMs;
    for (let i = 0; i < day.sessions; i++) {
      if (wanted.length > 0 && !passes(i, wanted)) continue;
      const slot = slots[indexes[i]!]!;
      const engaged = engagedMs[i]!;
      slot.sessions++;
      slot.engaged += engaged;
      if (engaged >= ENGAGED_SESSION_MS) slot.engagedSessions++;
    }
    return { day, wanted, slots, indexes };
  });
  const ranked = [...totals.values()]
    .filter((t) => t.sessions > 0)
    .sort((a, b) => b.engaged - a.engaged || b.sessions - a.sessions || compareValues(a.value, b.value));
  const page = ranked.slice(query.offset, query.offset + query.limit);
  const shown = new Map(
    page.map((t) => [t, { people: new DistinctHashes(t.sessions), seconds: new SecondsHistogram() }]),
  );
  for (const plan of plans) {
    if (!plan) continue;
    const { day, wanted, slots, indexes } = plan;
    const detail = slots.map((slot) => shown.get(slot));
    if (!detail.some(Boolean)) continue;
    const { engagedMs, people } = day;
    for (let i = 0; i < day.sessions; i++) {
      const into = detail[indexes[i]!];
      if (!into || (wanted.length > 0 && !passes(i, wanted))) continue;
      const person = people[i]!;
      if (person >= 0) into.people.add(person);
      into.seconds.add(Math.floor(engagedMs[i]! / 1000));
    }
  }
  return {
    items: page.map((t) => {
      const { people, seconds } = shown.get(t)!;
      return {
        value: t.value,
        sessions: t.sessions,
        visitors: people.size,
        engagedMs: { total: t.engaged, median: seconds.median() },
        engagedSessions: t.engagedSessions,
      };
    }),
    more: ranked.length > query.offset + query.limit,
  };
}
