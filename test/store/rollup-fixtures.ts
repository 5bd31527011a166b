// What the rollup property tests of both engines write: a session started by a visitor (maybe with
// an email), beats, and a finished session imported whole, on one page.

import fc from 'fast-check';
import type { ImportedSession } from '../../src/store/query-types.ts';
import type { NewSession } from '../../src/store/types.ts';

export function trackerSession(id: string, visitorId: string, email: string | null = null): NewSession {
  return {
    id,
    tokenHash: null,
    email,
    visitorId,
    entryUrl: '/a',
    referrer: null,
    screen: null,
    lang: null,
  };
}

export function finishedSession(
  id: string,
  visitorId: string,
  startedAt: number,
  seconds: number,
): ImportedSession {
  const end = startedAt + seconds * 1000;
  return {
    id,
    startedAt,
    lastActivityAt: end,
    endedAt: end,
    engagedMs: seconds * 1000,
    beats: seconds,
    email: null,
    visitorId,
    entryUrl: '/a',
    referrer: null,
    screen: null,
    lang: null,
    pages: [{ url: '/a', engagedMs: seconds * 1000, maxScroll: null }],
    spans: [{ url: '/a', start: startedAt, end }],
  };
}

/** A session start by one of three visitors, some with an email. */
export const startAction = fc.record({
  kind: fc.constant('start' as const),
  who: fc.constantFrom('va', 'vb', 'vc'),
  email: fc.option(fc.constantFrom('a@x.test', 'b@x.test'), { nil: null }),
});

/** A beat's fields: which session (modulo those started), what it claims, where, whether last. */
export const beatFields = {
  kind: fc.constant('beat' as const),
  session: fc.nat(),
  engagedMs: fc.integer({ min: 0, max: 9_000 }),
  url: fc.constantFrom('/a', '/b', '/c'),
  final: fc.boolean(),
};
