// The whole tracker, in one module because the size budget is tight: options, the engagement clock,
// the queue of beats, the session, the transport and the page's events, wired up by start(options).
// State lives in module variables shared by small functions (one module lets them assign each other's
// state without setters); the sections below follow what used to be separate modules.

export interface Options {
  /** Base URL of the Dwell server, no trailing slash. Default: the script's origin (tag), the page's (ESM). */
  api?: string | undefined;
  /**
   * The longest quiet stretch (no input) counted when the reader shows they stayed: it ends with a
   * scroll, a wheel, a key press or a touch in the focused window. 0 counts such a stretch in full. A
   * string is what a data-idle attribute gives. Default: 90 s (docs/tracker.md says why).
   */
  idle?: number | string | undefined;
  /**
   * The longest quiet stretch counted when a mouse move over the focused page ends it and the pointer
   * had not left the window since the last one (a reader who reads with the mouse, or someone back at
   * the desk who never left it). At most `idle`; equal to `grace`, a mouse move only restarts the clock.
   * Default: `idle` (docs/tracker.md, "Quiet stretches", measured by bench:accuracy).
   */
  mouse?: number | string | undefined;
  /**
   * The part of a quiet stretch counted when nothing says the reader stayed (the tab hidden or closed,
   * focus came back, the mouse moved after the pointer had left the window), also before the window
   * loses focus, and how long an unfocused window (another app in front) counts after a wheel over it
   * or media playing. 0 turns it off. Default: 30 s (docs/tracker.md says why).
   */
  grace?: number | string | undefined;
  /** Log beats, answers and caught errors to the console (a bare data-debug attribute is ''). */
  debug?: boolean | string | undefined;
  /** The gate's session cookie (default session_record_id); where it is present the tracker continues that session. */
  sessionCookie?: string | undefined;
  /** The site's id (data-site), where one script serves several sites' hosts; else the page's URL decides. */
  site?: string | undefined;
}

/**
 * Engaged time the server has not confirmed yet, for one URL, keyed as on the wire so a beat is sent
 * as it is. Once it has a seq it is frozen: a retry resends exactly what may already have been counted.
 */
interface Beat {
  seq?: number;
  engagedMs: number;
  /** Visible time, whatever the focus and input (≥ engagedMs). */
  visibleMs: number;
  url: string;
  /** Deepest scroll on that URL, percent. */
  scroll?: number;
  /** Engaged ms per marked section, [name, ms, position]: the sections add-on fills it. */
  sections?: [string, number, number][];
}

declare global {
  interface Window {
    /** The sections add-on (sections.ts), once loaded: given each stretch of engaged time as it is credited. */
    dwellSections?: (beat: Beat, ms: number) => void;
  }
}

/** This tab's session, kept in sessionStorage so the pages of one visit continue it. */
interface Session {
  // id, token and interval are named as the server's answer names them: it is merged in as it comes.
  /** '' until one is started, null once the server declined to track this visit. */
  id: string | null;
  /** Beat token of an anonymous session; the gate's cookie session has none (its beats go to /api/session-heartbeat). */
  token?: string | undefined;
  /** Beat interval, ms, as the server hands it out. */
  interval: number;
  /** How long after its last beat the server expires the session, ms (from the start answer). */
  timeout?: number;
  /** When the server last acknowledged a beat (or the start) of this session. */
  a?: number;
  /** Last seq used. */
  s: number;
  /** This tab's localStorage key for its queue. */
  k: string;
}

// ---- state and options

export const doc = document;
let api: string;
/** The site's id from data-site, sent with a session's start. */
let site: string | undefined;
/** Quiet-stretch cut-offs in ms (Options.idle, Options.mouse, Options.grace; grace ≤ mouse ≤ idle); Infinity when off. */
let idle: number;
let mouse: number;
let grace: number;
/** The pointer left the window (mouseout to nowhere) since the last mouse move. */
let left: unknown;
let debug: unknown;
/** The page being viewed (it changes under a single-page app) and the deepest scroll reached on it. */
let url = location.href;
let depth = 0;
/** Only the head is ever on the wire. Past 20 beats new time joins the last one (its page blurs). */
let queue: Beat[];
let session: Session;
/**
 * Start of the time not credited yet; Infinity while hidden, frozen or unloaded. During a quiet
 * stretch it stays `grace` after the last activity until the stretch ends, so how it ends decides.
 */
let since = Infinity;
/** Time of the last sign of a reader: input, playing media, focus in an iframe, the page shown. */
let lastActive = 0;
/** One request in flight at a time. */
let busy: unknown;
let failures = 0;
/** No request before this wall-clock time (backoff after a failure). */
let retryAt = 0;
let timer: ReturnType<typeof setTimeout> | 0;
/** Ticks in a row with nothing to send. */
let quiet = 0;
let running: unknown;

