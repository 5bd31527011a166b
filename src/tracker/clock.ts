// The engagement clock: counts performance.now() milliseconds while the page is visible and the
// reader active, and hands them to the queue for the URL being viewed.

import { idle } from './config.ts';
import { addTime } from './queue.ts';

/** Start of the stretch being counted; -1 while hidden, frozen or unloaded. */
let since = -1;
/** Time of the last sign of a reader: input, playing media, focus in an iframe, the page shown. */
let lastActive = 0;

/**
 * Credits the time since the last call, then starts a new stretch if the page is visible and not
 * going `away` (pagehide, freeze: no script runs after those until pageshow or resume). Time is cut
 * off `idle` ms after the last activity, so a reader's pause shorter than that still counts.
 */
export const measure = (away?: boolean): void => {
  const now = performance.now();
  // Focus inside an iframe (an embedded video or PDF) is engagement the page sees no input from.
  if (document.activeElement?.tagName === 'IFRAME') lastActive = now;
  if (since < 0) lastActive = now;
  else addTime(Math.min(now, lastActive + idle) - since);
  since = document.hidden || away ? -1 : now;
};

/** A sign of activity. Back from idle, the idle gap is closed first so it is never counted. */
export const markActive = (): void => {
  const now = performance.now();
  if (now - lastActive > idle) measure();
  lastActive = now;
};
