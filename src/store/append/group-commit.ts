// Group commit, written once for every engine: requests queued in one event-loop turn go to the
// database as one batch (one transaction or one statement), and each is answered when its batch
// is committed. A failed batch rejects every request in it; nothing is answered before its commit.

interface Pending<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitOptions<T, R> {
  /** Writes one batch and answers each item, in order. Throws to fail the whole batch. */
  apply: (items: T[]) => R[] | Promise<R[]>;
  /** Batches in flight at once (PostgreSQL pipelines a few; SQLite has one writer). */
  concurrency?: number;
}

export class GroupCommit<T, R> {
  private queue: Pending<T, R>[] = [];
  private inFlight = 0;
  private scheduled = false;
  private readonly drained = new Set<() => void>();
  private readonly concurrency: number;

  constructor(private readonly options: GroupCommitOptions<T, R>) {
    this.concurrency = options.concurrency ?? 1;
  }

  submit(item: T): Promise<R> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves once every submitted item is answered. */
  async drain(): Promise<void> {
    if (this.inFlight === 0 && this.queue.length === 0) return;
    this.schedule();
    await new Promise<void>((resolve) => this.drained.add(resolve));
  }

  private schedule(): void {
    if (this.scheduled || this.queue.length === 0 || this.inFlight >= this.concurrency) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    this.inFlight++;
    try {
      const results = await this.options.apply(batch.map((p) => p.item));
      for (const [i, pending] of batch.entries()) pending.resolve(results[i]!);
    } catch (error) {
      for (const pending of batch) pending.reject(error);
    } finally {
      this.inFlight--;
      if (this.inFlight === 0 && this.queue.length === 0) {
        for (const done of this.drained) done();
        this.drained.clear();
      }
      this.schedule();
    }
  }
}
