// Accuracy bench (issue: "npm run bench:accuracy"): randomized visits in Debian's Chromium, each run
// once with Dwell's tracker and once with each seed client as its document gives it, all against
// the same Dwell server; prints the median and p95 absolute error of the stored engaged time
// against the truth, as markdown tables.
//
// Time is scaled down SCALE times for every client alike: Dwell's interval (15 s → 0.75 s) and idle
// cut-off (5 min → 15 s), BIO.RE's 30 s PATCH (→ 1.5 s), the blueprint's 3-minute ping (→ 9 s), and
// every stretch of every visit. Dwell runs twice: with its default idle cut-off and with 60 s.
//
// The truth is taken from the page's own clock: an inline script in <head> stamps the moment the
// page exists, and every transition (tab hidden or shown, the reader walking away, the close) is
// done by one page.evaluate that returns the page's Date.now() at the moment it acted, so the
// harness's latency (Node → CDP → page) is not counted against any client.
//
// Errors are reported twice: as measured in the scaled run, and projected to real time (× SCALE).
// The projection is exact for errors made of scaled quantities (the seed clients' interval
// quantisation, Dwell's idle cut-off) and an over-estimate for those that do not scale (event and
// network latency, a few ms here). The server's 2 s tolerance is not scaled, which flatters the seed
// clients slightly (their body-less beats get it).

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { seededRandom } from '../src/demo/generate.ts';
import {
  hasChromium,
  launchChromium,
  newContext,
  sleep,
  startSite,
  trackedPage,
} from '../test/e2e/tracker-browser.ts';
import { startServer, type TestServer } from '../test/helper.ts';

const SCALE = 20;
const VISITS = Number(process.env.VISITS ?? 40);
const PARALLEL = Number(process.env.PARALLEL ?? 6);
const SEED = Number(process.env.SEED ?? 42);

type Stretch = { kind: 'read' | 'still' | 'hidden' | 'gone'; ms: number };
type Client = 'dwell' | 'dwell-60s' | 'bio.re' | 'blueprint';

/**
 * A visit: 2 to 5 stretches, in real seconds: reading with input (20–120 s), reading without
 * touching anything (30–180 s, still engaged), the tab hidden (10–180 s), or the tab left visible
 * with nobody there (60–600 s, not engaged). It always starts reading and ends with a close.
 */
function visitScript(random: () => number): Stretch[] {
  const span = (min: number, max: number) => Math.round((min + random() * (max - min)) * 1000);
  const stretches: Stretch[] = [{ kind: 'read', ms: span(20, 120) }];
  const count = 1 + Math.floor(random() * 4);
  for (let i = 0; i < count; i++) {
    const r = random();
    if (r < 0.35) stretches.push({ kind: 'read', ms: span(20, 120) });
    else if (r < 0.6) stretches.push({ kind: 'still', ms: span(30, 180) });
    else if (r < 0.85) stretches.push({ kind: 'hidden', ms: span(10, 180) });
    else stretches.push({ kind: 'gone', ms: span(60, 600) });
  }
  return stretches;
}

const engaged = (s: Stretch) => s.kind === 'read' || s.kind === 'still';
const hasGone = (visit: Stretch[]) => visit.some((s) => s.kind === 'gone');

/** Stamps the moment the page exists, in <head>, before any client's script runs. */
const STAMP = '<script>window.__t0 = Date.now()</script>';

// The seed clients, as their documents give them, with their intervals scaled.
const bioreClient = (server: string) => `<script>
(async () => {
  const started = await fetch('${server}/api/v1/analytics/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url: location.href }) }).then((r) => r.json());
  const sessionId = started.data.id;
  window.__sessionId = sessionId;
  async function sessionHeartbeat(sessionId) {
    await fetch('${server}/api/v1/analytics/session/' + sessionId + '/heartbeat', { method: 'PATCH' }).catch(() => {});
  }
  function startHeartbeat(sessionId) {
    let timer = null;
    const start = () => { if (timer != null) return; timer = window.setInterval(() => sessionHeartbeat(sessionId), ${30_000 / SCALE}); };
    const stop = () => { if (timer != null) { clearInterval(timer); timer = null; } };
    const onVisibility = () => { if (document.visibilityState === 'visible') start(); else stop(); };
    document.addEventListener('visibilitychange', onVisibility);
    if (document.visibilityState === 'visible') start();
    return () => { document.removeEventListener('visibilitychange', onVisibility); stop(); };
  }
  startHeartbeat(sessionId);
})();
</script>`;

