// The attribution rule of the sections add-on (issue #17), without the DOM so it is unit-tested on
// its own: which marked sections a stretch of engaged time goes to, and how it is split.

/** As on the wire (API.md "Ingest"): [name, engagedMs, position in page order]. */
export type SectionTuple = [name: string, engagedMs: number, position: number];

/** The most sections a page reports; the server refuses more (API.md). */
export const MAX_SECTIONS = 64;
export const MAX_NAME = 100;

/** What the rule needs of a section element. */
export interface SectionLike<T> {
  contains(other: T): boolean;
}

/**
 * The sections being read: those crossing the reading line (the horizontal line at half the
 * viewport's height), except one that contains another crossing one — the inner, more specific
 * section wins over the chapter around it.
 */
export function readingSections<T extends SectionLike<T>>(crossing: readonly T[]): T[] {
  return crossing.filter((s) => !crossing.some((other) => other !== s && s.contains(other)));
}

/**
 * Adds `ms` of engaged time to the sections read, in equal whole-millisecond shares (the first ones
 * take the remainder), so the beat's sections sum to exactly the time credited to the page.
 * A name seen twice on a page is one section, at the position of its first element.
 */
export function addSectionTime(
  tuples: SectionTuple[],
  reading: readonly { name: string; position: number }[],
  ms: number,
): SectionTuple[] {
  const count = reading.length;
  if (ms <= 0 || count === 0) return tuples;
  const share = Math.floor(ms / count);
  reading.forEach(({ name, position }, i) => {
    const add = share + (i < ms % count ? 1 : 0);
    if (!add) return;
    const tuple = tuples.find((t) => t[0] === name);
    if (tuple) tuple[1] += add;
    else if (tuples.length < MAX_SECTIONS) tuples.push([name, add, position]);
  });
  return tuples;
}