const log = (...args: unknown[]) => debug !== false && console.log('dwell', ...args);

// ---- storage: JSON in Web Storage, read in start(). Storage is missing or refuses access in
// sandboxed frames, some private modes and full disks; the tracker then keeps its state in memory.
// (Property access is getItem/setItem/removeItem in fewer bytes; neither key can clash with a method.)

/** Saves the session and the queue; an empty queue is removed, so finished tabs leave nothing behind. */
const save = (): void => {
  try {
    if (queue[0]) localStorage[session.k] = JSON.stringify(queue);
    else delete localStorage[session.k];
    sessionStorage.dwell = JSON.stringify(session);
  } catch {}
};

// ---- the engagement clock

/** The open beat for the current URL, created if needed (the 20th takes all later time). Only the head can carry a seq. */
const openBeat = (): Beat => {
  const beat =
    queue.find((b) => !b.seq && b.url === url) ||
    queue[19] ||
    queue[queue.push({ engagedMs: 0, url } as Beat) - 1]!;
  // Also a beat queued by a tracker from before visible time (a tab offline across the upgrade).
  beat.visibleMs ||= 0;
  beat.scroll = depth;
  return beat;
};

/**
 * Reads the scroll depth and credits the time since the last call to the current URL: all of it as
 * visible, and as engaged up to a cut-off after the last activity, so a pause shorter than the cut-off
 * still counts and the gap beyond it never does. A quiet stretch (no activity for longer than `grace`)
 * is held back until it ends, and the signal that ends it is its cut-off, in the focused window: a
 * `read` (scroll, wheel, key, touch) credits it up to `idle`, a mouse move over the page up to `mouse`
 * (`grace` if the pointer had left the window), anything else (focus came back, the tab hidden or
 * closed: `back` and passive calls) up to `grace` (docs/tracker.md, "Quiet stretches"). A stretch stops while hidden or
 * going `away` (pagehide, freeze). Whole milliseconds keep beats integral without losing any: the
 * differences telescope. A changed URL (pushState, replaceState, popstate, hashchange, or any other
 * way) starts a new page afterwards.
 */
const measure = (signal?: number, away?: unknown): void => {
  const now = performance.now() | 0;
  // The bottom edge of the viewport counts, so a short page is 100. Reading layout is cheap while it
  // is clean, as it usually is when input arrives, so this runs even on mousemove.
  depth = Math.max(
    depth,
    Math.min(100, Math.round(((scrollY + innerHeight) * 100) / doc.documentElement.scrollHeight)),
  );
  // A stretch starts active. Focus inside an iframe or <object> (an embedded video or PDF: only frames
  // have a contentWindow) is engagement the page sees no input from.
  if (since > now || (doc.activeElement as HTMLIFrameElement | null)?.contentWindow) lastActive = now;
  const engagedUntil = Math.min(now, lastActive + ((doc.hasFocus() && signal) || grace));
  const stopping = away || doc.hidden;
  // A stretch that ends (a signal, hidden, unloading) was visible to its end; an open one waits.
  const until = signal || stopping ? now : engagedUntil;
  if (until > since) {
    const beat = openBeat();
    beat.engagedMs += engagedUntil - since;
    beat.visibleMs += until - since;
    self.dwellSections?.(beat, engagedUntil - since);
  }
  since = stopping ? Infinity : until;
  if (signal) lastActive = now;
  if (location.href !== url) {
    url = location.href;
    depth = 0;
  }
};

const back = () => measure(grace);
const read = () => measure(idle);

// ---- transport: one request in flight at a time, retries with backoff and jitter that honour
// Retry-After (API.md's retry contract), and the tiny final beacon on the way out.

// A string body goes as text/plain, a "simple" request: no CORS preflight doubles the requests.
const post = (path: string, body: string) => fetch(api + path, { method: 'POST', body, keepalive: true });

const beatPath = () =>
  session.token ? `/api/v1/analytics/session/${session.id}/heartbeat` : '/api/session-heartbeat';

/** The wire form of a beat. Its first serialisation gives it its seq, which freezes it. */
const beatBody = (beat: Beat, final?: boolean): string => {
  // Above the last seq and close to the clock, so it keeps growing across page loads and across tabs
  // that share a session, where one tab's beat must never look like a retry of another's.
  beat.seq ||= session.s = Math.max(session.s + 1, Date.now());
  return JSON.stringify({ ...beat, token: session.token, final });
};

/**
 * Sends the head of the queue, or starts a session when there is none yet. After a network error,
 * a 429 or a 5xx the head stays as it is and goes again after the backoff: resending the same seq
 * is safe whether or not it was counted (the server credits a repeated seq nothing), and time
 * measured meanwhile waits in a beat of its own. Any other answer settles it (400/403/413 are never
 * retried); after 404/410 the next send starts a new session.
 */
