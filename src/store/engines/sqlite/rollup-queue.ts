// SQLite's side of the rollup fold (fold/rollup-fold.ts): one connection writes at a time, so a
// fold needs no lock of its own, and the deltas it takes are the oldest ones up to an id.

import type { RollupQueue } from '../../fold/rollup-fold.ts';
import { type Db, raw, sql } from '../../sql.ts';

async function takeFrom(
  tx: Db,
  queue: string,
  into: string,
  columns: string,
  limit: number,
): Promise<number> {
  const [last] = await tx.all<{ id: number | null; n: number }>(
    sql`SELECT max(id) AS id, count(*) AS n FROM (SELECT id FROM ${raw(queue)} ORDER BY id LIMIT ${limit})`,
  );
  if (!last || last.id === null) return 0;
  await tx.run(sql`INSERT INTO ${raw(into)} (${raw(columns)})
    SELECT ${raw(columns)} FROM ${raw(queue)} WHERE id <= ${last.id}`);
  await tx.run(sql`DELETE FROM ${raw(queue)} WHERE id <= ${last.id}`);
  return last.n;
}

export const sqliteRollupQueue: RollupQueue = {
  lock: async () => true,
  take: takeFrom,
};
