// Accuracy bench (issue: "npm run bench:accuracy"): randomized visits in Debian's Chromium, each run
// once with Dwell's tracker and once with each seed client as its document gives it, all against
// the same Dwell server; prints the median and p95 absolute error of the stored engaged time
// against the truth, as markdown tables.
//
// Time is scaled down SCALE times for every client alike: Dwell's interval (15 s → 0.75 s), its
// quiet-stretch cut-offs (idle 5 min → 15 s, grace 30 s → 1.5 s), BIO.RE's 30 s PATCH (→ 1.5 s), the
// blueprint's 3-minute ping (→ 9 s), and every stretch of every visit. Dwell runs three times, once
// per setting of its quiet rule (docs/tracker.md, "Quiet stretches"): the default, a 15 s grace, and
// grace = idle = 5 min, which is the flat cut-off Dwell had before (no focus rule either).
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

type Kind = 'read' | 'still' | 'video' | 'hidden' | 'gone' | 'app';
type Stretch = { kind: Kind; ms: number };
const DWELL = ['dwell', 'dwell-grace-15s', 'dwell-flat'] as const;
type Client = (typeof DWELL)[number] | 'bio.re' | 'blueprint';

/**
 * A visit: 2 to 5 stretches, in real seconds: reading with input (20–120 s); reading without
 * touching anything (30–180 s, engaged) that ends with a scroll; watching a muted video (30–300 s,
 * engaged, no input); the tab hidden (10–180 s); the tab left visible with nobody there (60–600 s,
 * not engaged; half of them past the 5-minute cut-off), ended by whatever comes next — the reader
 * comes back and moves the mouse, switches the tab, or closes it; another app in front, the window
 * visible but not focused (10–300 s, not engaged). It always starts reading and ends with a close.
 */
function visitScript(random: () => number): Stretch[] {
  const span = (min: number, max: number) => Math.round((min + random() * (max - min)) * 1000);
  const stretches: Stretch[] = [{ kind: 'read', ms: span(20, 120) }];
  const count = 1 + Math.floor(random() * 4);
  for (let i = 0; i < count; i++) {
    const r = random();
    if (r < 0.3) stretches.push({ kind: 'read', ms: span(20, 120) });
    else if (r < 0.5) stretches.push({ kind: 'still', ms: span(30, 180) });
    else if (r < 0.6) stretches.push({ kind: 'video', ms: span(30, 300) });
    else if (r < 0.75) stretches.push({ kind: 'hidden', ms: span(10, 180) });
    else if (r < 0.9) stretches.push({ kind: 'gone', ms: span(60, 600) });
    else stretches.push({ kind: 'app', ms: span(10, 300) });
  }
  return stretches;
}

const engaged = (s: Stretch) => s.kind === 'read' || s.kind === 'still' || s.kind === 'video';
/** The visit's kind for the breakdown: the first not-engaged, visible stretch it has, if any. */
const visitKind = (visit: Stretch[]) =>
  visit.find((s) => s.kind === 'gone' || s.kind === 'app')?.kind ?? 'other';

/** A second of silence as a WAV data URL: the muted, looping media of the "video" stretches. */
const SILENCE = (() => {
  const rate = 8000;
  const wav = Buffer.alloc(44 + rate);
  wav.write('RIFF', 0);
  wav.writeUInt32LE(36 + rate, 4);
  wav.write('WAVEfmt ', 8);
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(rate, 24);
  wav.writeUInt32LE(rate, 28);
  wav.writeUInt16LE(1, 32);
  wav.writeUInt16LE(8, 34);
  wav.write('data', 36);
  wav.writeUInt32LE(rate, 40);
  wav.fill(128, 44);
  return `data:audio/wav;base64,${wav.toString('base64')}`;
})();
const MEDIA = `<video id="bench-video" muted loop src="${SILENCE}"></video>`;

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
<body><p>Confidential</p>${MEDIA}<script>
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

/** What a boundary between two stretches does in the page, all at one instant. */
interface Step {
  hidden?: boolean;
  focused?: boolean;
  video?: boolean;
}