const send = async (): Promise<void> => {
  // Past the timeout the server may accept a beat yet credit nothing (API.md: it folds later), so
  // the tracker starts a new session by itself. (NaN before the first answer compares false.)
  if (session.token && Date.now() - session.a! > session.timeout!) session.id = '';
  const id = session.id;
  // '' (start a session) or the head; null or undefined: nothing to do.
  const beat = id && queue[0];
  if (busy || Date.now() < retryAt || beat == null) return;
  busy = 1;
  let answer: Response | undefined;
  try {
    answer = await post(
      id ? beatPath() : '/api/v1/analytics/session',
      beat ? beatBody(beat) : JSON.stringify({ site, url, referrer: doc.referrer }),
    );
    if (!id) Object.assign(session, (await answer.json()).data);
  } catch {}
  busy = 0;
  // A network error is retried like a 503.
  const status = answer?.status || 503;
  log(status, beat);
  if (status === 429 || status > 499) {
    // Retry-After (whole seconds) when the server gives one, else exponential backoff with jitter.
    // (`*` converts the header's text; a missing header gives 0 or NaN, and the backoff applies.)
    retryAt =
      Date.now() +
      ((answer?.headers.get('retry-after') as unknown as number) * 1000 ||
        session.interval * 2 ** Math.min(failures++, 6) * (0.5 + Math.random()));
  } else {
    failures = 0;
    if (status < 300) session.a = Date.now();
    if (queue[0] === beat) queue.shift();
    // The session is gone: the next send starts a new one (the gate's cookie session is not ours to replace).
    if ((status === 404 || status === 410) && session.token) session.id = '';
  }
  save();
};

const retryNow = (): void => {
  retryAt = 0;
  send();
};

/**
 * pagehide/freeze: one tiny final beat by sendBeacon (fetch keepalive as fallback). A head already on
 * the wire goes again unchanged (a duplicate costs nothing); otherwise the open beats are folded into
 * one so the page's time leaves with it. Offline or backing off, nothing is sent: the queue stays in
 * localStorage for the next page of the visit, and no backlog is ever flushed during unload.
 */
const onHide = (): void => {
  measure(0, 1);
  if (session.id && navigator.onLine && Date.now() >= retryAt) {
    if (!queue[0]?.seq) {
      openBeat();
      queue = [
        // The beat with the most engaged time (sorted last) names the page: a route change just
        // before the close (Next.js unmounts a layout after the URL changed) leaves a near-empty
        // beat for the new URL.
        queue
          .sort((a, b) => a.engagedMs - b.engagedMs)
          .reduce((a, b) => {
            b.engagedMs += a.engagedMs;
            b.visibleMs += a.visibleMs;
            return b;
          }),
      ];
    }
    const beat = queue.shift()!;
    const body = beatBody(beat, true);
    if (!navigator.sendBeacon(api + beatPath(), body)) post(beatPath(), body).catch(log);
  }
  save();
};

// ---- the timer and the page's events

const schedule = () => {
  clearTimeout(timer);
  timer = setTimeout(tick, session.interval);
};

/**
 * Pages that mark sections (data-dwell-section) get the add-on that shares engaged time among them
 * (docs/tracker.md "Sections"); pages that mark none pay nothing more. Checked at the start and on
 * each tick, for an app that renders its sections later; the add-on installs itself once.
 */
const loadSections = () =>
  // A classic script, not import(): bundlers (webpack) would try to resolve an import() of a URL.
  self.dwellSections ||
  (doc.querySelector('[data-dwell-section]') &&
    doc.head.append(Object.assign(doc.createElement('script'), { src: `${api}/dwell-sections.js` })));

/**
 * One interval: credit the time, send at most one beat. With no engaged time (idle or hidden) only
 * an empty keep-alive goes, after 1, 2, 4, … 64 quiet intervals and then every 64 (16 minutes at
 * the default 15 s, inside the 30-minute timeout): an idle open tab costs a few tiny requests an hour.
 */
const tick = (): void => {
  // The server declined the visit (bot, Do-Not-Track, Global Privacy Control): stop quietly.
  if (session.id === null) stop();
  else {
    schedule();
    measure();
    loadSections();
    quiet = queue[0] ? 0 : quiet + 1;
    if (quiet && !(quiet & (quiet - 1) && quiet % 64)) openBeat();
    send();
  }
};

/**
 * Visibility changed, or the page was shown, restored, resumed or activated after prerendering.
 * Nothing starts before the page is first visible; the first send may start the session, whose
 * interval the ticks then follow. Later a hidden page sends its partial interval at once, while a
 * shown one (pageshow on load, a back-forward-cache restore) waits for the next tick: never more than
 * one beat per interval while active. (No timer yet and visible, or a timer and hidden.)
 */
