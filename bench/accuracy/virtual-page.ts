// Plays a visit of bench:accuracy (readers.ts) into the real, built dwell.js, run in a node:vm context
// that stands in for the page: a virtual clock (performance.now, Date.now and timers all follow it),
// the events dispatched to the tracker's window listeners as the browser would, and a server that
// accepts every beat. Returns the engaged time the beats carried, each seq counted once, as the
// server credits it (an honest client's beats never reach the server's wall-clock cap). The Chromium
// tests (test/e2e/tracker.test.ts) prove the browser fires these events as this page does.

import { readFileSync } from 'node:fs';
import { createContext, Script } from 'node:vm';
import type { PageEvent, Visit } from './readers.ts';

let script: Script | undefined;

/** dwell.js as built (`npm run build`), or another build named by DWELL_JS (main's, say), compiled once. */
function tracker(): Script {
  script ??= new Script(
    readFileSync(process.env.DWELL_JS ?? new URL('../../dist/public/dwell.js', import.meta.url), 'utf8'),
  );
  return script;
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

/** Engaged ms that dwell.js, with these data- attributes, reports for the visit. */
export async function playInTracker(visit: Visit, dataset: Record<string, string>): Promise<number> {
  let now = 0;
  const epoch = Date.UTC(2026, 11, 1);
  const timers = new Map<number, { at: number; run: () => void }>();
  let timerId = 0;
  const listeners: Record<string, ((event: object) => void)[]> = {};
  const beats = new Map<number, number>();
  const record = (body: string) => {
    const beat = JSON.parse(body) as { seq?: number; engagedMs?: number };
    if (beat.seq) beats.set(beat.seq, beat.engagedMs ?? 0);
  };
  const state = { hidden: false, focused: true, scrollY: 0 };
  const document = {
    get hidden() {
      return state.hidden;
    },
    get visibilityState() {
      return state.hidden ? 'hidden' : 'visible';
    },
    hasFocus: () => state.focused,
    activeElement: null,
    documentElement: { scrollHeight: 20_000 },
    cookie: '',
    referrer: '',
    querySelector: () => null,
    currentScript: { src: 'https://dwell.test/dwell.js', dataset },
  };
  const answer = (data: object) => ({
    status: 200,
    headers: { get: () => null },
    json: async () => ({ data }),
  });
  const window = {
    document,
    location: { href: 'https://site.test/article', origin: 'https://site.test' },
    history: { pushState() {}, replaceState() {} },
    performance: { now: () => now },
    Date: class extends Date {
      static override now() {
        return epoch + now;
      }
    },
    get scrollY() {
      return state.scrollY;
    },
    innerHeight: 800,
    navigator: {
      onLine: true,
      sendBeacon: (_url: string, body: string) => {
        record(body);
        return true;
      },
    },
    sessionStorage: {},
    localStorage: {},
    URL,
    console,
    setTimeout: (run: () => void, ms: number) => {
      timers.set(++timerId, { at: now + ms, run });
      return timerId;
    },
    clearTimeout: (id: number) => timers.delete(id),
    fetch: async (url: string, init: { body: string }) => {
      if (url.endsWith('/api/v1/analytics/session'))
        return answer({ id: 'visit', token: 'token', interval: 15_000, timeout: 1_800_000 });
      record(init.body);
      return answer({ ok: true });
    },
    addEventListener: (type: string, listener: (event: object) => void) => {
      listeners[type] = [...(listeners[type] ?? []), listener];
    },
  } as Record<string, unknown>;
  window.self = window;
  const context = createContext(window);

  const dispatch = (type: string, props: object = {}) => {
    for (const listener of listeners[type] ?? []) listener({ type, target: window, ...props });
  };
  /** Runs the timers due by `until`, in order, then moves the clock there. */
  const advance = async (until: number) => {
    for (;;) {
      let next: [number, { at: number; run: () => void }] | undefined;
      for (const entry of timers) if (!next || entry[1].at < next[1].at) next = entry;
      if (!next || next[1].at > until) break;
      timers.delete(next[0]);
      now = next[1].at;
      next[1].run();
      await flush();
    }
    now = until;
  };

  tracker().runInContext(context);
  await flush();
  // Media fires timeupdate about every 250 ms while it plays.
  const events: PageEvent[] = [];
  let playing: number | null = null;
  for (const event of visit.events) {
    if (event.type === 'play') playing = event.at;
    if (event.type === 'pause' && playing !== null) {
      for (let at = playing + 250; at < event.at; at += 250) events.push({ at, type: 'play' });
      playing = null;
    }
    events.push(event);
  }
  events.sort((a, b) => a.at - b.at);
  for (const { at, type } of events) {
    await advance(at);
    if (type === 'hide' || type === 'show' || type === 'close') {
      state.hidden = type !== 'show';
      dispatch('visibilitychange', { target: document });
      if (type === 'close') dispatch('pagehide');
    } else if (type === 'blur' || type === 'focus') {
      state.focused = type === 'focus';
      dispatch(type);
    } else if (type === 'scroll') {
      state.scrollY += 200;
      dispatch('scroll', { target: document });
    } else if (type === 'mouseout') dispatch('mouseout', { relatedTarget: null });
    else if (type === 'play') dispatch('timeupdate', { target: {} });
    else if (type !== 'pause') dispatch(type, { target: {} });
    await flush();
  }
  let engaged = 0;
  for (const ms of beats.values()) engaged += ms;
  return engaged;
}
