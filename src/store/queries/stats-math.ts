// The arithmetic of the stats endpoint, shared by every engine: percentiles and the histogram
// from a distribution of whole-second durations, and days as day numbers of a site's calendar.
//
// Percentiles are nearest-rank over `duration` (whole seconds, API.md), reported in ms: the median
// of sessions of 10.4 s, 20.7 s and 31 s is 20000. Rollups keep the distribution per second, so the
// figures are exact at that resolution however many sessions there are.

import { dayRangeIn } from '../../sites/index.ts';
import type { HistogramBucket, SiteScope, Stats } from '../query-types.ts';
import { raw, type Sql, sql } from '../sql.ts';

export const DAY_MS = 86_400_000;

/** Histogram upper bounds in ms (a session falls in the first bucket its duration fits); null = more. */
export const HISTOGRAM_BOUNDS_MS: (number | null)[] = [
  10_000,
  30_000,
  60_000,
  120_000,
  300_000,
  600_000,
  1_800_000,
  null,
];

/** [seconds, sessions] pairs, ascending by seconds. */
export type Distribution = [seconds: number, sessions: number][];

export function summarizeDurations(distribution: Distribution): {
  median: number;
  p90: number;
  histogram: HistogramBucket[];
} {
  const total = distribution.reduce((sum, [, n]) => sum + n, 0);
  const histogram = HISTOGRAM_BOUNDS_MS.map((le) => ({ le, count: 0 }));
  for (const [seconds, n] of distribution) {
    const bucket = histogram.find((b) => b.le === null || seconds * 1000 <= b.le)!;
    bucket.count += n;
  }
  return {
    median: percentile(distribution, total, 0.5),
    p90: percentile(distribution, total, 0.9),
    histogram,
  };
}

function percentile(distribution: Distribution, total: number, p: number): number {
  if (total === 0) return 0;
  const rank = Math.max(1, Math.ceil(p * total));
  let seen = 0;
  for (const [seconds, n] of distribution) {
    seen += n;
    if (seen >= rank) return seconds * 1000;
  }
  return (distribution[distribution.length - 1]?.[0] ?? 0) * 1000;
}

/** Day numbers [fromDay, toDay) that a [from, to) range touches in the site's calendar (UTC without one). */
export function dayRange(from: number, to: number, site?: SiteScope): { fromDay: number; toDay: number } {
  return dayRangeIn(from, to, site?.timeZone ?? 'UTC');
}

/** `site.pk = …` for a table aliased `alias` (or unqualified), or nothing without a site. */
export function siteClause(site: { pk: number } | number | undefined, alias = ''): Sql {
  if (site === undefined) return raw('');
  const column = raw(alias ? `${alias}.site` : 'site');
  return sql`AND ${column} = ${typeof site === 'number' ? site : site.pk}`;
}

export function dayName(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** One entry per day of the range, zeros where nothing happened (charts need the gaps). */
export function fillDays(
  fromDay: number,
  toDay: number,
  rows: Map<number, { sessions: number; engagedMs: number }>,
): { day: string; sessions: number; engagedMs: number }[] {
  const days = [];
  for (let d = fromDay; d < toDay; d++) {
    const row = rows.get(d);
    days.push({ day: dayName(d), sessions: row?.sessions ?? 0, engagedMs: row?.engagedMs ?? 0 });
  }
  return days;
}

/** The Stats answer from per-day totals, the duration distribution, visitors and top pages. */
export function assembleStats(
  fromDay: number,
  toDay: number,
  byDay: Map<number, { sessions: number; engagedMs: number }>,
  distribution: Distribution,
  visitors: number,
  byPage: Stats['byPage'],
): Stats {
  let sessions = 0;
  let total = 0;
  for (const day of byDay.values()) {
    sessions += day.sessions;
    total += day.engagedMs;
  }
  const { median, p90, histogram } = summarizeDurations(distribution);
  return {
    sessions,
    visitors,
    engagedMs: { total, median, p90 },
    histogram,
    byDay: fillDays(fromDay, toDay, byDay),
    byPage,
  };
}
