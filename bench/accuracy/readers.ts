// The reader mix of bench:accuracy (issue #25): seeded visits, each a timeline of the events a page
// sees (input, visibility, focus, the pointer leaving the window, media) and the truth, the time a
// reader was really there. Every share and length below is stated with its source, or marked as the
// bench's own assumption, in docs/tracker.md ("Accuracy: the reader mix"); change both together.

/** What the page sees. `scroll` is the document's; `hide`/`show` the tab; `blur`/`focus` the window. */
export type EventType =
  | 'mousemove'
  | 'mouseout'
  | 'pointerdown'
  | 'wheel'
  | 'scroll'
  | 'keydown'
  | 'hide'
  | 'show'
  | 'blur'
  | 'focus'
  | 'play'
  | 'pause'
  | 'close';

export interface PageEvent {
  /** ms since the page loaded (the visit starts reading at 0). */
  at: number;
  type: EventType;
}

/** How the visit's reader reads: which input marks a paragraph boundary. */
export type ReaderKind = 'scroll' | 'mouse' | 'mixed' | 'slides' | 'video';

export interface Visit {
  kind: ReaderKind;
  events: PageEvent[];
  /** The true engaged time, ms. */
  engagedMs: number;
  /** ms from load to the close. */
  lengthMs: number;
  /** The visit has a walk-away (page visible, nobody there) or another app in front. */
  walkAway: boolean;
  app: boolean;
}

/** Shares of reader kinds (bench assumption, docs/tracker.md). */
const KINDS: [ReaderKind, number][] = [
  ['scroll', 0.35],
  ['mouse', 0.15],
  ['mixed', 0.3],
  ['slides', 0.1],
  ['video', 0.1],
];

type Stretch = 'read' | 'still' | 'hidden' | 'walk-away' | 'app';
/** What follows the first reading stretch, 0–4 times: shares (bench assumption, docs/tracker.md). */
const STRETCHES: [Stretch, number][] = [
  ['read', 0.45],
  ['still', 0.1],
  ['hidden', 0.15],
  ['walk-away', 0.15],
  ['app', 0.15],
];

/** Builds `count` seeded visits. */
export function buildVisits(random: () => number, count: number): Visit[] {
  return Array.from({ length: count }, () => buildVisit(random));
}

