import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { overlapCorrected, personSessions, toVisitorTotal } from './visitor-totals.ts';

describe('overlapCorrected', () => {
  it('counts two tabs open at once once', () => {
    const totals = overlapCorrected([
      { who: 'e:a@x.test', engagedMs: 10_000, spans: [{ start: 0, end: 10_000 }] },
      { who: 'e:a@x.test', engagedMs: 10_000, spans: [{ start: 5_000, end: 15_000 }] },
      { who: 'v:b', engagedMs: 3_000, spans: [{ start: 0, end: 3_000 }] },
    ]);
    assert.equal(totals.get('e:a@x.test'), 15_000);
    assert.equal(totals.get('v:b'), 3_000);
  });

  it('never gives a person less than their longest session nor more than the sum', () => {
    const session = fc.record({
      who: fc.constantFrom('e:a', 'v:b'),
      engagedMs: fc.nat(100_000),
      spans: fc.array(
        fc.tuple(fc.nat(100_000), fc.nat(50_000)).map(([start, length]) => ({ start, end: start + length })),
        { maxLength: 4 },
      ),
    });
    fc.assert(
      fc.property(fc.array(session, { maxLength: 8 }), (sessions) => {
        for (const [who, total] of overlapCorrected(sessions)) {
          const own = sessions.filter((s) => s.who === who);
          assert.ok(total >= Math.max(...own.map((s) => s.engagedMs)));
          assert.ok(total <= own.reduce((sum, s) => sum + s.engagedMs, 0));
        }
      }),
    );
  });
});

describe('personSessions and toVisitorTotal', () => {
  it('join span rows to their sessions, the open span included, and decode the person key', () => {
    const sessions = personSessions(
      [{ pk: 1, who: 'v:k', engaged_ms: 5, span_start: 20, span_end: 25 }],
      [{ session_pk: 1, start: 0, end: 5 }],
    );
    assert.deepEqual(sessions, [
      {
        who: 'v:k',
        engagedMs: 5,
        spans: [
          { session_pk: 1, start: 0, end: 5 },
          { start: 20, end: 25 },
        ],
      },
    ]);
    assert.deepEqual(toVisitorTotal({ who: 'e:a@x.test', sessions: 2, first: 1, last: 2 }, 7), {
      email: 'a@x.test',
      visitorId: null,
      sessions: 2,
      engagedMs: 7,
      firstSeen: 1,
      lastSeen: 2,
    });
  });
});
