// Resolved options: the one place defaults live, so the script tag's data-* attributes and the ESM
// build's start(options) mean the same thing.

export interface Options {
  /** Base URL of the Dwell server, no trailing slash. Default: the script's origin (tag), the page's (ESM). */
  api?: string | undefined;
  /**
   * Milliseconds without input after which a visible page stops counting; 0 turns idle off. A
   * string is what a data-idle attribute gives.
   */
  idle?: number | string | undefined;
  /** Log beats, answers and caught errors to the console (a bare data-debug attribute is ''). */
  debug?: boolean | string | undefined;
  /** The gate's session cookie; where it is present the tracker continues that session. */
  sessionCookie?: string | undefined;
}

/**
 * Five minutes. Reading a screen of dense text, a table or a diagram without touching anything
 * takes minutes, and under-counting real readers is the error this product exists to fix. A visible
 * tab nobody looks at is the rarer case (switching tabs, minimising or locking the screen all hide
 * the page, which stops the clock at once), and it is over-counted by at most this much.
 */
export const IDLE_DEFAULT = 300_000;

export let api: string;
/** Idle cut-off in ms; Infinity when idle detection is off. */
export let idle: number;
export let cookieName: string;
let debug: unknown;

export const configure = (options: Options): void => {
  api = options.api || location.origin;
  idle = Number(options.idle ?? IDLE_DEFAULT) || 1 / 0;
  cookieName = options.sessionCookie || 'session_record_id';
  debug = options.debug ?? false;
};

export const log = (...args: unknown[]): void => {
  if (debug !== false) console.log('dwell', ...args);
};
