// npm run bench:query — seeds 1,000,000 sessions (about 3 pages and 2 spans each, over 90 days)
// of 20 sites (one, in Europe/Berlin, holds half; issue #23) into a SQLite file, serves the real
// app, and prints p50/p95 per query endpoint of the big site over HTTP, and the export's rate and
// memory. Options: --sessions N, --db PATH (reuse a seeded file), --runs N,
// --database-url postgres://… (measure PostgreSQL instead, in the schema dwell_bench_sites, which
// is reused while it holds the same number of sessions).

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { generateSessions } from '../src/demo/generate.ts';
import { buildApp } from '../src/server/app.ts';
import { openStore } from '../src/store/index.ts';
import type { ImportedSession } from '../src/store/query-types.ts';

const { values } = parseArgs({
  options: {
    sessions: { type: 'string', default: '1000000' },
    db: { type: 'string' },
    runs: { type: 'string', default: '40' },
    'database-url': { type: 'string' },
  },
});
const count = Number(values.sessions);
const runs = Number(values.runs);
const DAY = 86_400_000;
const TOKEN = 'bench-admin-token-0123456789';
const postgresUrl = values['database-url'];
const dir = values.db || postgresUrl ? null : mkdtempSync(join(tmpdir(), 'dwell-bench-'));
const path = values.db ?? join(dir ?? '', 'bench.db');
const to = Date.parse('2026-11-23T00:00:00Z');

/** PostgreSQL: a schema of the benchmark's own; seeded again unless it holds `count` sessions. */
async function postgresTarget(url: string): Promise<{ databaseUrl: string; fresh: boolean }> {
  const schema = 'dwell_bench_sites';
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const existing = await client
      .query<{ n: number }>(`SELECT count(*)::int AS n FROM ${schema}.sessions`)
      .then((r) => r.rows[0]!.n)
      .catch(() => -1);
    if (existing === count) return { databaseUrl: withSchema(url, schema), fresh: false };
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`);
    return { databaseUrl: withSchema(url, schema), fresh: true };
  } finally {
    await client.end();
  }
}

function withSchema(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('options', `-c search_path=${schema}`);
  return parsed.toString();
}

const target = postgresUrl
  ? await postgresTarget(postgresUrl)
  : { databaseUrl: `sqlite:${path}`, fresh: !existsSync(path) };
const fresh = target.fresh;

const config = loadConfig({
  NODE_ENV: 'production',
  DATABASE_URL: target.databaseUrl,
  DWELL_ADMIN_TOKEN: TOKEN,
  DWELL_RATE_LIMIT: 'off',
  LOG_LEVEL: 'warn',
});
const store = await openStore(config, { clock: () => to });
const SITES = 20;
if ((await store.listSites()).length === 0) {
  for (let i = 0; i < SITES; i++) {
    const host = i === 0 ? 'example.com' : `site${i}.example.org`;
    await store.createSite(
      {
        id: host,
        name: host,
        hosts: [{ host, path: '' }],
        timeZone: i === 0 ? 'Europe/Berlin' : 'UTC',
        origins: null,
      },
      to,
    );
  }
}
const sites = await store.listSites();
const big = sites[0]!;
/** Every other session is the big site's; the rest go round the other 19. */
function* onSites(sessions: Iterable<ImportedSession>): Generator<ImportedSession> {
  let i = 0;
  for (const session of sessions) {
    const site = i % 2 === 0 ? big : sites[1 + ((i >> 1) % (sites.length - 1))]!;
    i++;
    yield { ...session, site: { pk: site.pk, timeZone: site.timeZone } };
  }
}
if (fresh) {
  const started = performance.now();
  let last = 0;
  await store.importSessions(
    onSites(generateSessions({ count, from: to - 90 * DAY, to, seed: 1 })),
    (done) => {
      if (done - last >= 100_000 || done === count) {
        last = done;
        process.stdout.write(
          `\rseeding ${done.toLocaleString('en')} / ${count.toLocaleString('en')} sessions`,
        );
      }
    },
  );
  process.stdout.write(
    `\nseeded in ${((performance.now() - started) / 1000).toFixed(1)} s (${postgresUrl ? 'PostgreSQL' : path})\n`,
  );
}
{
  // What the server's background builder does a few days a second: every past day's breakdown
  // segment (today's is read from its sessions), timed here once for the whole seed.
  const started = performance.now();
  const built = await store.buildBreakdowns();
  if (built > 0) {
    console.log(
      `built ${built.toLocaleString('en')} breakdown segments (site-days) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  }
}
const app = await buildApp({ config, store, adminToken: TOKEN });
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
const headers = { authorization: `Bearer ${TOKEN}` };

