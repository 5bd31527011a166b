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

function narrowest(indexes: readonly number[], size: number): DimensionColumn['indexes'] {
  if (size < 0xff) return Uint8Array.from(indexes);
  if (size < 0xffff) return Uint16Array.from(indexes);
  return Uint32Array.from(indexes);
}

/**
 * Builds a day's columns from its sessions added a page at a time, so a day of a million sessions
 * is built in slices with the event loop free between them (build-breakdown-days.ts).
 */
export class DayBuilder {
  private count = 0;
  private readonly dictionaries = DIMENSIONS.map(() => [] as string[]);
  private readonly lookups = DIMENSIONS.map(() => new Map<string, number>());
  private readonly indexes = DIMENSIONS.map(() => [] as number[]);
  private readonly engaged: number[] = [];
  private readonly people: number[] = [];

  add(session: SegmentSession): void {
    for (let d = 0; d < DIMENSIONS.length; d++) {
      const value = session.values[d] ?? null;
      let at = 0;
      if (value !== null) {
        const lookup = this.lookups[d]!;
        const known = lookup.get(value);
        if (known === undefined) {
          at = this.dictionaries[d]!.push(value);
          lookup.set(value, at);
        } else at = known;
      }
      this.indexes[d]!.push(at);
    }
    this.engaged.push(session.engagedMs);
    this.people.push(session.person === null ? -1 : personHash(session.person));
    this.count++;
  }

  finish(): DaySlice {
    const columns: DaySlice['columns'] = {};
    DIMENSIONS.forEach((dimension, d) => {
      const dictionary = this.dictionaries[d]!;
      columns[dimension] = { dictionary, indexes: narrowest(this.indexes[d]!, dictionary.length) };
    });
    const engaged = this.engaged;
    return {
      sessions: this.count,
      // Whole milliseconds below 2³² (49 days) fit in half the bytes; anything else stays exact.
      engagedMs: engaged.every((ms) => Number.isInteger(ms) && ms >= 0 && ms < 2 ** 32)
        ? Uint32Array.from(engaged)
        : Float64Array.from(engaged),
      people: Float64Array.from(this.people),
      columns,
    };
  }
}

export function buildDay(sessions: readonly SegmentSession[]): DaySlice {
  const builder = new DayBuilder();
  for (const session of sessions) builder.add(session);
  return builder.finish();
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

/** A stored column, decoded: the core's arrays or a dimension's dictionary and indexes. */
export type DecodedPart = Pick<DaySlice, 'engagedMs' | 'people'> | DimensionColumn;

/** One stored column; null when it is of another format or unreadable (its day is rebuilt). */
export function decodePart(part: string, bytes: Uint8Array): DecodedPart | null {
  if (part !== CORE && !(DIMENSIONS as string[]).includes(part)) return null;
  try {
    const { format, ...value } = deserialize(bytes) as { format?: number };
    return format === FORMAT ? (value as DecodedPart) : null;
  } catch {
    return null;
  }
}

/** The bytes a decoded column holds in memory, roughly (the column cache's measure). */
export function partSize(decoded: DecodedPart): number {
  if ('people' in decoded) return decoded.people.byteLength + decoded.engagedMs.byteLength;
  return decoded.indexes.byteLength + decoded.dictionary.reduce((n, value) => n + 40 + value.length * 2, 0);
}

/** A day from its core and some dimensions' columns; null without a core or with a bad part. */
export function assembleDay(parts: ReadonlyMap<string, DecodedPart | null>): DaySlice | null {
  const core = parts.get(CORE);
  if (!core || !('people' in core)) return null;
  const columns: DaySlice['columns'] = {};
  for (const [part, decoded] of parts) {
    if (part === CORE) continue;
    if (!decoded || 'people' in decoded) return null;
    columns[part as Dimension] = decoded;
  }
  return { sessions: core.people.length, engagedMs: core.engagedMs, people: core.people, columns };
}

/** A day from some of its stored columns, as stored (tests; reads go through the column cache). */
export function decodeDay(parts: readonly { part: string; bytes: Uint8Array }[]): DaySlice | null {
  return assembleDay(new Map(parts.map(({ part, bytes }) => [part, decodePart(part, bytes)])));
}