function buildVisit(random: () => number): Visit {
  const pick = <T>(shares: [T, number][]): T => {
    let r = random();
    for (const [value, share] of shares) {
      r -= share;
      if (r < 0) return value;
    }
    return shares[shares.length - 1]![0];
  };
  const uniform = (min: number, max: number) => (min + random() * (max - min)) * 1000;
  // Box–Muller: a lognormal with this median (s) and spread.
  const lognormal = (median: number, sigma: number) =>
    median *
    1000 *
    Math.exp(sigma * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()));

  const kind = pick(KINDS);
  const events: PageEvent[] = [];
  const visit: Visit = { kind, events: [], engagedMs: 0, lengthMs: 0, walkAway: false, app: false };
  let t = 0;
  /** The last paragraph boundary: the next comes one reading time after it, across stretches. */
  let lastBoundary = 0;
  /** The next boundary, once drawn, while a stretch ended before it. */
  let pending: number | null = null;
  /** The pointer is outside the window (browser chrome, another app) until the next mouse move. */
  let pointerOut = false;
  const push = (at: number, type: EventType) => events.push({ at: Math.round(at), type });
  const mouseBurst = (at: number) => {
    // The cursor follows the gaze to the next paragraph: a few moves over 400 ms.
    for (let i = 0; i < 5; i++) push(at + i * 100, 'mousemove');
    pointerOut = false;
  };
  const wheelScroll = (at: number) => {
    for (let i = 0; i < 3; i++) {
      push(at + i * 120, 'wheel');
      push(at + i * 120 + 16, 'scroll');
    }
  };
  /** The input that marks a paragraph boundary for this reader. */
  const boundary = (at: number) => {
    lastBoundary = at;
    pending = null;
    if (kind === 'scroll' || kind === 'video') wheelScroll(at);
    else if (kind === 'mouse') mouseBurst(at);
    else if (kind === 'mixed') {
      if (random() < 0.5) wheelScroll(at);
      else mouseBurst(at);
    } else if (random() < 0.3) push(at, 'keydown');
    else {
      // The next-slide button: the pointer goes there, then clicks.
      mouseBurst(at);
      push(at + 500, 'pointerdown');
    }
    // A mouse or mixed reader now and then parks the pointer on the browser's toolbar or tab strip
    // (bench assumption: 1 boundary in 20).
    if ((kind === 'mouse' || kind === 'mixed') && random() < 0.05) {
      push(at + 700, 'mouseout');
      pointerOut = true;
    }
  };
  const engaged = (ms: number) => {
    visit.engagedMs += ms;
    t += ms;
  };
  /** Reading for `ms`: input at paragraph boundaries (slides: a slide every 20–90 s). */
  const read = (ms: number) => {
    const end = t + ms;
    for (;;) {
      const at = pending ?? lastBoundary + (kind === 'slides' ? uniform(20, 90) : lognormal(15, 0.6));
      pending = at;
      if (at >= end - 1000) break;
      boundary(at);
    }
    engaged(ms);
  };

  const firstRead = uniform(20, 180);
  read(firstRead);
  if (kind === 'video') {
    // Play: the pointer goes to the player and clicks; watching is engaged and makes no input.
    mouseBurst(t);
    push(t + 500, 'pointerdown');
    push(t + 600, 'play');
    engaged(uniform(30, 300));
    push(t, 'pause');
    lastBoundary = t;
    pending = null;
  }
  const more = Math.floor(random() * 5);
  const plan: Stretch[] = Array.from({ length: more }, () => pick(STRETCHES));
  for (const [i, stretch] of plan.entries()) {
    const next = plan[i + 1];
    if (stretch === 'read') read(uniform(20, 180));
    else if (stretch === 'still') {
      // A figure or a table studied without input, then the reader goes on (their usual input).
      engaged(uniform(30, 180));
      boundary(t);
    } else if (stretch === 'hidden') {
      // Another tab: the pointer goes to the tab strip first (bench assumption: 7 in 10).
      if (random() < 0.7) {
        push(t - 300, 'mouseout');
        pointerOut = true;
      }
      push(t, 'hide');
      t += uniform(10, 180);
      push(t, 'show');
      lastBoundary = t;
      pending = null;
    } else if (stretch === 'walk-away') {
      // Up and away, the pointer left where it was, the tab visible: nothing marks it.
      visit.walkAway = true;
      t += uniform(60, 600);
      lastBoundary = t;
      pending = null;
      // Back: what comes next ends it. A returner grabs the mouse (or scrolls, 1 in 5) and reads on;
      // a tab switch or the close end it by themselves.
      if (next === 'read' || next === 'still' || next === undefined) {
        if (next === undefined && random() < 0.5) continue; // straight to the close
        if (random() < 0.8) mouseBurst(t);
        else wheelScroll(t);
        read(uniform(20, 180));
      }
    } else {
      // Another app in front: the window blurs (the pointer leaves with it half the time), now and
      // then the pointer crosses the page, and a click brings the window back.
      visit.app = true;
      if (random() < 0.5) {
        push(t - 200, 'mouseout');
        pointerOut = true;
      }
      push(t, 'blur');
      const away = uniform(10, 300);
      if (random() < 0.3) mouseBurst(t + away / 2);
      t += away;
      mouseBurst(t - 600);
      push(t, 'pointerdown');
      push(t, 'focus');
      lastBoundary = t;
      pending = null;
    }
  }
  // The close: the tab is hidden, then unloaded.
  if (pointerOut || random() < 0.7) push(t - 300, 'mouseout');
  push(t, 'close');
  visit.lengthMs = Math.round(t);
  // A reader's last input may fall after the close (the close came first): it never happened.
  visit.events = events.filter((event) => event.at <= visit.lengthMs).sort((a, b) => a.at - b.at);
  return visit;
}