const iso = (ms: number) => new Date(ms).toISOString();
const from30 = iso(to - 30 * DAY);
const from90 = iso(to - 90 * DAY);
const site = `site=${encodeURIComponent(big.id)}`;
const emails = (
  (await (
    await fetch(`${base}/api/v1/analytics/visitors?${site}&limit=200&from=${from30}&to=${iso(to)}`, {
      headers,
    })
  ).json()) as {
    data: { items: { email: string | null }[] };
  }
).data.items
  .map((v) => v.email)
  .filter((e): e is string => e !== null);
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;

async function measure(name: string, target: number, url: (i: number) => string) {
  const times: number[] = [];
  // The first request is also shown: caches (the breakdowns' columns) are cold for it.
  let first = 0;
  for (let i = -3; i < runs; i++) {
    const started = performance.now();
    const response = await fetch(`${base}${url(i)}`, { headers });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${name}: ${response.status}`);
    if (i === -3) first = performance.now() - started;
    if (i >= 0) times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const p95 = percentile(times, 0.95);
  console.log(
    `${name.padEnd(44)} first ${first.toFixed(1).padStart(7)} ms   p50 ${percentile(times, 0.5).toFixed(1).padStart(7)} ms   p95 ${p95.toFixed(1).padStart(7)} ms   target ≤ ${target} ms ${p95 <= target ? 'ok' : 'MISSED'}`,
  );
}

console.log(
  `\n${count.toLocaleString('en')} sessions of ${sites.length} sites on ${store.engine} (${big.id} holds half), ${runs} runs per endpoint, over HTTP:\n`,
);
await measure(
  'stats of the big site, last 90 days',
  100,
  () => `/api/v1/analytics/stats?${site}&from=${from90}&to=${iso(to)}`,
);
await measure(
  'stats of a small site, last 90 days',
  100,
  () => `/api/v1/analytics/stats?site=${sites[7]!.id}&from=${from90}&to=${iso(to)}`,
);
await measure(
  'stats, last 30 days',
  200,
  () => `/api/v1/analytics/stats?${site}&from=${from30}&to=${iso(to)}`,
);
await measure('sessions, first page of 50', 10, () => `/api/v1/analytics/sessions?${site}&limit=50`);
await measure(
  'sessions, page of 50, filtered by email',
  20,
  (i) =>
    `/api/v1/analytics/sessions?${site}&limit=50&email=${encodeURIComponent(emails[Math.abs(i) % emails.length] ?? '')}`,
);
await measure(
  'sessions, page of 50, filtered by status',
  20,
  () => `/api/v1/analytics/sessions?${site}&limit=50&status=ended`,
);
await measure(
  'sessions, page of 50, filtered by url',
  20,
  () =>
    `/api/v1/analytics/sessions?${site}&limit=50&url=${encodeURIComponent('https://example.com/pricing')}`,
);
await measure(
  'breakdown by source, big site, 90 days',
  100,
  () => `/api/v1/analytics/breakdown?${site}&by=source&from=${from90}&to=${iso(to)}`,
);
await measure(
  'breakdown by country, filtered by device, 90 days',
  100,
  () => `/api/v1/analytics/breakdown?${site}&by=country&device=mobile&from=${from90}&to=${iso(to)}`,
);
await measure(
  'breakdown by entry page, 90 days',
  100,
  () => `/api/v1/analytics/breakdown?${site}&by=entry&from=${from90}&to=${iso(to)}`,
);
await measure(
  'breakdown by source, 30 days',
  100,
  () => `/api/v1/analytics/breakdown?${site}&by=source&from=${from30}&to=${iso(to)}`,
);
await measure(
  'visitors, last 30 days (first 100)',
  300,
  () => `/api/v1/analytics/visitors?${site}&from=${from30}&to=${iso(to)}`,
);

for (const format of ['csv', 'ndjson'] as const) {
  const started = performance.now();
  const response = await fetch(`${base}/api/v1/analytics/export?${site}&format=${format}&from=${from30}`, {
    headers,
  });
  let newlines = 0;
  let peakRss = 0;
  const baseRss = process.memoryUsage().rss;
  for await (const chunk of response.body!) {
    const buffer = Buffer.from(chunk as Uint8Array);
    for (let at = buffer.indexOf(10); at >= 0; at = buffer.indexOf(10, at + 1)) newlines++;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  const seconds = (performance.now() - started) / 1000;
  const rows = format === 'csv' ? newlines - 1 : newlines;
  const rate = rows / seconds;
  console.log(
    `${`export ${format}, last 30 days`.padEnd(44)} ${rows.toLocaleString('en')} rows in ${seconds.toFixed(1)} s = ${Math.round(rate).toLocaleString('en')} rows/s, RSS +${((peakRss - baseRss) / 1048576).toFixed(0)} MB${format === 'csv' ? `   target ≥ 150,000 rows/s ${rate >= 150_000 ? 'ok' : 'MISSED'}` : ''}`,
  );
}

await app.close();
await store.close();
if (dir) rmSync(dir, { recursive: true, force: true });
