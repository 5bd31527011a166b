// npm run bench:store — the engine alone, without HTTP, in its two halves: how fast the request
// path appends beats (64 callers each awaiting its beat, as 64 connections do, so beats
// group-commit as they do in the server) and how fast the fold turns them into sessions, pages and
// rollups (the journal's fold and the rollup fold apart), in µs per beat, with 1,000,000 sessions
// stored and 100,000 active. SQLite and PostgreSQL side by side in interleaved rounds
// (BENCH_ROUNDS, default 3; medians).
// BENCH_SESSIONS, BENCH_ACTIVE and BENCH_BEATS (per round, default 60,000) change the sizes;
// BENCH_ENGINES=sqlite runs one engine. Times are wall-clock in this process: PostgreSQL's own
// CPU is in its server processes, beside it. Profile with `node --cpu-prof --import tsx bench/store.ts`.

import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresStore } from '../src/store/engines/postgres/store.ts';
import { SqliteStore } from '../src/store/engines/sqlite/store.ts';
import type { Store } from '../src/store/types.ts';
import { seedPostgres, seedSqlite } from './ingest/seed.ts';
import { ACTIVE, median, PG_BASE, ROUNDS, SESSIONS } from './settings.ts';

const BEATS = Number(process.env.BENCH_BEATS ?? 60_000);
const ENGINES = (process.env.BENCH_ENGINES ?? 'sqlite,postgres').split(',');
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

/** `beats` beats from 64 concurrent callers on random active sessions; returns µs per beat. */
async function append(store: Store, active: Active[], beats: number): Promise<number> {
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
  return ((performance.now() - started) * 1000) / beats;
}

/** Folds everything journaled, then the rollup deltas it left; µs per beat for each. */
async function fold(store: SqliteStore | PostgresStore, beats: number): Promise<Omit<Figures, 'appendUs'>> {
  let started = performance.now();
  const folded = await store.fold();
  if (folded !== beats) throw new Error(`folded ${folded} beats, expected ${beats}`);
  const foldUs = ((performance.now() - started) * 1000) / beats;
  started = performance.now();
  await store.foldRollups();
  return { foldUs, rollupUs: ((performance.now() - started) * 1000) / beats };
}

interface Figures {
  appendUs: number;
  /** The journal's fold: sessions, pages, sections, spans, and the rollup deltas appended. */
  foldUs: number;
  /** The rollup fold: those deltas applied to the rollups. */
  rollupUs: number;
}

interface Contender {
  name: string;
  run: () => Promise<Figures>;
}

/** A warm-up, then the timed halves: append BEATS beats with no fold, then fold them. */
async function measure(store: SqliteStore | PostgresStore, active: Active[]): Promise<Figures> {
  await append(store, active, 5_000);
  await store.foldRollups();
  const appendUs = await append(store, active, BEATS);
  return { appendUs, ...(await fold(store, BEATS)) };
}

const dir = mkdtempSync(join(tmpdir(), 'dwell-bench-store-'));
try {
  const contenders: Contender[] = [];
  process.stdout.write(
    `seeding ${SESSIONS.toLocaleString('en')} sessions (${ACTIVE.toLocaleString('en')} active) into ${ENGINES.join(' and ')}…\n`,
  );
  if (ENGINES.includes('sqlite')) {
    const seeded = join(dir, 'seeded.db');
    const ids = join(dir, 'sqlite-ids.txt');
    await seedSqlite(seeded, SESSIONS, ACTIVE, ids);
    const active = readActive(ids);
    contenders.push({
      name: 'SQLite',
      // A fresh copy of the seeded file per run, so every run starts from the same state.
      async run() {
        const path = join(dir, 'run.db');
        copyFileSync(seeded, path);
        const store = new SqliteStore({ path, rules, foldEveryMs: 0 });
        try {
          await store.migrate();
          return await measure(store, active);
        } finally {
          await store.close();
          for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
        }
      },
    });
  }
  if (ENGINES.includes('postgres')) {
    const ids = join(dir, 'pg-ids.txt');
    await seedPostgres(PG_BASE, PG_SCHEMA, SESSIONS, ACTIVE, ids);
    const active = readActive(ids);
    contenders.push({
      name: 'PostgreSQL',
      async run() {
        const store = new PostgresStore({ url: PG_BASE, schema: PG_SCHEMA, rules, foldEveryMs: 0 });
        try {
          await store.migrate();
          return await measure(store, active);
        } finally {
          await store.close();
        }
      },
    });
  }

  const rounds = new Map<string, Figures[]>(contenders.map((c) => [c.name, []]));
  for (let round = 1; round <= ROUNDS; round++) {
    process.stdout.write(`round ${round} of ${ROUNDS}, ${BEATS.toLocaleString('en')} beats each:\n`);
    for (const contender of contenders) {
      const figures = await contender.run();
      rounds.get(contender.name)!.push(figures);
      process.stdout.write(
        `  ${contender.name}: append ${figures.appendUs.toFixed(1)} µs/beat, fold ${figures.foldUs.toFixed(1)}, rollups ${figures.rollupUs.toFixed(1)}\n`,
      );
    }
  }
  process.stdout.write(`\nmedians of ${ROUNDS} interleaved rounds (store alone, no HTTP):\n\n`);
  process.stdout.write(
    '| engine | append µs/beat | fold µs/beat | rollups µs/beat | all µs/beat | beats/s at that cost |\n|---|---:|---:|---:|---:|---:|\n',
  );
  for (const contender of contenders) {
    const figures = rounds.get(contender.name)!;
    const appendUs = median(figures.map((f) => f.appendUs));
    const foldUs = median(figures.map((f) => f.foldUs));
    const rollupUs = median(figures.map((f) => f.rollupUs));
    const all = appendUs + foldUs + rollupUs;
    process.stdout.write(
      `| ${contender.name} | ${appendUs.toFixed(1)} | ${foldUs.toFixed(1)} | ${rollupUs.toFixed(1)} | ${all.toFixed(1)} | ${Math.round(1e6 / all).toLocaleString('en')} |\n`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