/**
 * One transition, done and timed in the page: starts or stops the video, blurs or focuses the window (with document.hasFocus() to match), hides or shows the
 * tab, and returns the page's Date.now() at that moment (the same clock as Node's, on one machine).
 */
const transition = (page: Page, step: Step): Promise<number> =>
  page.evaluate(`(() => {
    const at = Date.now();
    const step = ${JSON.stringify(step)};
    const video = document.getElementById('bench-video');
    if (step.video === true) video.play();
    if (step.video === false) video.pause();
    if (step.focused !== undefined) {
      document.hasFocus = () => step.focused;
      dispatchEvent(new Event(step.focused ? 'focus' : 'blur'));
    }
    if (step.hidden !== undefined) {
      Object.defineProperty(document, 'visibilityState', { value: step.hidden ? 'hidden' : 'visible', configurable: true });
      Object.defineProperty(document, 'hidden', { value: step.hidden, configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    }
    return at;
  })()`) as Promise<number>;

/** The boundary from one stretch to the next (undefined: the close). */
function stepBetween(from: Kind | undefined, to: Kind | undefined): Step {
  const step: Step = {};
  if (from === 'video') step.video = false;
  if (to === 'video') step.video = true;
  if (from === 'app') step.focused = true;
  if (to === 'app') step.focused = false;
  // Leaving a hidden stretch shows the tab; entering one (or closing) hides it. Other boundaries
  // (starting to read, walking away) are invisible to the page and only timed; a reader who comes
  // back moves the mouse first (the read stretch's first move).
  if (from === 'hidden' && to) step.hidden = false;
  if (from !== 'hidden' && (!to || to === 'hidden')) step.hidden = true;
  return step;
}

/**
 * Plays the visit in the page (scaled), then closes it the way a browser closes a tab: the page
 * turns hidden, then unloads (beforeunload and pagehide run). Returns the true engaged and visible
 * times in scaled ms, from the page's own timestamps of each transition.
 */