const blueprintPage = `<!doctype html><html><head>${STAMP}<meta name="dwell-tracker" content="off"><title>deck</title></head>
<body><p>Confidential</p><script>
(function() {
  const HEARTBEAT_INTERVAL = ${180_000 / SCALE};
  let heartbeatTimer = null;
  let isPageVisible = true;
  function getCookie(name) {
    const value = '; ' + document.cookie;
    const parts = value.split('; ' + name + '=');
    if (parts.length === 2) return parts.pop().split(';').shift();
    return null;
  }
  async function sendHeartbeat() {
    const sessionRecordId = getCookie('session_record_id');
    if (!sessionRecordId) return;
    try { await fetch('/api/session-heartbeat', { method: 'POST', credentials: 'same-origin' }); }
    catch (error) { console.error('Heartbeat failed:', error); }
  }
  function startHeartbeat() {
    sendHeartbeat();
    heartbeatTimer = setInterval(() => { if (isPageVisible) sendHeartbeat(); }, HEARTBEAT_INTERVAL);
  }
  document.addEventListener('visibilitychange', () => {
    isPageVisible = !document.hidden;
    if (isPageVisible) sendHeartbeat();
  });
  window.addEventListener('beforeunload', () => {
    const sessionRecordId = getCookie('session_record_id');
    if (sessionRecordId && navigator.sendBeacon) navigator.sendBeacon('/api/session-heartbeat');
  });
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', startHeartbeat);
  else startHeartbeat();
})();
</script></body></html>`;

/**
 * One transition, done and timed in the page: optionally hides or shows the tab, and returns the
 * page's Date.now() at that moment (the same clock as Node's, on one machine).
 */
const transition = (page: Page, hidden?: boolean): Promise<number> =>
  page.evaluate(`(() => {
    const at = Date.now();
    if (${hidden !== undefined}) {
      Object.defineProperty(document, 'visibilityState', { value: ${hidden} ? 'hidden' : 'visible', configurable: true });
      Object.defineProperty(document, 'hidden', { value: ${hidden}, configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    }
    return at;
  })()`) as Promise<number>;

/**
 * Plays the visit in the page (scaled), then closes it the way a browser closes a tab: the page
 * turns hidden, then unloads (beforeunload and pagehide run). Returns the true engaged time in
 * scaled ms, from the page's own timestamps of each transition.
 */
async function play(page: Page, visit: Stretch[]): Promise<number> {
  let x = 10;
  let truth = 0;
  let at = (await page.evaluate('window.__t0')) as number;
  for (const [i, stretch] of visit.entries()) {
    const end = at + stretch.ms / SCALE;
    while (Date.now() < end) {
      // A reader moves the mouse now and then (every 2 scaled seconds).
      if (stretch.kind === 'read') {
        x = (x + 37) % 300;
        await page.mouse.move(x, 100);
      }
      await sleep(Math.min(2000, Math.max(0, end - Date.now())));
    }
    const nextKind = visit[i + 1]?.kind;
    // Leaving a hidden stretch shows the tab; entering one (or closing) hides it; other boundaries
    // (starting to read, walking away) are invisible to the page and only timed.
    const hidden =
      stretch.kind === 'hidden'
        ? nextKind
          ? false
          : undefined
        : !nextKind || nextKind === 'hidden'
          ? true
          : undefined;
    const next = await transition(page, hidden);
    if (engaged(stretch)) truth += next - at;
    at = next;
  }
  const closed = new Promise((resolve) => page.once('close', resolve));
  await page.close({ runBeforeUnload: true });
  await closed;
  return truth;
}

async function runVisit(
  browser: Browser,
  server: TestServer,
  site: string,
  client: Client,
  visit: Stretch[],
) {
  const context = await newContext(browser);
  try {
    const page = await context.newPage();
    let id: string | null = null;
    if (client === 'blueprint') {
      await context.request.post(`${server.url}/api/verify-temp-access`, {
        form: { email: 'bench@example.com', next: '/confidential/blueprint.html' },
        maxRedirects: 0,
      });
      await page.goto(`${server.url}/confidential/blueprint.html`);
      id = (await context.cookies()).find((c) => c.name === 'session_record_id')?.value ?? null;
    } else {
      await page.goto(`${site}/${client}/page`);
      id = (await page
        .waitForFunction(
          client.startsWith('dwell')
            ? `JSON.parse(sessionStorage.getItem('dwell') || '{}').id`
            : 'window.__sessionId',
          undefined,
          { polling: 50, timeout: 10_000 },
        )
        .then((h) => h.jsonValue())) as string;
    }
    if (!id) throw new Error(`${client}: no session`);
    // The page has been open (visible, read) since its <head> ran: play() counts that in.
    const truth = await play(page, visit);
    // Let the final beat (sendBeacon on pagehide or beforeunload) land.
    await sleep(800);
    const stored = (await server.store.getSession(id))?.engagedMs ?? 0;
    if (process.env.VERBOSE)
      console.error(`\n${client} stored ${stored} truth ${truth} ${JSON.stringify(visit)}`);
    // Absolute error in scaled ms.
    return Math.abs(stored - truth);
  } finally {
    await context.close();
  }
}

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
};

