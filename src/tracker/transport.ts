// Getting beats to the server: one request in flight at a time, retries with backoff and jitter
// that honour Retry-After (API.md's retry contract), and the tiny final beacon on the way out.

import { api, log } from './config.ts';
import { url } from './page.ts';
import { openBeat, type QueuedBeat, queue, saveQueue } from './queue.ts';
import { nextSeq, saveSession, session } from './session.ts';

let busy: unknown;
let failures = 0;
/** No request before this wall-clock time (backoff after a failure). */
let retryAt = 0;

// A string body goes as text/plain, a "simple" request: no CORS preflight doubles the requests.
const post = (path: string, body: string) => fetch(api + path, { method: 'POST', body, keepalive: true });

const beatPath = () =>
  session.token ? `/api/v1/analytics/session/${session.id}/heartbeat` : '/api/session-heartbeat';

const beatBody = (beat: QueuedBeat, final?: boolean) =>
  JSON.stringify({
    token: session.token,
    seq: beat.s,
    engagedMs: beat.e | 0,
    url: beat.u,
    scroll: beat.c,
    final,
  });

const save = () => {
  saveQueue();
  saveSession();
};

/** Back online: whatever waits goes now. */
export const retryNow = (): void => {
  retryAt = 0;
  send();
};

/**
 * Sends the head of the queue, or starts a session when there is none yet. After a network error,
 * a 429 or a 5xx the head stays as it is and goes again after the backoff: resending the same seq
 * is safe whether or not it was counted (the server credits a repeated seq nothing), and time
 * measured meanwhile waits in a beat of its own. Any other answer settles it (400/403/413 are never
 * retried); after 404/410 the next send starts a new session.
 */
export const send = async (): Promise<void> => {
  const beat = queue[0];
  const id = session.id;
  if (busy || Date.now() < retryAt || (id ? !beat : id === null)) return;
  busy = 1;
  let status = 503;
  let retryAfter: unknown;
  try {
    if (id) beat!.s ||= nextSeq();
    const answer = await post(
      id ? beatPath() : '/api/v1/analytics/session',
      id ? beatBody(beat!) : JSON.stringify({ url, referrer: document.referrer }),
    );
    status = answer.status;
    retryAfter = answer.headers.get('retry-after');
    if (!id) Object.assign(session, (await answer.json()).data);
    else if (status !== 429 && status < 500) {
      if (queue[0] === beat) queue.shift();
      // The session is gone (404/410): the next send starts a new one.
      if ((status === 404 || status === 410) && session.token) session.id = '';
    }
    save();
  } catch {}
  busy = 0;
  log(status, beat);
  if (status === 429 || status > 499) {
    // Retry-After (whole seconds) when the server gives one, else exponential backoff with jitter.
    retryAt =
      Date.now() +
      (Number(retryAfter) * 1000 || session.interval * 2 ** Math.min(failures++, 6) * (0.5 + Math.random()));
  } else failures = 0;
};

/**
 * pagehide/freeze: one tiny final beat by sendBeacon. A head already on the wire goes again
 * unchanged (a duplicate costs nothing); otherwise the open beats are folded into one so the page's
 * time leaves with it. Offline or backing off, nothing is sent: the queue stays in localStorage for
 * the next page of the visit, and no backlog is ever flushed during unload.
 */
export const sendFinal = (): void => {
  if (session.id && navigator.onLine && Date.now() >= retryAt) {
    const beat = queue[0] || openBeat();
    if (!beat.s) {
      for (const later of queue.splice(1)) {
        beat.e += later.e;
        beat.u = later.u;
        beat.c = later.c;
      }
      beat.s = nextSeq();
    }
    const body = beatBody(beat, true);
    if (!navigator.sendBeacon(api + beatPath(), body)) post(beatPath(), body).catch(log);
    if (queue[0] === beat) queue.shift();
  }
  save();
};
