// `npm run bench`: heartbeats/s, latency and memory, side by side in one run on this machine —
// the server pinned to core 0, wrk to core 1, loopback only, 64 connections:
//   1. a bare node:http server answering the same envelope (the ceiling),
//   2. Dwell on SQLite, 3. the naive design on SQLite (one `UPDATE … duration = duration + 30` per
//      request, the baseline of the SQLite target), 4. Dwell on PostgreSQL, 5. the BIO.RE seed design
//      on PostgreSQL (the same naive route), 6. two Dwell instances on PostgreSQL.
// Dwell's runs are audited: the journal's backlog is sampled during the run, and a stats read right
// after it must find every acknowledged beat folded (/metrics: accepted against credited + duplicate).
// With BENCH_SESSIONS (default 1,000,000) stored and BENCH_ACTIVE (100,000) receiving beats, over
// BENCH_ROUNDS (3) interleaved rounds of BENCH_SECONDS (10) per server; each figure is the median.
// A reference row, Fastify with the route alone and no store, shows what the framework leaves.
// Results go to bench/results.json. BENCH_ONLY=sqlite (or postgres, or any word of the servers'
// names) runs the matching servers and the ceiling alone, seeding only their engines, for quick
// comparisons; it leaves results.json as it is. BENCH_PROFILE=<dir> has each Dwell server write a
// V8 CPU profile there (`--cpu-prof`, one .cpuprofile per run; open it in Chrome's DevTools or
// summarise it with `npx tsx bench/profile-summary.ts <file>`).

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { seedPostgres, seedSqlite } from './ingest/seed.ts';
import { ACTIVE, median, PG_BASE, ROUNDS, SESSIONS } from './settings.ts';
import { MissingTool, requireTool } from './tools.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 64;
const ONLY = process.env.BENCH_ONLY?.toLowerCase();
const PROFILE = process.env.BENCH_PROFILE;
const PG_SCHEMA = 'dwell_bench';
const PG_URL = `${PG_BASE}${PG_BASE.includes('?') ? '&' : '?'}options=-c%20search_path%3D${PG_SCHEMA}`;

interface Result {
  name: string;
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  rssMb: number;
  ratioToCeiling?: number;
  /** Dwell only: the most beats waiting in the journal at once during the run (sampled every 100 ms). */
  backlogMax?: number;
  /** Dwell only: beats answered 200 during the run, and those a stats read right after found folded. */
  acknowledged?: number;
  folded?: number;
  /** Dwell only: how long the stats read right after the run took (it folds the journal first). */
  readAfterMs?: number;
}

/** How a Dwell run is audited: the journal's size, read beside the server. */
interface Audit {
  journal: () => Promise<number>;
}

const ADMIN = 'bench-admin-token-0123456789';

/** Beats accepted (appended) and folded (credited or duplicate) so far, from /metrics. */
async function beatCounters(port: number): Promise<{ accepted: number; folded: number }> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const count = (result: string) =>
    Number(new RegExp(`dwell_beats_total\\{result="${result}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
  return { accepted: count('accepted'), folded: count('credited') + count('duplicate') };
}

/** A stats read: it folds every journaled beat first (API.md: reads see every acknowledged beat). */
async function readStats(port: number): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${port}/api/v1/analytics/stats`, {
    headers: { authorization: `Bearer ${ADMIN}` },
  });
  if (response.status !== 200) throw new Error(`stats read failed: ${response.status}`);
}

async function waitForPort(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}): ${log()}`);
    try {
      await fetch(url, { method: 'OPTIONS' });
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`server did not start: ${log()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

function startServer(args: string[], env: Record<string, string>, port: number) {
  const child = spawn('taskset', ['-c', '0', process.execPath, ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      // LOG_LEVEL is left at its default, as shipped.
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      DWELL_DEMO: 'off',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  return { child, log: () => stderr };
}

function rssMb(pid: number): number {
  // taskset execs node, so the pid is the server's own.
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

function runWrk(port: number, idsFile: string, mode: string, connections = CONNECTIONS): Promise<string> {
  return new Promise((resolve, reject) => {
    const wrk = spawn(
      'taskset',
      [
        '-c',
        '1',
        'wrk',
        '-t1',
        `-c${connections}`,
        `-d${SECONDS}s`,
        '--latency',
        '-s',
        join(ROOT, 'bench/ingest/beat.lua'),
        `http://127.0.0.1:${port}`,
      ],
      { env: { ...process.env, BENCH_IDS: idsFile, BENCH_MODE: mode } },
    );
    let out = '';
    wrk.stdout.on('data', (chunk) => {
      out += chunk;
    });
    wrk.stderr.on('data', (chunk) => {
      out += chunk;
    });
    wrk.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`wrk failed: ${out}`))));
  });
}

