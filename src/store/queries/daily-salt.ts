// The salt of the day's visitor keys, created on first use. Yesterday's is deleted once today's
// exists, so visitor keys cannot be linked across days.

import { randomBytes } from 'node:crypto';
import { type Db, sql } from '../sql.ts';

export function dailySalt(db: Db, day: string): Promise<Buffer> {
  return db.transaction(async (tx) => {
    await tx.run(
      sql`INSERT INTO salts (day, salt) VALUES (${day}, ${randomBytes(32)}) ON CONFLICT (day) DO NOTHING`,
    );
    await tx.run(sql`DELETE FROM salts WHERE day <> ${day}`);
    const [row] = await tx.all<{ salt: Buffer }>(sql`SELECT salt FROM salts WHERE day = ${day}`);
    return row!.salt;
  });
}
