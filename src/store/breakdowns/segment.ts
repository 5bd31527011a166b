// One day of one site's sessions as breakdowns need them, in columns: for each origin dimension,
// its values' dictionary and each session's index into it; and a core of each session's engaged
// time and a hash of its person. Each column is stored on its own (breakdown_columns), so a
// breakdown by source over 90 days reads 90 cores and 90 source columns (~13 bytes a session)
// instead of the range's session rows, and any `by=` with any filter is answered from the columns
// it names (aggregate.ts).
//
// People are kept as 48-bit hashes of their key (email, else visitor key), so distinct people over
// many days are counted without their keys: any two of n people of one range share a hash with odds
// of about n² / 2⁴⁹ (1 in 560 for a million people; the count is then one too small).

import { createHash } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';
import { DIMENSIONS, type Dimension } from '../breakdown-types.ts';

/** What a day is built from: one session, its values in DIMENSIONS order. */
export interface SegmentSession {
  values: readonly (string | null)[];
  engagedMs: number;
  /** The person's key (person-key.ts), null for a session without one. */
  person: string | null;
}

export interface DimensionColumn {
  /** A session's index i means dictionary[i - 1]; 0 means none. */
  dictionary: string[];
  indexes: Uint8Array | Uint16Array | Uint32Array;
}

/** A day's sessions, with the columns of some dimensions (all when built, those read otherwise). */
export interface DaySlice {
  sessions: number;
  engagedMs: Float64Array | Uint32Array;
  /** Each session's person hash; -1 for none. */
  people: Float64Array;
  columns: Partial<Record<Dimension, DimensionColumn>>;
}

/** The name of the core column (engaged time and people) beside the dimensions' own. */
export const CORE = 'core';

/** Bumped when the layout changes: a column of another format is rebuilt, never misread. */
const FORMAT = 2;

export function personHash(key: string): number {
  return createHash('sha256').update(key).digest().readUIntBE(0, 6);
}

function narrowest(indexes: Uint32Array, size: number): DimensionColumn['indexes'] {
  if (size < 0xff) return Uint8Array.from(indexes);
  if (size < 0xffff) return Uint16Array.from(indexes);
  return indexes;
}

export function buildDay(sessions: readonly SegmentSession[]): DaySlice {
  const count = sessions.length;
  const columns: DaySlice['columns'] = {};
  DIMENSIONS.forEach((dimension, d) => {
    const dictionary: string[] = [];
    const index = new Map<string, number>();
    const indexes = new Uint32Array(count);
    for (let i = 0; i < count; i++) {
      const value = sessions[i]!.values[d] ?? null;
      if (value === null) continue;
      let at = index.get(value);
      if (at === undefined) {
        at = dictionary.push(value);
        index.set(value, at);
      }
      indexes[i] = at;
    }
    columns[dimension] = { dictionary, indexes: narrowest(indexes, dictionary.length) };
  });
  const engaged = Float64Array.from(sessions, (s) => s.engagedMs);
  return {
    sessions: count,
    // Whole milliseconds below 2³² (49 days) fit in half the bytes; anything else stays exact.
    engagedMs: engaged.every((ms) => Number.isInteger(ms) && ms >= 0 && ms < 2 ** 32)
      ? Uint32Array.from(engaged)
      : engaged,
    people: Float64Array.from(sessions, (s) => (s.person === null ? -1 : personHash(s.person))),
    columns,
  };
}

/** The day's columns as stored: the core and one per dimension. */
export function encodeDay(day: DaySlice): { part: string; bytes: Buffer }[] {
  return [
    { part: CORE, bytes: serialize({ format: FORMAT, engagedMs: day.engagedMs, people: day.people }) },
    ...DIMENSIONS.map((dimension) => ({
      part: dimension,
      bytes: serialize({ format: FORMAT, ...day.columns[dimension]! }),
    })),
  ];
}

/**
 * A day from some of its stored columns (the core and the dimensions read); null when one is of
 * another format or missing, so the caller reads that day from its sessions instead.
 */
export function decodeDay(parts: readonly { part: string; bytes: Uint8Array }[]): DaySlice | null {
  try {
    type Core = Pick<DaySlice, 'engagedMs' | 'people'>;
    let core: Core | null = null;
    const columns: DaySlice['columns'] = {};
    for (const { part, bytes } of parts) {
      const { format, ...value } = deserialize(bytes) as { format?: number };
      if (format !== FORMAT) return null;
      if (part === CORE) core = value as Core;
      else if ((DIMENSIONS as string[]).includes(part)) columns[part as Dimension] = value as DimensionColumn;
      else return null;
    }
    if (!core) return null;
    return { sessions: core.people.length, engagedMs: core.engagedMs, people: core.people, columns };
  } catch {
    return null;
  }
}
