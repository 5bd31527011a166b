// npm run bench:session-start — what one session start costs in-process (Fastify inject, SQLite
// file, the real app): µs per POST /api/v1/analytics/session with a referrer, UTM tags, a rotating
// User-Agent and a new client address each (so every start looks its country up), the median of
// rounds of BENCH_STARTS starts. `-- --against DIR` runs the same measurement on another checkout
// (e.g. a worktree of the code before issue #24) in alternating child processes, and prints both and
// their ratio: the side-by-side figure issue #24's "within 10 %" asks for.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    root: { type: 'string', default: resolve(import.meta.dirname, '..') },
    against: { type: 'string' },
    rounds: { type: 'string', default: '3' },
  },
});
const STARTS = Number(process.env.BENCH_STARTS ?? 4_000);

const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:133.0) Gecko/20100101 Firefox/133.0',
];
const REFERRERS = ['https://www.google.com/', 'https://news.ycombinator.com/', ''];

/** One measurement in this process: µs per start, the median of 5 rounds after a warm-up. */
async function measure(root: string): Promise<number> {
  const { loadConfig } = await import(join(root, 'src/config.ts'));
  const { buildApp } = await import(join(root, 'src/server/app.ts'));
  const { openStore } = await import(join(root, 'src/store/index.ts'));
  const dir = mkdtempSync(join(tmpdir(), 'dwell-start-'));
  const config = loadConfig({
    NODE_ENV: 'production',
    DATABASE_URL: `sqlite:${join(dir, 'dwell.db')}`,
    DWELL_ADMIN_TOKEN: 'bench-admin-token-0123456789',
    DWELL_SITE_HOSTS: 'example.com',
    DWELL_RATE_LIMIT: 'off',
    DWELL_TRUST_PROXY: 'on',
    LOG_LEVEL: 'silent',
  });
  const store = await openStore(config);
  const app = await buildApp({ config, store, adminToken: 'bench-admin-token-0123456789' });
  await app.ready();
  let n = 0;
  const start = () => {
    n++;
    return app.inject({
      method: 'POST',
      url: '/api/v1/analytics/session',
      headers: {
        'content-type': 'application/json',
        'user-agent': USER_AGENTS[n % USER_AGENTS.length],
        // A new address each time: 81.x.y.z, all public, each looked up.
        'x-forwarded-for': `81.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`,
      },
      payload: JSON.stringify({
        url: `https://example.com/posts/${n % 50}?utm_source=weekly&utm_medium=email`,
        referrer: REFERRERS[n % REFERRERS.length],
      }),
    });
  };
  const rounds: number[] = [];
  for (let round = -1; round < 5; round++) {
    const started = performance.now();
    for (let i = 0; i < STARTS; i++) {
      const response = await start();
      if (response.statusCode !== 201)
        throw new Error(`session start: ${response.statusCode} ${response.body}`);
    }
    if (round >= 0) rounds.push(((performance.now() - started) * 1000) / STARTS);
  }
  await app.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return rounds.sort((a, b) => a - b)[2]!;
}

if (!values.against) {
  console.log(JSON.stringify({ usPerStart: await measure(values.root) }));
} else {
  // Alternating child processes, so both share the machine's drift alike.
  const run = (root: string) => {
    const child = spawnSync(process.execPath, ['--import', 'tsx', import.meta.filename, '--root', root], {
      cwd: root,
      encoding: 'utf8',
    });
    if (child.status !== 0) throw new Error(child.stderr);
    return (JSON.parse(child.stdout.trim().split('\n').pop()!) as { usPerStart: number }).usPerStart;
  };
  const here: number[] = [];
  const there: number[] = [];
  for (let i = 0; i < Number(values.rounds); i++) {
    there.push(run(resolve(values.against)));
    here.push(run(values.root));
  }
  const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
  const [a, b] = [median(there), median(here)];
  console.log(`session start, in-process (${STARTS} starts a round, median of rounds):`);
  console.log(`  ${values.against}: ${a.toFixed(0)} µs   (${there.map((x) => x.toFixed(0)).join(', ')})`);
  console.log(`  ${values.root}: ${b.toFixed(0)} µs   (${here.map((x) => x.toFixed(0)).join(', ')})`);
  console.log(`  ratio ${(b / a).toFixed(2)}× (issue #24: ≤ 1.10×)`);
}
