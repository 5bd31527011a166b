// start(options): wires the clock, the queue and the transport to the page's events and a timer,
// and returns stop(). Every handler is wrapped: the tracker never throws into the page.

import { markActive, measure } from './clock.ts';
import { configure, log, type Options } from './config.ts';
import { readDepth } from './page.ts';
import { loadQueue, openBeat, queue } from './queue.ts';
import { loadSession, session } from './session.ts';
import { navigate, watchHistory } from './spa.ts';
import { retryNow, send, sendFinal } from './transport.ts';

export type { Options };

let timer: ReturnType<typeof setTimeout> | undefined;
/** Ticks in a row with nothing to send. */
let quiet = 0;
let running: unknown;
let listening: unknown;

const schedule = () => {
  clearTimeout(timer);
  timer = setTimeout(tick, session.interval);
};

/**
 * One interval: credit the time, send at most one beat. With no engaged time (idle or hidden) only
 * an empty keep-alive goes, after 1, 2, 4, … 64 quiet intervals and then every 64 (16 minutes at
 * the default 15 s, inside the 30-minute timeout): an idle open tab costs a few tiny requests an hour.
 */
const tick = (): void => {
  // The server declined the visit (bot, Do-Not-Track, Global Privacy Control): stop quietly.
  if (session.id === null) {
    stop();
    return;
  }
  schedule();
  readDepth();
  measure();
  quiet = queue[0] ? 0 : quiet + 1;
  if (quiet && session.id && !(quiet & (quiet - 1) && quiet % 64)) openBeat();
  send();
};

/** Visibility changed, or the page was shown, restored, resumed or activated after prerendering. */
const onVisibility = (): void => {
  measure();
  // Nothing starts before the page is first visible; the first send may start the session, whose
  // interval the ticks then follow. Later a hidden page sends its partial interval at once, while a
  // shown one (pageshow on load, a back-forward-cache restore) waits for the next tick: never more
  // than one beat per interval while active.
  if (timer) {
    if (document.hidden) send();
  } else if (!document.hidden) send().then(schedule);
};

const onHide = () => {
  measure(true);
  sendFinal();
};

const handlers: Record<string, () => void> = {
  visibilitychange: onVisibility,
  prerenderingchange: onVisibility,
  pageshow: onVisibility,
  resume: onVisibility,
  pagehide: onHide,
  freeze: onHide,
  online: retryNow,
  popstate: navigate,
  hashchange: navigate,
  scroll: () => {
    readDepth();
    markActive();
  },
  pointermove: markActive,
  keydown: markActive,
  touchstart: markActive,
  // timeupdate fires while a <video> or <audio> plays: watching is engagement, not idleness.
  timeupdate: markActive,
};

/** The one listener: runs the event's handler unless tracking stopped, and never throws into the page. */
const handle = (event: Event | { type: string }): void => {
  try {
    if (running) handlers[event.type]!();
  } catch (error) {
    log(error);
  }
};

/** Stops tracking: the time so far leaves as a final beat; the listeners stay, inert. */
export const stop = (): void => {
  handle({ type: 'pagehide' });
  running = 0;
  clearTimeout(timer);
  timer = undefined;
};

export const start = (options: Options = {}): (() => void) => {
  try {
    if (!running) {
      configure(options);
      loadSession();
      // A visit the server declined (bot, Do-Not-Track, Global Privacy Control) stays untracked.
      if (session.id !== null) {
        running = 1;
        loadQueue(session.k);
        // Capture on window sees the document's events and every element's, media events included,
        // which do not bubble. The same function added twice is one listener.
        for (const type in handlers) addEventListener(type, handle, true);
        if (!listening) watchHistory(() => handle({ type: 'popstate' }));
        listening = 1;
        onVisibility();
      }
    }
  } catch (error) {
    log(error);
  }
  return stop;
};
