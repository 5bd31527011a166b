// Decoded breakdown columns kept in memory, by site, day, column and the day's count of changes:
// a past day's columns never change at one count, so a dashboard that asks for the same breakdowns
// again reads only which days are current (a few hundred bytes) instead of megabytes of columns.
// A day that changes gets a new count, and its old entries are never asked for again; they age out.
// Bounded by the bytes the decoded columns hold (DWELL's RSS target is per instance, issue #26).

import { LRUCache } from 'lru-cache';
import { type DecodedPart, partSize } from './segment.ts';

/** 32 MB: the big site of bench:query by source over 90 days is 6.5 MB. */
const MAX_BYTES = 32 * 1024 * 1024;

export class ColumnCache {
  private readonly entries: LRUCache<string, DecodedPart>;

  constructor(private readonly maxBytes = MAX_BYTES) {
    this.entries = new LRUCache({
      maxSize: maxBytes,
      sizeCalculation: (part) => Math.max(1, partSize(part)),
    });
  }

  get(site: number, day: number, changes: number, part: string): DecodedPart | undefined {
    return this.entries.get(`${site}:${day}:${changes}:${part}`);
  }

  set(site: number, day: number, changes: number, part: string, decoded: DecodedPart): void {
    // A column larger than the whole cache is read each time rather than evicting everything.
    if (partSize(decoded) > this.maxBytes / 4) return;
    this.entries.set(`${site}:${day}:${changes}:${part}`, decoded);
  }

  clear(): void {
    this.entries.clear();
  }
}
