// Test harness: a real Dwell app on a fresh SQLite file in a temp folder. `buildTestApp` is for
// app.inject() tests (with an injectable clock), `startServer` for tests that need a real socket
// (browsers, load, several processes).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type Config, loadConfig } from '../src/config.ts';
import { buildApp } from '../src/server/app.ts';
import { openStore } from '../src/store/index.ts';
import type { Store } from '../src/store/types.ts';
import { createTestSchema, dropSchema } from './store/engines.ts';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';
export const TEST_SITE_HOSTS = 'site.test,example.com,localhost,127.0.0.1';

/** A regular desktop Chrome user agent: isbot declines HeadlessChrome and curl. */
export const BROWSER_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';

export interface TestApp {
  app: FastifyInstance;
  store: Store;
  config: Readonly<Config>;
  dir: string;
  close(): Promise<void>;
}

export interface TestAppOptions {
  clock?: () => number;
  /** Reuse a folder (and so its SQLite file) instead of a fresh temp one. */
  dir?: string;
}

export async function buildTestApp(
  env: Record<string, string> = {},
  options: TestAppOptions = {},
): Promise<TestApp> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'dwell-test-'));
  // DWELL_TEST_ENGINE=postgres runs the app on PostgreSQL, in a schema that lives as long as `dir`.
  // Its clock is the database's: tests that inject a clock only hold on SQLite.
  const pg = process.env.DWELL_TEST_ENGINE === 'postgres' ? await createTestSchema(dir) : null;
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: pg ? pg.url : `sqlite:${join(dir, 'dwell.db')}`,
    DWELL_ADMIN_TOKEN: ADMIN_TOKEN,
    // The one site a test app starts with: the hosts the tests' pages use.
    DWELL_SITE_HOSTS: TEST_SITE_HOSTS,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...env,
  });
  const store = await openStore(config, options.clock ? { clock: options.clock } : {});
  const app = await buildApp({ config, store, adminToken: ADMIN_TOKEN });
  await app.ready();
  return {
    app,
    store,
    config,
    dir,
    async close() {
      await app.close();
      await store.close();
      if (pg && !options.dir) await dropSchema(pg.schema);
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface TestServer extends TestApp {
  url: string;
}

export async function startServer(
  env: Record<string, string> = {},
  options: TestAppOptions = {},
): Promise<TestServer> {
  const built = await buildTestApp(env, options);
  await built.app.listen({ port: 0, host: '127.0.0.1' });
  const address = built.app.server.address();
  if (!address || typeof address === 'string') throw new Error('server did not bind a TCP port');
  return { ...built, url: `http://127.0.0.1:${address.port}` };
}

/** A clock tests move by hand: the cap on credit is proven without sleeping. */
export function manualClock(start = Date.parse('2026-11-23T10:00:00Z')) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
    set(ms: number) {
      now = ms;
    },
  };
}
