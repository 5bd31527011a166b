// Engaged time the server has not confirmed yet, as beats per URL. Only the head is ever on the
// wire; once it has a seq it is frozen, so a retry resends exactly what may already have been
// counted. Kept in localStorage so a reload does not lose it.

import { depth, url } from './page.ts';
import { read, write } from './storage.ts';

export interface QueuedBeat {
  /** seq once sent (the payload is then frozen); 0 while time may still be added. */
  s: number;
  /** Engaged milliseconds. */
  e: number;
  /** URL the time is credited to. */
  u: string;
  /** Deepest scroll on that URL, percent. */
  c: number;
}

/** The bound: past this many pages waiting, new time joins the last beat (kept, only its page blurs). */
const MAX_BEATS = 20;

export let queue: QueuedBeat[];
let key: string;

export const loadQueue = (tab: number): void => {
  key = `dwell:${tab}`;
  queue = read(key, true) || [];
};

export const saveQueue = (): void => {
  write(key, queue[0] && queue, true);
};

/** The open beat for the current URL, created if needed. Only the head can carry a seq. */
export const openBeat = (): QueuedBeat => {
  const beat =
    queue.find((b) => !b.s && b.u === url) ||
    queue[queue.length < MAX_BEATS ? queue.push({ s: 0, e: 0, u: url, c: 0 }) - 1 : MAX_BEATS - 1]!;
  beat.c = depth;
  return beat;
};

export const addTime = (ms: number): void => {
  if (ms > 0) openBeat().e += ms;
};
