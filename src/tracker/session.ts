// The session this tab beats for, kept in sessionStorage so the pages of one visit continue it:
// an anonymous session the tracker starts, or the gate's cookie session where its cookie is present.

import { cookieName } from './config.ts';
import { read, write } from './storage.ts';

export interface Session {
  // The first four are named as the server's answer names them: it is merged in as it comes.
  /** Session id; '' until one is started, null once the server declined to track this visit. */
  id: string | null;
  /** Beat token of an anonymous session; the gate's cookie session has none (its beats go to /api/session-heartbeat). */
  token?: string | undefined;
  /** Beat interval, ms, as the server hands it out. */
  interval: number;
  /** Last seq used. */
  s: number;
  /** This tab's key for its queue in localStorage. */
  k: number;
}

export let session: Session;

export const loadSession = (): void => {
  session = read('dwell') || { id: '', interval: 15_000, s: 0, k: Math.random() };
  const cookie = document.cookie.match(`(^|; )${cookieName}=([^;]+)`);
  if (cookie && session.id !== cookie[2]) session = { ...session, id: cookie[2]!, token: undefined };
};

export const saveSession = (): void => {
  write('dwell', session);
};

/**
 * The next seq: above the last one and close to the clock, so it keeps growing across page loads
 * and across tabs that share a session, where one tab's beat must never look like a retry of another's.
 */
export const nextSeq = (): number => {
  session.s = Math.max(session.s + 1, Date.now());
  return session.s;
};
