// Applies the beat deltas that the beat trigger left in rollup_pending (rollups-sql.ts) to the
// rollups, in one transaction of four statements. Per beat that is a share of a sorted
// bulk update instead of four updates at random places in three tables, each dirtying a page of
// its own in the WAL (docs/benchmarks.md has the measured difference).
//
// A fold is exact however many beats came in between: each row carries the day and visitor it
// counts for, and a session's successive rows telescope (old → new, new → newer), so their sum is
// the move from the first value to the last. Purges fold first (sqlite-store.ts); the property test
// in test/store/sqlite-rollups.test.ts compares the rollups with a rebuild after any mix of writes.

import type Database from 'better-sqlite3';

const APPLY = [
  `UPDATE rollup_days SET engaged_ms = rollup_days.engaged_ms + d.ms
     FROM (SELECT day, sum(new_ms - old_ms) AS ms FROM rollup_pending GROUP BY day) AS d
     WHERE rollup_days.day = d.day AND d.ms <> 0`,
  // Each row moves one session from the bucket of its old duration to that of its new one.
  `INSERT INTO rollup_durations (day, seconds, sessions)
     SELECT day, seconds, sum(n) FROM (
       SELECT day, old_ms / 1000 AS seconds, -1 AS n FROM rollup_pending
       UNION ALL SELECT day, new_ms / 1000, 1 FROM rollup_pending)
     WHERE true GROUP BY day, seconds HAVING sum(n) <> 0
     ON CONFLICT (day, seconds) DO UPDATE SET sessions = sessions + excluded.sessions`,
  `UPDATE rollup_visitor_days SET
       engaged_ms = rollup_visitor_days.engaged_ms + d.ms,
       last_at = max(rollup_visitor_days.last_at, d.last_at)
     FROM (SELECT day, vid, sum(new_ms - old_ms) AS ms, max(last_at) AS last_at
           FROM rollup_pending WHERE vid IS NOT NULL GROUP BY day, vid) AS d
     WHERE rollup_visitor_days.day = d.day AND rollup_visitor_days.vid = d.vid`,
];

export class RollupFolder {
  private readonly any: Database.Statement;
  private readonly fold: () => number;

  constructor(db: Database.Database) {
    this.any = db.prepare('SELECT EXISTS (SELECT 1 FROM rollup_pending)').pluck();
    const apply = APPLY.map((sql) => db.prepare(sql));
    const clear = db.prepare('DELETE FROM rollup_pending');
    // IMMEDIATE: the write lock is taken first, so another connection folding or writing at the
    // same time makes this one wait (busy_timeout) instead of failing to upgrade its read.
    this.fold = db.transaction(() => {
      for (const statement of apply) statement.run();
      return clear.run().changes;
    }).immediate;
  }

  /** Folds every pending delta into the rollups; returns how many rows it folded. */
  foldPending(): number {
    return this.any.get() ? this.fold() : 0;
  }
}
