// npm run bench:store — the store alone, without HTTP: beats/s and µs per beat of each engine's
// recordBeat with 1,000,000 sessions stored and 100,000 active, 64 callers each awaiting its beat
// (as 64 connections do), so beats group-commit as they do in the server. Side by side in one run,
// in interleaved rounds (BENCH_ROUNDS, default 3; medians):
//   - SQLite, beats' rollup deltas folded in bulk (migration 4, what runs),
//   - SQLite with migration 3's beat trigger (three rollups updated per beat), for comparison,
//   - PostgreSQL.
// BENCH_SESSIONS, BENCH_ACTIVE and BENCH_BEATS (per round, default 60,000) change the sizes.

import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresStore } from '../src/store/postgres/postgres-store.ts';
import { beatTriggerV3 } from '../src/store/sqlite/rollups-sql.ts';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.ts';
import type { Store } from '../src/store/types.ts';
import { seedPostgres, seedSqlite } from './ingest/seed.ts';
import { ACTIVE, median, PG_BASE, ROUNDS, SESSIONS } from './settings.ts';

const BEATS = Number(process.env.BENCH_BEATS ?? 60_000);
const CALLERS = 64;
const PG_SCHEMA = 'dwell_bench_store';
// A long timeout: the seeded sessions must stay open however long the run takes.
const rules = { intervalMs: 15_000, timeoutMs: 86_400_000, toleranceMs: 2_000 };

interface Active {
  id: string;
  tokenHash: Buffer;
  seq: number;
  /** One page per session, as bench/ingest/beat.lua sends. */
  url: string;
}

function readActive(idsFile: string): Active[] {
  return readFileSync(idsFile, 'utf8')
    .trim()
    .split('\n')
    .map((line, i) => {
      const [id, token] = line.split(' ') as [string, string];
      const tokenHash = createHash('sha256').update(token).digest();
      return { id, tokenHash, seq: Date.now(), url: `https://site.test/p${i % 50}` };
    });
}

/** `beats` beats from 64 concurrent callers on random active sessions; returns beats/s. */
async function drive(store: Store, active: Active[], beats: number): Promise<number> {
  let left = beats;
  const caller = async () => {
    while (left-- > 0) {
      const session = active[Math.floor(Math.random() * active.length)]!;
      session.seq += 1;
      const result = await store.recordBeat({
        sessionId: session.id,
        tokenHash: session.tokenHash,
        seq: session.seq,
        engagedMs: 1_000,
        url: session.url,
      });
      if (result.kind !== 'accepted') throw new Error(`beat refused: ${result.kind}`);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CALLERS }, caller));
  return beats / ((performance.now() - started) / 1000);
}

interface Contender {
  name: string;
  run: () => Promise<number>;
}

const dir = mkdtempSync(join(tmpdir(), 'dwell-bench-store-'));
try {
  const seeded = join(dir, 'seeded.db');
  const sqliteIds = join(dir, 'sqlite-ids.txt');
  const pgIds = join(dir, 'pg-ids.txt');
  process.stdout.write(
    `seeding ${SESSIONS.toLocaleString('en')} sessions (${ACTIVE.toLocaleString('en')} active) into SQLite and PostgreSQL…\n`,
  );
  await seedSqlite(seeded, SESSIONS, ACTIVE, sqliteIds);
  await seedPostgres(PG_BASE, PG_SCHEMA, SESSIONS, ACTIVE, pgIds);
  const sqliteActive = readActive(sqliteIds);
  const pgActive = readActive(pgIds);

  /** A fresh copy of the seeded file per run, so every run starts from the same state. */
  const sqlite = (name: string, prepare?: (store: SqliteStore) => void): Contender => ({
    name,
    async run() {
      const path = join(dir, 'run.db');
      copyFileSync(seeded, path);
      const store = new SqliteStore({ path, rules });
      try {
        await store.migrate();
        prepare?.(store);
        await drive(store, sqliteActive, 5_000);
        return await drive(store, sqliteActive, BEATS);
      } finally {
        await store.close();
        for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
      }
    },
  });
  const contenders: Contender[] = [
    sqlite('SQLite, rollup deltas folded in bulk (migration 4)'),
    sqlite("SQLite, migration 3's per-beat rollup trigger", (store) =>
      store.db.exec(`DROP TRIGGER sessions_rollup_beat; ${beatTriggerV3}`),
    ),
    {
      name: 'PostgreSQL',
      async run() {
        const store = new PostgresStore({ url: PG_BASE, schema: PG_SCHEMA, rules });
        try {
          await store.migrate();
          await drive(store, pgActive, 5_000);
          return await drive(store, pgActive, BEATS);
        } finally {
          await store.close();
        }
      },
    },
  ];

  const rounds = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  for (let round = 1; round <= ROUNDS; round++) {
    process.stdout.write(`round ${round} of ${ROUNDS}, ${BEATS.toLocaleString('en')} beats each:\n`);
    for (const contender of contenders) {
      const rate = await contender.run();
      rounds.get(contender.name)!.push(rate);
      process.stdout.write(`  ${contender.name}: ${Math.round(rate).toLocaleString('en')} beats/s\n`);
    }
  }
  process.stdout.write(`\nmedians of ${ROUNDS} interleaved rounds (store alone, no HTTP):\n\n`);
  process.stdout.write('| store | beats/s | µs per beat |\n|---|---:|---:|\n');
  for (const contender of contenders) {
    const rate = median(rounds.get(contender.name)!);
    process.stdout.write(
      `| ${contender.name} | ${Math.round(rate).toLocaleString('en')} | ${(1e6 / rate).toFixed(0)} |\n`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
