// Days in a site's time zone (issue #23): which local calendar date an instant falls on, and when
// a local date begins, correct across daylight-saving changes and the odd skipped day.
//
// A day number counts days since 1970-01-01 of the *local* calendar date, so for UTC it is
// Math.floor(ms / DAY_MS), the same number the UTC rollups use. Local dates are not monotonic in
// every zone: where clocks fall back across midnight, the end of a day repeats after the next one
// began. Each instant still has exactly one local date, which is all the rollups need.

export const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** Offsets cached per zone and UTC hour; cleared when full, since readings cluster around now. */
const CACHED_HOURS_PER_ZONE = 4_096;

interface Zone {
  format: Intl.DateTimeFormat;
  /** UTC hour index → the zone's offset throughout that hour, for hours without a transition. */
  hours: Map<number, number>;
}

const zones = new Map<string, Zone>();

function zoneFor(timeZone: string): Zone {
  let zone = zones.get(timeZone);
  if (zone === undefined) {
    // One formatter per zone: constructing one costs far more than formatting with it.
    const format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    zone = { format, hours: new Map() };
    zones.set(timeZone, zone);
  }
  return zone;
}

/** The zone's offset from UTC at `ms`, in ms (local = UTC + offset), read from Intl each time. */
function readOffset(zone: Zone, ms: number): number {
  let year = 0;
  let month = 1;
  let day = 1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let bc = false;
  for (const part of zone.format.formatToParts(ms)) {
    switch (part.type) {
      case 'year':
        year = Number(part.value);
        break;
      case 'month':
        month = Number(part.value);
        break;
      case 'day':
        day = Number(part.value);
        break;
      case 'hour':
        hour = Number(part.value);
        break;
      case 'minute':
        minute = Number(part.value);
        break;
      case 'second':
        second = Number(part.value);
        break;
      case 'era':
        bc = part.value === 'BC';
        break;
    }
  }
  // setUTCFullYear, because Date.UTC reads years 0–99 as 1900–1999.
  const local = new Date(0);
  local.setUTCFullYear(bc ? 1 - year : year, month - 1, day);
  local.setUTCHours(hour, minute, second);
  const wholeSecond = ms - (((ms % 1000) + 1000) % 1000);
  return local.getTime() - wholeSecond;
}

/**
 * The offset of `timeZone` from UTC at `ms`, in ms. Cached per UTC hour: an hour whose two ends
 * share an offset is assumed to hold no transition (no zone has ever changed its clocks twice
 * within an hour); the rare hour that holds one is read from Intl on every call.
 */
export function utcOffsetMs(ms: number, timeZone: string): number {
  if (timeZone === 'UTC') return 0;
  const zone = zoneFor(timeZone);
  const hour = Math.floor(ms / HOUR_MS);
  const cached = zone.hours.get(hour);
  if (cached !== undefined) return cached;
  const first = readOffset(zone, hour * HOUR_MS);
  const last = readOffset(zone, hour * HOUR_MS + HOUR_MS - 1);
  if (first !== last) return readOffset(zone, ms);
  if (zone.hours.size >= CACHED_HOURS_PER_ZONE) zone.hours.clear();
  zone.hours.set(hour, first);
  return first;
}

/** The local calendar date of the instant `ms` in `timeZone`, as a day number. */
export function localDay(ms: number, timeZone: string): number {
  if (timeZone === 'UTC') return Math.floor(ms / DAY_MS);
  return Math.floor((ms + utcOffsetMs(ms, timeZone)) / DAY_MS);
}

/**
 * The first instant of local date `day` in `timeZone`: its midnight, or where clocks jump over
 * midnight (America/Santiago, Asia/Beirut), the first instant after the jump. A date that does
 * not exist at all (Pacific/Apia skipped 2011-12-30) gets the start of the next existing date,
 * so [dayStart(d), dayStart(d + 1)) is empty for it and holds no instant.
 */
export function dayStart(day: number, timeZone: string): number {
  const midnightUtc = day * DAY_MS;
  if (timeZone === 'UTC') return midnightUtc;
  const start = startFromOffsets(day, timeZone);
  const isStart = localDay(start, timeZone) >= day && localDay(start - 1, timeZone) < day;
  return isStart ? start : startByScan(day, timeZone);
}

/**
 * The usual case, in a few offset readings. Local midnight lies within a day of midnight UTC
 * (offsets stay under 16 h), so the offsets a day either side are the only ones it can be read in.
 */
function startFromOffsets(day: number, timeZone: string): number {
  const midnightUtc = day * DAY_MS;
  const before = utcOffsetMs(midnightUtc - DAY_MS, timeZone);
  const after = utcOffsetMs(midnightUtc + DAY_MS, timeZone);
  let first = Infinity;
  // Both can hold where clocks fall back across midnight: that midnight happens twice.
  for (const offset of before === after ? [before] : [before, after]) {
    const candidate = midnightUtc - offset;
    if (utcOffsetMs(candidate, timeZone) === offset) first = Math.min(first, candidate);
  }
  if (first !== Infinity) return first;
  // Midnight fell into a gap: the day begins at the transition, the first instant after
  // (midnightUtc - after) that no longer reads the old offset.
  return firstInstantWhere(
    midnightUtc - after,
    midnightUtc - before,
    (ms) => utcOffsetMs(ms, timeZone) !== before,
  );
}

/** The slow, assumption-free way, for zones whose history defeats the usual one. */
function startByScan(day: number, timeZone: string): number {
  const reached = (ms: number) => localDay(ms, timeZone) >= day;
  for (let ms = day * DAY_MS - 17 * HOUR_MS; ms < day * DAY_MS + 17 * HOUR_MS; ms += HOUR_MS) {
    if (reached(ms + HOUR_MS)) return reached(ms) ? ms : firstInstantWhere(ms, ms + HOUR_MS, reached);
  }
  return day * DAY_MS;
}

/** Bisects (lo, hi] for the first instant where `test` holds, given it fails at lo and holds at hi. */
function firstInstantWhere(lo: number, hi: number, test: (ms: number) => boolean): number {
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (test(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** How long local date `day` lasts in `timeZone`: 23, 24 or 25 h around daylight saving; 0 if skipped. */
export function dayLengthMs(day: number, timeZone: string): number {
  return dayStart(day + 1, timeZone) - dayStart(day, timeZone);
}

/**
 * The local days [fromDay, toDay) that the instants [from, to) fall on, at least one. For UTC it
 * equals the store's `dayRange`.
 */
export function dayRangeIn(from: number, to: number, timeZone: string): { fromDay: number; toDay: number } {
  const fromDay = localDay(from, timeZone);
  const lastDay = localDay(to, timeZone);
  // `to` itself is excluded: if it is the very start of its day, that day is not touched.
  const toDay = dayStart(lastDay, timeZone) < to ? lastDay + 1 : lastDay;
  return { fromDay, toDay: Math.max(fromDay + 1, toDay) };
}

/** 'YYYY-MM-DD' for a day number. */
export function dayName(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The day number of a 'YYYY-MM-DD' date, or null if it is not one (2026-02-30 is not). */
export function parseDayName(name: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(name);
  if (match === null) return null;
  const date = new Date(0);
  date.setUTCFullYear(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  const day = Math.floor(date.getTime() / DAY_MS);
  return dayName(day) === name ? day : null;
}
