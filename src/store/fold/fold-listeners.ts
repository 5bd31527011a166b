// Who hears about folded beats (the live view, the metrics). A listener that throws is not the
// fold's problem: the beats are committed already.

import type { FoldedBeat } from '../types.ts';

export class FoldListeners {
  private readonly listeners = new Set<(beats: FoldedBeat[]) => void>();

  add(listener: (beats: FoldedBeat[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(beats: FoldedBeat[]): void {
    if (beats.length === 0) return;
    for (const listener of this.listeners) {
      try {
        listener(beats);
      } catch {}
    }
  }
}
