// The framework fixture apps (test/fixtures/frameworks/) as a user meets @dwell/tracker: the
// package packed with `npm pack`, installed from its tarball, each app built by its own toolchain
// (Astro, Vite, Next.js's static export) and served as static files. The frameworks are installed once into a cache keyed by
// the fixtures' lockfile, so only a change to it pays for a new install. Next.js is most of its cost:
// of the install's 541 MB (48 s here), about 350 MB are Next.js and its SWC and image binaries, and
// its build takes about 9 s where the others take 4 to 5.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURES = join(ROOT, 'test/fixtures/frameworks');
export const FRAMEWORKS = ['astro', 'react', 'vue', 'svelte', 'next'] as const;
export type Framework = (typeof FRAMEWORKS)[number];

/** The frameworks' node_modules, installed on first use (DWELL_FIXTURES_CACHE moves the cache). */
export function installFrameworks(): string {
  const lock = readFileSync(join(FIXTURES, 'package-lock.json'));
  const hash = createHash('sha256').update(lock).digest('hex').slice(0, 16);
  const cache = join(process.env.DWELL_FIXTURES_CACHE ?? join(tmpdir(), 'dwell-fixtures'), hash);
  if (existsSync(join(cache, 'node_modules/.package-lock.json'))) return cache;
  // Installed beside the cache and renamed into place, so an interrupted install is never used.
  const staging = `${cache}.${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  cpSync(join(FIXTURES, 'package.json'), join(staging, 'package.json'));
  cpSync(join(FIXTURES, 'package-lock.json'), join(staging, 'package-lock.json'));
  execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: staging,
    stdio: 'inherit',
  });
  rmSync(cache, { recursive: true, force: true });
  renameSync(staging, cache);
  return cache;
}

/**
 * A fresh folder inside the cache with the apps' sources and @dwell/tracker installed from its
 * tarball. The package has no dependencies, so installing it is unpacking it into node_modules;
 * the apps find the frameworks one folder up, in the shared install.
 */
export function prepareRun(cache: string): string {
  const run = join(cache, `run-${process.pid}-${Date.now()}`);
  mkdirSync(join(run, 'node_modules/@dwell'), { recursive: true });
  // prepack builds the package (tsc, the Astro component, the IIFE) before packing it.
  const tarball = execFileSync(
    'npm',
    ['pack', '-w', '@dwell/tracker', '--pack-destination', run, '--silent'],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  )
    .trim()
    .split('\n')
    .at(-1)!;
  execFileSync('tar', ['-xzf', join(run, tarball), '-C', run]);
  renameSync(join(run, 'package'), join(run, 'node_modules/@dwell/tracker'));
  for (const framework of FRAMEWORKS)
    cpSync(join(FIXTURES, framework), join(run, framework), { recursive: true });
  return run;
}

const CLI: Record<Framework, string> = {
  astro: 'astro/astro.js',
  react: 'vite/bin/vite.js',
  vue: 'vite/bin/vite.js',
  svelte: 'vite/bin/vite.js',
  next: 'next/dist/bin/next',
};

/** Builds one app for a Dwell server at `api` with the framework's own CLI; returns its output folder. */
export function buildApp(cache: string, run: string, framework: Framework, api: string): string {
  execFileSync(process.execPath, [join(cache, 'node_modules', CLI[framework]), 'build'], {
    cwd: join(run, framework),
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PUBLIC_DWELL_API: api,
      VITE_DWELL_API: api,
      NEXT_PUBLIC_DWELL_API: api,
      NEXT_TELEMETRY_DISABLED: '1',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return join(run, framework, framework === 'next' ? 'out' : 'dist');
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  // Next.js's router reads a route's payload from its .txt file, as text/plain in a static export.
  '.txt': 'text/plain; charset=utf-8',
};

/** Serves a built app: a file, a folder's index.html (Astro's pages), else the SPA's index.html. */
export async function serveStatic(dist: string): Promise<{ origin: string; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname).replace(/\.\.+/g, '');
    const file = [join(dist, path), join(dist, path, 'index.html'), join(dist, 'index.html')].find(
      (candidate) => existsSync(candidate) && !candidate.endsWith('/') && extname(candidate),
    )!;
    response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    response.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://localhost:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