async function play(page: Page, visit: Stretch[]): Promise<{ engaged: number; visible: number }> {
  let x = 10;
  const truth = { engaged: 0, visible: 0 };
  let at = (await page.evaluate('window.__t0')) as number;
  for (const [i, stretch] of visit.entries()) {
    const end = at + stretch.ms / SCALE;
    // Reading without input ends with a scroll, the reader carrying on, a moment before the next
    // stretch: the scroll event comes with the next frame, so in the very instant of a hide it would
    // arrive after it, which no reader does.
    const still = stretch.kind === 'still';
    const until = still ? end - 150 : end;
    while (Date.now() < until) {
      // A reader moves the mouse now and then (every 2 scaled seconds).
      if (stretch.kind === 'read') {
        x = (x + 37) % 300;
        await page.mouse.move(x, 100);
      }
      await sleep(Math.min(2000, Math.max(0, until - Date.now())));
    }
    if (still) {
      await page.evaluate('scrollBy(0, 200)');
      await sleep(Math.max(0, end - Date.now()));
    }
    const next = await transition(page, stepBetween(stretch.kind, visit[i + 1]?.kind));
    if (engaged(stretch)) truth.engaged += next - at;
    if (stretch.kind !== 'hidden') truth.visible += next - at;
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
    const session = await server.store.getSession(id);
    const stored = session?.engagedMs ?? 0;
    if (process.env.VERBOSE)
      console.error(`\n${client} stored ${stored} truth ${truth.engaged} ${JSON.stringify(visit)}`);
    // Absolute errors in scaled ms.
    return {
      error: Math.abs(stored - truth.engaged),
      visibleError: Math.abs((session?.visibleMs ?? 0) - truth.visible),
    };
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
  // Each Dwell setting as data-grace and data-idle, scaled.
  const settings: Record<(typeof DWELL)[number], [grace: number, idle: number]> = {
    dwell: [30_000, 300_000],
    'dwell-grace-15s': [15_000, 300_000],
    'dwell-flat': [300_000, 300_000],
  };
  const site = await startSite((path) => {
    const client = path.split('/')[1] as Client;
    if (client === 'bio.re')
      return `<!doctype html><html><head>${STAMP}</head><body><p>Article</p>${MEDIA}${bioreClient(server.url)}</body></html>`;
    // (Other paths, /favicon.ico, get the default page.)
    const [grace, idle] = settings[client as (typeof DWELL)[number]] ?? settings.dwell;
    return trackedPage(server.url, `data-grace="${grace / SCALE}" data-idle="${idle / SCALE}"`)
      .replace('<head>', `<head>${STAMP}`)
      .replace('<body>', `<body>${MEDIA}`);
  });
  const browser = await launchChromium();
  const random = seededRandom(SEED);
  const visits = Array.from({ length: VISITS }, () => visitScript(random));
  const clients: Client[] = [...DWELL, 'bio.re', 'blueprint'];
  const length = (visit: Stretch[]) => visit.reduce((sum, s) => sum + s.ms, 0);
  // Longest visits first, so the pool does not end waiting on one long visit.
  const jobs = visits
    .flatMap((visit) => clients.map((client) => ({ client, visit })))
    .sort((a, b) => length(b.visit) - length(a.visit));
  type Result = { error: number; visibleError: number; kind: ReturnType<typeof visitKind> };
  const results = Object.fromEntries(clients.map((client) => [client, []])) as unknown as Record<
    Client,
    Result[]
  >;
  let done = 0;
  const started = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      while (next < jobs.length) {
        const job = jobs[next++]!;
        try {
          const errors = await runVisit(browser, server, site.origin, job.client, job.visit);
          results[job.client].push({ ...errors, kind: visitKind(job.visit) });
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
    dwell: "Dwell's tracker (defaults: grace 30 s, idle 5 min)",
    'dwell-grace-15s': "Dwell's tracker, `data-grace` 15 s",
    'dwell-flat': "Dwell's tracker, grace = idle = 5 min (the flat cut-off before #15)",
    'bio.re': 'BIO.RE seed (PATCH every 30 s while visible)',
    blueprint: 'Blueprint seed (ping every 3 min to /api/session-heartbeat)',
  };
  const short: Record<(typeof DWELL)[number], string> = {
    dwell: 'grace 30 s, idle 5 min',
    'dwell-grace-15s': 'grace 15 s, idle 5 min',
    'dwell-flat': 'flat 5 min',
  };
  const scaled = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const real = (ms: number) => `${((ms * SCALE) / 1000).toFixed(1)} s`;
  const header = (first: string) => [
    `| ${first} | visits | median, scaled run | p95, scaled run | median, real time | p95, real time |`,
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  const row = (label: string, rs: Result[], which: 'error' | 'visibleError' = 'error') => {
    const e = rs.map((r) => r[which]);
    const [median, p95] = [quantile(e, 0.5), quantile(e, 0.95)];
    return `| ${label} | ${e.length} | ${scaled(median)} | ${scaled(p95)} | ${real(median)} | ${real(p95)} |`;
  };
  const lines = [
    `${VISITS} randomized visits (seed ${SEED}), time scaled 1/${SCALE}, ${PARALLEL} pages at a time; absolute error of the stored engaged time, in seconds of the scaled run and projected to real time (× ${SCALE}):`,
    '',
    ...header('client'),
    ...clients.map((client) => row(names[client], results[client])),
    '',
    'Dwell, by the visit\'s not-engaged visible stretch: "gone" (tab visible, nobody there, 60–600 s), "app" (another app in front, 10–300 s), or neither:',
    '',
    ...header('Dwell, visits'),
    ...DWELL.flatMap((client) =>
      (['other', 'gone', 'app'] as const).map((kind) =>
        row(
          `${short[client]}: ${kind === 'other' ? 'neither' : `with "${kind}"`}`,
          results[client].filter((r) => r.kind === kind),
        ),
      ),
    ),
    '',
    'Visible time (the second clock), absolute error of the stored `visibleMs`:',
    '',
    ...header('client'),
    ...DWELL.map((client) => row(names[client], results[client], 'visibleError')),
  ];
  console.log(`\n${lines.join('\n')}`);
  console.log(`\n(ran in ${Math.round((Date.now() - started) / 1000)} s)`);
}

await main();
