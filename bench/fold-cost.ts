// npm run bench:fold-cost — the work a beat costs the database, counted rather than timed (issue
// #26): rows written (inserted, updated, deleted: every table, triggers included) and, on
// PostgreSQL, round trips, per beat, under a steady load where each session beats every
// BENCH_INTERVAL_S seconds (default 10, as 100,000 sessions at 10,000 beats/s in `npm run bench`).
// Two schedules over the same beats: "every tick" folds the whole journal each second (the timer
// before issue #26), "sessions due" folds each session when it is due (ended, quiet, or its first
// unfolded beat maxAgeMs old). Simulated seconds run back to back: a second's beats, then the
// timer's tick, so every query is counted in its phase. SQLite runs on an injected clock;
// PostgreSQL's clock is the database's, so its run takes BENCH_FOLD_SECONDS (default 90) of real
// time. BENCH_SESSIONS_ACTIVE (default 5,000) sessions; BENCH_ENGINES=sqlite runs one engine.

import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PostgresStore } from '../src/store/engines/postgres/store.ts';
import { SqliteStore } from '../src/store/engines/sqlite/store.ts';
import { PG_BASE } from './settings.ts';

const ACTIVE = Number(process.env.BENCH_SESSIONS_ACTIVE ?? 5_000);
const INTERVAL_S = Number(process.env.BENCH_INTERVAL_S ?? 10);
const SECONDS = Number(process.env.BENCH_FOLD_SECONDS ?? 90);
const ENGINES = (process.env.BENCH_ENGINES ?? 'sqlite,postgres').split(',');
const MAX_AGES = (process.env.BENCH_MAX_AGES ?? '30').split(',').map((s) => Number(s) * 1000);
const rules = { intervalMs: INTERVAL_S * 1000, timeoutMs: 1_800_000, toleranceMs: 2_000 };
const TOKEN = createHash('sha256').update('bench').digest();

/** Round trips to PostgreSQL, counted where every pooled client sends its queries. */
let roundTrips = 0;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  roundTrips += 1;
  return (query as (...a: unknown[]) => unknown).apply(this, args);
} as typeof query;

interface Counts {
  beats: number;
  rows: number;
  appendTrips: number;
  foldTrips: number;
  /** Beats left in the journal at the end (folded by the final fold, counted too). */
  leftAtEnd: number;
}

type Schedule = { kind: 'every tick' } | { kind: 'sessions due'; maxAgeMs: number };

async function run(engine: 'sqlite' | 'postgres', schedule: Schedule, dir: string): Promise<Counts> {
  let clock = Date.UTC(2026, 11, 5, 12);
  const timing = schedule.kind === 'sessions due' ? { maxAgeMs: schedule.maxAgeMs, quietMs: 20_000 } : {};
  const schema = `dwell_bench_fold_${Math.random().toString(36).slice(2, 8)}`;
  const store =
    engine === 'sqlite'
      ? new SqliteStore({
          path: join(dir, `${randomUUID()}.db`),
          rules,
          clock: () => clock,
          foldEveryMs: 0,
          foldTiming: timing,
        })
      : new PostgresStore({ url: PG_BASE, schema, rules, foldEveryMs: 0, foldTiming: timing });
  await store.migrate();
  const ids: string[] = [];
  for (let i = 0; i < ACTIVE; i++) {
    const id = randomUUID();
    await store.createSession({
      id,
      tokenHash: TOKEN,
      email: null,
      visitorId: `v${i}`,
      entryUrl: `https://site.test/p${i % 50}`,
      referrer: null,
      screen: null,
      lang: null,
    });
    ids.push(id);
  }
  await store.foldRollups();
  const rowsWritten = async (): Promise<number> => {
    if (store instanceof SqliteStore)
      return store.db.prepare('SELECT total_changes()').pluck().get() as number;
    // Other backends flush their table statistics when they go idle: closed pools flush at exit.
    const client = new pg.Client({ connectionString: PG_BASE });
    await client.connect();
    try {
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const { rows } = await client.query<{ n: string }>(
        `SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) AS n FROM pg_stat_user_tables WHERE schemaname = $1`,
        [schema],
      );
      return Number(rows[0]!.n);
    } finally {
      await client.end();
    }
  };
  const rowsBefore = await rowsWritten();
  const counts: Counts = { beats: 0, rows: 0, appendTrips: 0, foldTrips: 0, leftAtEnd: 0 };
  const seqs = new Map<string, number>();
  const started = Date.now();
  for (let second = 0; second < SECONDS; second++) {
    // The sessions whose turn falls in this second: each beats every INTERVAL_S seconds.
    const beating = ids.filter((_, i) => i % INTERVAL_S === second % INTERVAL_S);
    let trips = roundTrips;
    await Promise.all(
      beating.map((id) => {
        const seq = (seqs.get(id) ?? 0) + 1;
        seqs.set(id, seq);
        return store.recordBeat({
          sessionId: id,
          tokenHash: TOKEN,
          seq,
          engagedMs: 1_000,
          url: 'https://site.test/p1',
        });
      }),
    );
    counts.beats += beating.length;
    counts.appendTrips += roundTrips - trips;
    clock += 1_000;
    if (engine === 'postgres') {
      const wait = started + (second + 1) * 1_000 - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    trips = roundTrips;
    if (schedule.kind === 'every tick') {
      await store.fold();
      await store.foldRollups();
    } else await store.foldDue();
    counts.foldTrips += roundTrips - trips;
  }
  const trips = roundTrips;
  counts.leftAtEnd = await store.fold();
  await store.foldRollups();
  counts.foldTrips += roundTrips - trips;
  if (store instanceof SqliteStore) {
    counts.rows = (await rowsWritten()) - rowsBefore;
    await store.close();
  } else {
    await store.close();
    counts.rows = (await rowsWritten()) - rowsBefore;
    const client = new pg.Client({ connectionString: PG_BASE });
    await client.connect();
    await client.query(`DROP SCHEMA "${schema}" CASCADE`);
    await client.end();
  }
  return counts;
}

const dir = mkdtempSync(join(tmpdir(), 'dwell-bench-fold-'));
try {
  process.stdout.write(
    `${ACTIVE.toLocaleString('en')} sessions beating every ${INTERVAL_S} s for ${SECONDS} s; per beat:\n\n`,
  );
  process.stdout.write(
    '| engine | schedule | beats | rows written | round trips: append | fold | left at end |\n',
  );
  process.stdout.write('|---|---|---:|---:|---:|---:|---:|\n');
  for (const engine of ['sqlite', 'postgres'] as const) {
    if (!ENGINES.includes(engine)) continue;
    const schedules: Schedule[] = [
      { kind: 'every tick' },
      ...MAX_AGES.map((maxAgeMs): Schedule => ({ kind: 'sessions due', maxAgeMs })),
    ];
    for (const schedule of schedules) {
      const c = await run(engine, schedule, dir);
      const label =
        schedule.kind === 'every tick'
          ? 'whole journal every second'
          : `sessions due, N = ${schedule.maxAgeMs / 1000} s`;
      const trips = (n: number) => (engine === 'sqlite' ? '–' : (n / c.beats).toFixed(3));
      process.stdout.write(
        `| ${engine} | ${label} | ${c.beats.toLocaleString('en')} | ${(c.rows / c.beats).toFixed(2)} | ${trips(c.appendTrips)} | ${trips(c.foldTrips)} | ${c.leftAtEnd.toLocaleString('en')} |\n`,
      );
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
