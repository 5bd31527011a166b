// One day of one site's sessions as breakdowns need them, packed in columns: for each session, the
// index of its value in each origin dimension's dictionary, its engaged time and a hash of its
// person. A breakdown of 90 days reads 90 of these (~36 bytes a session) instead of the range's
// session rows, and any `by=` with any filter is answered from the same columns (aggregate.ts).
//
// People are kept as 48-bit hashes of their key (email, else visitor key), so distinct people over
// many days are counted without their keys: any two of n people of one range share a hash with odds
// of about n² / 2⁴⁹ (1 in 560 for a million people; the count is then one too small).

import { createHash } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';
import { DIMENSIONS } from '../breakdown-types.ts';

/** What a segment is built from: one session, its values in DIMENSIONS order. */
export interface SegmentSession {
  values: readonly (string | null)[];
  engagedMs: number;
  /** The person's key (person-key.ts), null for a session without one. */
  person: string | null;
}

export interface Segment {
  sessions: number;
  /** Per dimension (DIMENSIONS order), its values; a session's index i means dictionary[i - 1], 0 none. */
  dictionaries: string[][];
  /** Per dimension, each session's index into its dictionary. */
  values: (Uint16Array | Uint32Array)[];
  engagedMs: Float64Array;
  /** Each session's person hash; -1 for none. */
  people: Float64Array;
}

/** Bumped when the layout changes: a segment of another format is rebuilt, never misread. */
const FORMAT = 1;

export function personHash(key: string): number {
  return createHash('sha256').update(key).digest().readUIntBE(0, 6);
}

export function buildSegment(sessions: readonly SegmentSession[]): Segment {
  const count = sessions.length;
  const dictionaries: string[][] = [];
  const values: (Uint16Array | Uint32Array)[] = [];
  for (let d = 0; d < DIMENSIONS.length; d++) {
    const dictionary: string[] = [];
    const index = new Map<string, number>();
    const column = new Uint32Array(count);
    for (let i = 0; i < count; i++) {
      const value = sessions[i]!.values[d] ?? null;
      if (value === null) continue;
      let at = index.get(value);
      if (at === undefined) {
        at = dictionary.push(value);
        index.set(value, at);
      }
      column[i] = at;
    }
    dictionaries.push(dictionary);
    values.push(dictionary.length < 0xffff ? Uint16Array.from(column) : column);
  }
  return {
    sessions: count,
    dictionaries,
    values,
    engagedMs: Float64Array.from(sessions, (s) => s.engagedMs),
    people: Float64Array.from(sessions, (s) => (s.person === null ? -1 : personHash(s.person))),
  };
}

export function encodeSegment(segment: Segment): Buffer {
  return serialize({ format: FORMAT, dimensions: DIMENSIONS, ...segment });
}

/** The segment, or null when it was written in another format (or with other dimensions). */
export function decodeSegment(bytes: Uint8Array): Segment | null {
  try {
    const { format, dimensions, ...segment } = deserialize(bytes) as Segment & {
      format?: number;
      dimensions?: string[];
    };
    if (format !== FORMAT || dimensions?.join() !== DIMENSIONS.join()) return null;
    return segment;
  } catch {
    return null;
  }
}