const onVisibility = (): void => {
  measure();
  // A tab shown again marks the return: the pointer coming back into the page afterwards is reading.
  left = 0;
  if (!timer !== doc.hidden) send().then(schedule);
};

const handlers: Record<string, (event: Event | string) => unknown> = {
  visibilitychange: onVisibility,
  prerenderingchange: onVisibility,
  pageshow: onVisibility,
  resume: onVisibility,
  pagehide: onHide,
  freeze: onHide,
  online: retryNow,
  popstate: () => measure(),
  hashchange: () => measure(),
  // Scroll nobody made is not reading (issue #25): an element's own scroll (a carousel, a ticker)
  // is ignored, and the gesture that scrolls an element (wheel, key, touch) counts instead. The
  // document's scroll counts whoever made it.
  scroll: (event) => (event as Event).target === doc && read(),
  wheel: read,
  keydown: read,
  touchstart: read,
  // The cursor follows the gaze (docs/tracker.md): a mouse move over the page is reading, up to
  // `mouse`, unless the pointer had left the window since the last one: then it is someone coming
  // back, and the stretch counts only its grace. (mousemove, unlike pointermove, is not fired by a
  // finger that scrolls.)
  mousemove: () => {
    if (doc.hasFocus()) measure(left ? grace : mouse);
    left = 0;
  },
  mouseout: (event) => {
    left = !(event as MouseEvent).relatedTarget;
  },
  focus: back,
  // Another app in front (the window blurred, not to an iframe of the page): the reading up to the
  // blur counts, as before a hidden tab (up to the grace after the last input), and nothing after it
  // until a sign of a reader over the page (the mouse, the wheel, media). (Never below 0: a grace
  // that is off, Infinity, counts the window's time in full.)
  blur: () => {
    if (!doc.hasFocus()) {
      measure();
      lastActive = Math.min(lastActive, Math.max(0, (performance.now() | 0) - grace));
    }
  },
  // timeupdate fires while a <video> or <audio> plays: watching is engagement, focused or not.
  timeupdate: back,
};

/** The one listener: runs the event's handler unless tracking stopped, and never throws into the page. */
const handle = (event: Event | string): void => {
  try {
    if (running) handlers[(event as Event).type || (event as string)]!(event);
  } catch (error) {
    log(error);
  }
};

/** Stops tracking: the time so far leaves as a final beat; the listeners stay, inert. */
export const stop = (): void => {
  handle('pagehide');
  running = 0;
  clearTimeout(timer);
  timer = 0;
};

export const start = (options: Options = {}): (() => void) => {
  try {
    if (!running) {
      // The defaults are the setting bench:accuracy measured best (docs/tracker.md, "Accuracy").
      idle = +(options.idle ?? 90_000) || Infinity;
      // No quiet stretch ever counts beyond idle (grace ≤ mouse ≤ idle): a page that set only
      // data-idle keeps its promise.
      mouse = Math.min(+(options.mouse ?? idle) || Infinity, idle);
      grace = Math.min(+(options.grace ?? 30_000) || Infinity, mouse);
      debug = options.debug ?? false;
      site = options.site;
      // A missing key, unreadable storage or bad JSON throws: whatever was read so far stands.
      try {
        session = JSON.parse(sessionStorage.dwell);
        queue = JSON.parse(localStorage[session.k]);
      } catch {}
      session ||= { id: '', interval: 15_000, s: 0, k: `dwell${Math.random()}` };
      // Where the gate's cookie is present, its session is the one to continue.
      const cookie = doc.cookie.match(`(^|; )${options.sessionCookie || 'session_record_id'}=([^;]+)`);
      if (cookie) {
        session.id = cookie[2]!;
        delete session.token;
      }
      // A visit the server declined (bot, Do-Not-Track, Global Privacy Control) stays untracked.
      if (session.id !== null) {
        running = 1;
        queue ||= [];
        // On the gate's session, a measured beat goes at once (an empty one): from then on the server
        // credits a seed client's body-less beats on it nothing (API.md, one visit, one count).
        if (cookie) openBeat();
        // Listeners and the history hooks go in once (api is set from the first start on); they are
        // inert while stopped. Capture on window sees the document's events and every element's,
        // media events included, which do not bubble.
        if (!api) {
          for (const type in handlers) addEventListener(type, handle, true);
          for (const method of ['pushState', 'replaceState'] as const) {
            const original = history[method];
            history[method] = (...args: Parameters<History['pushState']>) => {
              original.apply(history, args);
              handle('popstate');
            };
          }
        }
        api = options.api || location.origin;
        loadSections();
        onVisibility();
      }
    }
  } catch (error) {
    log(error);
  }
  return stop;
};
