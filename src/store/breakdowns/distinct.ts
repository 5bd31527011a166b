// Counts distinct person hashes (non-negative integers below 2⁴⁸, segment.ts) in an open-addressing
// table of doubles: a Set of 450,000 such numbers allocates a heap number each and cost ~40 ms per
// breakdown; this costs a few.

export class DistinctHashes {
  private slots = new Float64Array(1024).fill(-1);
  private mask = 1023;
  size = 0;

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