async function main() {
  if (!hasChromium()) {
    console.error('bench:accuracy needs Debian chromium at /usr/bin/chromium (apt-get install chromium)');
    process.exit(1);
  }
  const gateDir = mkdtempSync(join(tmpdir(), 'dwell-bench-gate-'));
  writeFileSync(join(gateDir, 'blueprint.html'), blueprintPage);
  const server = await startServer({
    DWELL_INTERVAL_MS: String(15_000 / SCALE),
    DWELL_RATE_LIMIT: 'off',
    DWELL_GATE_DIR: gateDir,
    DWELL_DEMO: 'off',
  });
  const site = await startSite((path) =>
    path.startsWith('/dwell/')
      ? trackedPage(server.url, `data-idle="${300_000 / SCALE}"`).replace('<head>', `<head>${STAMP}`)
      : path.startsWith('/dwell-60s/')
        ? trackedPage(server.url, `data-idle="${60_000 / SCALE}"`).replace('<head>', `<head>${STAMP}`)
        : `<!doctype html><html><head>${STAMP}</head><body><p>Article</p>${bioreClient(server.url)}</body></html>`,
  );
  const browser = await launchChromium();
  const random = seededRandom(SEED);
  const visits = Array.from({ length: VISITS }, () => visitScript(random));
  const clients: Client[] = ['dwell', 'dwell-60s', 'bio.re', 'blueprint'];
  const length = (visit: Stretch[]) => visit.reduce((sum, s) => sum + s.ms, 0);
  // Longest visits first, so the pool does not end waiting on one long visit.
  const jobs = visits
    .flatMap((visit) => clients.map((client) => ({ client, visit })))
    .sort((a, b) => length(b.visit) - length(a.visit));
  type Result = { error: number; gone: boolean };
  const results: Record<Client, Result[]> = { dwell: [], 'dwell-60s': [], 'bio.re': [], blueprint: [] };
  let done = 0;
  const started = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      while (next < jobs.length) {
        const job = jobs[next++]!;
        try {
          const error = await runVisit(browser, server, site.origin, job.client, job.visit);
          results[job.client].push({ error, gone: hasGone(job.visit) });
        } catch (error) {
          console.error(`${job.client}: ${(error as Error).message}`);
        }
        process.stderr.write(`\r${++done}/${jobs.length} visits`);
      }
    }),
  );
  process.stderr.write('\n');
  await browser.close();
  await Promise.all([server.close(), site.close()]);

  const names: Record<Client, string> = {
    dwell: "Dwell's tracker (default idle cut-off, 5 min)",
    'dwell-60s': "Dwell's tracker, `data-idle` 60 s",
    'bio.re': 'BIO.RE seed (PATCH every 30 s while visible)',
    blueprint: 'Blueprint seed (ping every 3 min to /api/session-heartbeat)',
  };
  const scaled = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const real = (ms: number) => `${((ms * SCALE) / 1000).toFixed(1)} s`;
  const header = (first: string) => [
    `| ${first} | visits | median, scaled run | p95, scaled run | median, real time | p95, real time |`,
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  const row = (label: string, rs: Result[]) => {
    const e = rs.map((r) => r.error);
    const [median, p95] = [quantile(e, 0.5), quantile(e, 0.95)];
    return `| ${label} | ${e.length} | ${scaled(median)} | ${scaled(p95)} | ${real(median)} | ${real(p95)} |`;
  };
  const lines = [
    `${VISITS} randomized visits (seed ${SEED}), time scaled 1/${SCALE}, ${PARALLEL} pages at a time; absolute error of the stored engaged time, in seconds of the scaled run and projected to real time (× ${SCALE}):`,
    '',
    ...header('client'),
    ...clients.map((client) => row(names[client], results[client])),
    '',
    'Dwell, by whether the visit has a "gone" stretch (tab visible, nobody there, 60–600 s):',
    '',
    ...header('Dwell, visits'),
    ...(['dwell', 'dwell-60s'] as const).flatMap((client) => {
      const idle = client === 'dwell' ? '5 min' : '60 s';
      return [
        row(
          `idle ${idle}, without a "gone" stretch`,
          results[client].filter((r) => !r.gone),
        ),
        row(
          `idle ${idle}, with a "gone" stretch`,
          results[client].filter((r) => r.gone),
        ),
      ];
    }),
  ];
  console.log(`\n${lines.join('\n')}`);
  console.log(`\n(ran in ${Math.round((Date.now() - started) / 1000)} s)`);
}

await main();