function toMs(value: string): number {
  const match = /([\d.]+)(us|ms|s)/.exec(value);
  if (!match) return Number.NaN;
  const n = Number(match[1]);
  return match[2] === 'us' ? n / 1000 : match[2] === 's' ? n * 1000 : n;
}

function parseWrk(name: string, out: string, rss: number): Result {
  const errors = [...out.matchAll(/(connect|read|write|timeout) (\d+)/g)].reduce(
    (sum, m) => sum + Number(m[2]),
    0,
  );
  return {
    name,
    requestsPerSec: Math.round(Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0)),
    p50Ms: toMs(/\s50%\s+(\S+)/.exec(out)?.[1] ?? ''),
    p99Ms: toMs(/\s99%\s+(\S+)/.exec(out)?.[1] ?? ''),
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0),
    errors,
    rssMb: rss,
  };
}

async function measure(
  name: string,
  args: string[],
  env: Record<string, string>,
  idsFile: string,
  mode = 'dwell',
  audit?: Audit,
): Promise<Result> {
  const port = 18_000 + Math.floor(Math.random() * 2_000);
  const server = startServer(args, env, port);
  try {
    await waitForPort(`http://127.0.0.1:${port}/`, server.child, server.log);
    // A short warm-up so the JIT and the page cache are not part of the figure.
    await runWrk(port, idsFile, mode).catch(() => '');
    if (!audit) {
      const out = await runWrk(port, idsFile, mode);
      const result = parseWrk(name, out, rssMb(server.child.pid!));
      process.stdout.write(
        `  ${name}: ${result.requestsPerSec} req/s, p99 ${result.p99Ms} ms, ${result.rssMb} MB\n`,
      );
      return result;
    }
    await readStats(port);
    const before = await beatCounters(port);
    let backlogMax = 0;
    let polling = true;
    const poller = (async () => {
      while (polling) {
        backlogMax = Math.max(backlogMax, await audit.journal());
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    const out = await runWrk(port, idsFile, mode);
    polling = false;
    await poller;
    const result = parseWrk(name, out, rssMb(server.child.pid!));
    const reading = performance.now();
    await readStats(port);
    const readAfterMs = Math.round(performance.now() - reading);
    const after = await beatCounters(port);
    Object.assign(result, {
      readAfterMs,
      backlogMax,
      acknowledged: after.accepted - before.accepted,
      folded: after.folded - before.folded,
    });
    process.stdout.write(
      `  ${name}: ${result.requestsPerSec} req/s, p99 ${result.p99Ms} ms, ${result.rssMb} MB, journal backlog ≤ ${backlogMax}, ${result.folded}/${result.acknowledged} acknowledged beats folded by a stats read (${readAfterMs} ms)\n`,
    );
    return result;
  } finally {
    server.child.kill('SIGTERM');
  }
}

async function measureTwoInstances(env: Record<string, string>, idsFile: string): Promise<Result> {
  const ports = [19_500, 19_501];
  const servers = ports.map((port) => startServer(['dist/server/main.js'], env, port));
  try {
    for (const [i, port] of ports.entries())
      await waitForPort(`http://127.0.0.1:${port}/`, servers[i]!.child, servers[i]!.log);
    const outs = await Promise.all(ports.map((port) => runWrk(port, idsFile, 'dwell', CONNECTIONS / 2)));
    const parts = outs.map((out, i) => parseWrk(`instance ${i + 1}`, out, rssMb(servers[i]!.child.pid!)));
    return {
      name: 'Dwell, two instances on PostgreSQL',
      requestsPerSec: parts.reduce((sum, p) => sum + p.requestsPerSec, 0),
      p50Ms: Math.max(...parts.map((p) => p.p50Ms)),
      p99Ms: Math.max(...parts.map((p) => p.p99Ms)),
      non2xx: parts.reduce((sum, p) => sum + p.non2xx, 0),
      errors: parts.reduce((sum, p) => sum + p.errors, 0),
      rssMb: Math.max(...parts.map((p) => p.rssMb)),
    };
  } finally {
    for (const server of servers) server.child.kill('SIGTERM');
  }
}

interface Contender {
  name: string;
  run: () => Promise<Result>;
}

/** The median of each figure over the rounds (the spread goes to results.json). */
function medianOf(name: string, rounds: Result[]): Result {
  const of = (pick: (r: Result) => number) => median(rounds.map(pick));
  return {
    name,
    requestsPerSec: Math.round(of((r) => r.requestsPerSec)),
    p50Ms: of((r) => r.p50Ms),
    p99Ms: of((r) => r.p99Ms),
    non2xx: rounds.reduce((sum, r) => sum + r.non2xx, 0),
    errors: rounds.reduce((sum, r) => sum + r.errors, 0),
    rssMb: Math.max(...rounds.map((r) => r.rssMb)),
    ...(rounds.some((r) => r.acknowledged !== undefined)
      ? {
          backlogMax: Math.max(...rounds.map((r) => r.backlogMax ?? 0)),
          acknowledged: rounds.reduce((sum, r) => sum + (r.acknowledged ?? 0), 0),
          folded: rounds.reduce((sum, r) => sum + (r.folded ?? 0), 0),
          readAfterMs: Math.max(...rounds.map((r) => r.readAfterMs ?? 0)),
        }
      : {}),
  };
}

async function main(): Promise<void> {
  try {
    requireTool('wrk', 'wrk');
    requireTool('taskset', 'util-linux');
  } catch (error) {
    if (!(error instanceof MissingTool)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
  const dir = mkdtempSync(join(tmpdir(), 'dwell-bench-'));
  const sqlitePath = join(dir, 'dwell.db');
  const naivePath = join(dir, 'naive.db');
  const sqliteIds = join(dir, 'sqlite-ids.txt');
  const pgIds = join(dir, 'pg-ids.txt');
  /** The rows without a store only need ids of the right shape: a copy of whichever engine's. */
  const ceilingIds = join(dir, 'ceiling-ids.txt');
  const common = { DWELL_ADMIN_TOKEN: ADMIN, DWELL_DATA_DIR: dir };
  let sqliteJournal: Database.Database | undefined;
  const pgJournal = new pg.Client({ connectionString: PG_URL });
  try {
    let sqliteCount: Database.Statement | undefined;
    const audits: Record<'sqlite' | 'postgres', Audit> = {
      sqlite: {
        journal: async () => sqliteCount!.get() as number,
      },
      postgres: {
        journal: async () =>
          (await pgJournal.query<{ n: number }>('SELECT count(*)::int AS n FROM beat_journal')).rows[0]!.n,
      },
    };
    const serve = (
      name: string,
      args: string[],
      env: Record<string, string>,
      ids: string,
      mode?: string,
      audit?: Audit,
    ) => ({
      name,
      run: () => measure(name, args, env, ids, mode, audit),
    });
    const dwell = [...(PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE}`] : []), 'dist/server/main.js'];
    const all: Contender[] = [
      serve('bare node:http (ceiling)', ['bench/ingest/bare-server.mjs'], {}, ceilingIds),
      serve(
        'Fastify, route alone, no store (reference)',
        ['bench/ingest/fastify-server.mjs'],
        {},
        ceilingIds,
      ),
      serve(
        'Dwell on SQLite',
        dwell,
        { ...common, DATABASE_URL: `sqlite:${sqlitePath}` },
        sqliteIds,
        'dwell',
        audits.sqlite,
      ),
      serve(
        'naive design on SQLite (+30 per request)',
        ['bench/ingest/naive-sqlite-server.mjs'],
        { NAIVE_SQLITE_PATH: naivePath },
        sqliteIds,
      ),
      serve(
        'Dwell on PostgreSQL',
        dwell,
        { ...common, DATABASE_URL: PG_URL },
        pgIds,
        'dwell',
        audits.postgres,
      ),
      serve(
        'seed design on PostgreSQL (+30 per request)',
        ['bench/ingest/seed-design-server.mjs'],
        { DATABASE_URL: PG_URL },
        pgIds,
        'seed',
      ),
      {
        name: 'Dwell, two instances on PostgreSQL',
        run: () => measureTwoInstances({ ...common, DATABASE_URL: PG_URL }, pgIds),
      },
    ];
    const contenders = ONLY
      ? all.filter((c) => c.name.toLowerCase().includes(ONLY) || c.name.startsWith('bare'))
      : all;
    // Only the engines of the servers that run are seeded.
    const seedsPostgres = contenders.some((c) => c.name.includes('PostgreSQL'));
    const seedsSqlite = contenders.some((c) => c.name.includes('SQLite')) || !seedsPostgres;
    process.stdout.write(
      `seeding ${SESSIONS.toLocaleString('en')} sessions (${ACTIVE.toLocaleString('en')} active)…\n`,
    );
    let started = Date.now();
    if (seedsSqlite) {
      await seedSqlite(sqlitePath, SESSIONS, ACTIVE, sqliteIds, naivePath);
      process.stdout.write(`  SQLite seeded in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
      sqliteJournal = new Database(sqlitePath, { readonly: true });
      sqliteCount = sqliteJournal.prepare('SELECT count(*) FROM beat_journal').pluck();
    }
    started = Date.now();
    if (seedsPostgres) {
      await seedPostgres(PG_BASE, PG_SCHEMA, SESSIONS, ACTIVE, pgIds);
      process.stdout.write(`  PostgreSQL seeded in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
      await pgJournal.connect();
    }
    copyFileSync(seedsSqlite ? sqliteIds : pgIds, ceilingIds);
    // Rounds interleave the servers, so a slow minute of this shared VM hits every row alike rather
    // than one; each row's figure is its median over the rounds.
    const rounds = new Map<string, Result[]>(contenders.map((c) => [c.name, []]));
    for (let round = 1; round <= ROUNDS; round++) {
      process.stdout.write(
        `round ${round} of ${ROUNDS}: ${SECONDS} s each, ${CONNECTIONS} connections (server on core 0, wrk on core 1)…\n`,
      );
      for (const contender of contenders) rounds.get(contender.name)!.push(await contender.run());
    }
    const results = contenders.map((c) => medianOf(c.name, rounds.get(c.name)!));

    if (ONLY) {
      process.stdout.write(`\nmedians of ${ROUNDS} interleaved rounds (BENCH_ONLY=${ONLY}):\n`);
      for (const r of results)
        process.stdout.write(
          `  ${r.name}: ${r.requestsPerSec} beats/s, p99 ${r.p99Ms} ms, ${r.rssMb} MB, non-2xx ${r.non2xx}\n`,
        );
      return;
    }
    const byName = (name: string) => results.find((r) => r.name === name)!;
    const ceiling = byName('bare node:http (ceiling)').requestsPerSec;
    for (const r of results) r.ratioToCeiling = Math.round((r.requestsPerSec / ceiling) * 100) / 100;
    const sqlite = byName('Dwell on SQLite');
    const naive = byName('naive design on SQLite (+30 per request)').requestsPerSec;
    const postgres = byName('Dwell on PostgreSQL');
    const seed = byName('seed design on PostgreSQL (+30 per request)').requestsPerSec;
    const table = [
      '| server | beats/s | × ceiling | p50 ms | p99 ms | non-2xx | socket errors | RSS MB |',
      '|---|---:|---:|---:|---:|---:|---:|---:|',
      ...results.map(
        (r) =>
          `| ${r.name} | ${r.requestsPerSec.toLocaleString('en')} | ${r.ratioToCeiling} | ${r.p50Ms} | ${r.p99Ms} | ${r.non2xx} | ${r.errors} | ${r.rssMb} |`,
      ),
    ].join('\n');
    const two = byName('Dwell, two instances on PostgreSQL');
    const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
    const audited = [sqlite, postgres];
    const targets = [
      `Dwell on SQLite ≥ 1.5× the naive design on SQLite: ${(sqlite.requestsPerSec / naive).toFixed(2)}× ${met(sqlite.requestsPerSec >= 1.5 * naive)}`,
      `Dwell on SQLite p99 ≤ 20 ms: ${sqlite.p99Ms} ms ${met(sqlite.p99Ms <= 20)}; zero non-2xx: ${met(sqlite.non2xx === 0)}; RSS ≤ 150 MB: ${sqlite.rssMb} MB ${met(sqlite.rssMb <= 150)}`,
      `Dwell on PostgreSQL ≥ 2× the seed design: ${(postgres.requestsPerSec / seed).toFixed(2)}× ${met(postgres.requestsPerSec >= 2 * seed)}`,
      `two instances on PostgreSQL at least as fast as one: ${(two.requestsPerSec / postgres.requestsPerSec).toFixed(2)}× ${met(two.requestsPerSec >= postgres.requestsPerSec)}`,
      ...audited.map(
        (r) =>
          `${r.name}: journal backlog at most ${r.backlogMax} beats; a stats read right after the run folded ${r.folded} of ${r.acknowledged} acknowledged beats ${met(r.folded === r.acknowledged)}`,
      ),
    ];
    process.stdout.write(
      `\nmedians of ${ROUNDS} interleaved rounds:\n\n${table}\n\n${targets.map((t) => `- ${t}`).join('\n')}\n`,
    );
    writeFileSync(
      join(ROOT, 'bench/results.json'),
      `${JSON.stringify(
        {
          date: new Date().toISOString(),
          seconds: SECONDS,
          rounds: ROUNDS,
          sessions: SESSIONS,
          active: ACTIVE,
          connections: CONNECTIONS,
          results,
          targets,
          perRound: Object.fromEntries(rounds),
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    sqliteJournal?.close();
    await pgJournal.end().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
