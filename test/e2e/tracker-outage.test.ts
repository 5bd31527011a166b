// The tracker across a database outage: PostgreSQL is stopped while a page is being read, beats
// get 503 with Retry-After, the tracker keeps the time and retries; once PostgreSQL is back the
// stored engaged time matches the truth within a second — nothing lost, nothing counted twice.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import type { Browser } from 'playwright-core';
import { startServer, type TestServer } from '../helper.ts';
import { skipOutsideCi } from '../services.ts';
import { dropSchema, POSTGRES_URL, postgresSkipReason, testSchemaName } from '../store/engines.ts';
import {
  chromiumSkipReason,
  launchChromium,
  newContext,
  type Site,
  sessionIdOf,
  sleep,
  startSite,
  trackedPage,
} from './tracker-browser.ts';

function cluster(action: 'start' | 'stop'): void {
  const version = readdirSync('/etc/postgresql')[0]!;
  execFileSync(
    'pg_ctlcluster',
    ['--skip-systemctl-redirect', version, 'main', action, ...(action === 'stop' ? ['-m', 'fast'] : [])],
    {
      stdio: 'ignore',
    },
  );
}

async function skipReason(): Promise<string | false> {
  const noChromium = chromiumSkipReason();
  if (noChromium) return noChromium;
  const pgSkip = await postgresSkipReason();
  if (pgSkip) return pgSkip;
  if (!existsSync('/etc/postgresql') || process.getuid?.() !== 0) {
    return skipOutsideCi('needs root and a local pg_ctlcluster to stop and start PostgreSQL');
  }
  return false;
}

describe('tracker across a PostgreSQL outage', { skip: await skipReason() }, () => {
  const schema = testSchemaName();
  let server: TestServer;
  let browser: Browser;
  let site: Site;

  before(async () => {
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    await admin.query(`CREATE SCHEMA "${schema}"`);
    await admin.end();
    server = await startServer({
      DATABASE_URL: `${POSTGRES_URL}?options=-c%20search_path%3D${schema}`,
      DWELL_INTERVAL_MS: '1000',
      DWELL_RATE_LIMIT: 'off',
    });
    site = await startSite(() => trackedPage(server.url));
    browser = await launchChromium();
  });

  after(async () => {
    try {
      cluster('start');
    } catch {}
    await browser?.close();
    await server?.close();
    await site?.close();
    await dropSchema(schema).catch(() => {});
  });

  it('delivers the engaged time of the outage once PostgreSQL is back', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${site.origin}/article`);
    const started = Date.now();
    const id = await sessionIdOf(page);
    await sleep(2_000);
    cluster('stop');
    await sleep(4_000);
    cluster('start');
    // The tracker honours Retry-After (5 s) before it tries again.
    await sleep(8_000);
    const truth = Date.now() - started;
    await page.close();
    let session = await server.store.getSession(id);
    for (let i = 0; i < 50 && !session?.endedAt; i++) {
      await sleep(100);
      session = await server.store.getSession(id);
    }
    await context.close();
    const stored = session?.engagedMs ?? 0;
    assert.ok(session?.endedAt, 'the final beat arrived');
    assert.ok(Math.abs(stored - truth) <= 1_000, `stored ${stored} ms, truth ${truth} ms`);
  });
});
