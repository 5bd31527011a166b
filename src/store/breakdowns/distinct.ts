// Counts distinct person hashes (non-negative integers below 2⁴⁸, segment.ts) in an open-addressing
// table of doubles: a Set of 450,000 such numbers allocates a heap number each and cost ~40 ms per
// breakdown; this costs a few.

export class DistinctHashes {
  private slots: Float64Array;
  private mask: number;
  size = 0;

  /** `expected`: how many may come at most (a value's sessions), so the table never grows. */
  constructor(expected = 512) {
    let capacity = 1024;
    while (capacity < expected * 2) capacity *= 2;
    this.slots = new Float64Array(capacity).fill(-1);
    this.mask = capacity - 1;
  }

  add(hash: number): void {
    // The hashes are uniform already: their low 32 bits pick the slot.
    let at = (hash >>> 0) & this.mask;
    for (;;) {
      const held = this.slots[at]!;
      if (held === hash) return;
      if (held === -1) break;
      at = (at + 1) & this.mask;
    }
    this.slots[at] = hash;
    if (++this.size * 2 > this.slots.length) this.grow();
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Float64Array(old.length * 2).fill(-1);
    this.mask = this.slots.length - 1;
    this.size = 0;
    for (const hash of old) if (hash !== -1) this.add(hash);
  }
}
