import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  type AccountingRules,
  type Beat,
  creditBeat,
  type SessionState,
  sessionStatus,
} from './credit-beat.ts';

const rules: AccountingRules = { intervalMs: 15_000, timeoutMs: 1_800_000, toleranceMs: 2_000 };
const T0 = 1_700_000_000_000;

function fresh(overrides: Partial<SessionState> = {}): SessionState {
  return {
    startedAt: T0,
    lastActivityAt: T0,
    endedAt: null,
    engagedMs: 0,
    lastSeq: 0,
    beats: 0,
    currentUrl: '/a',
    ...overrides,
  };
}

function credited(state: SessionState, beat: Beat, now: number) {
  const outcome = creditBeat(state, beat, now, rules);
  assert.equal(outcome.kind, 'credited');
  return outcome;
}

describe('creditBeat', () => {
  it('credits the claimed engaged time when the wall clock allows it', () => {
    const outcome = credited(fresh(), { seq: 1, engagedMs: 15_000 }, T0 + 15_000);
    assert.equal(outcome.creditedMs, 15_000);
    assert.equal(outcome.next.engagedMs, 15_000);
    assert.equal(outcome.next.lastSeq, 1);
    assert.equal(outcome.next.beats, 1);
    assert.equal(outcome.next.lastActivityAt, T0 + 15_000);
  });

  it('caps a claim at the wall-clock time that passed plus the tolerance', () => {
    const outcome = credited(fresh(), { seq: 1, engagedMs: 60_000 }, T0 + 1_000);
    assert.equal(outcome.creditedMs, 1_000 + rules.toleranceMs);
  });

  it('gives two quick seed beats about one second, not 60 (the BIO.RE flaw)', () => {
    const first = credited(fresh(), {}, T0 + 500);
    const second = credited(first.next, {}, T0 + 1_000);
    assert.equal(first.creditedMs + second.creditedMs, 1_000);
  });

  it('credits a seed beat the time since the previous beat, at most one interval plus tolerance', () => {
    assert.equal(credited(fresh(), {}, T0 + 10_000).creditedMs, 10_000);
    const late = fresh({ lastActivityAt: T0 + 60_000 });
    assert.equal(credited(late, {}, T0 + 60_000 + 180_000).creditedMs, rules.intervalMs + rules.toleranceMs);
  });

  it('treats a seq at or below the last accepted one as a retry that credits nothing', () => {
    const state = fresh({ lastSeq: 5, engagedMs: 10_000 });
    assert.deepEqual(creditBeat(state, { seq: 5, engagedMs: 15_000 }, T0 + 60_000, rules), {
      kind: 'duplicate',
      ended: null,
    });
    assert.deepEqual(creditBeat(state, { seq: 4, engagedMs: 15_000 }, T0 + 60_000, rules), {
      kind: 'duplicate',
      ended: null,
    });
    assert.equal(credited(state, { seq: 6, engagedMs: 15_000 }, T0 + 60_000).creditedMs, 15_000);
  });

  it('ends the session when a retried beat carries final, still crediting nothing', () => {
    const state = fresh({ lastSeq: 5, engagedMs: 10_000 });
    const outcome = creditBeat(state, { seq: 5, engagedMs: 15_000, final: true }, T0 + 60_000, rules);
    assert.deepEqual(outcome, { kind: 'duplicate', ended: { ...state, endedAt: T0 + 60_000 } });
  });

  it('expires a session whose last beat is older than the timeout, crediting nothing', () => {
    const state = fresh({ lastActivityAt: T0 });
    assert.deepEqual(creditBeat(state, { seq: 1, engagedMs: 1 }, T0 + rules.timeoutMs + 1, rules), {
      kind: 'expired',
    });
    assert.equal(creditBeat(state, { seq: 1, engagedMs: 1 }, T0 + rules.timeoutMs, rules).kind, 'credited');
  });

  it('ends the session on a final beat and resumes it on a later beat', () => {
    const ended = credited(fresh(), { seq: 1, engagedMs: 3_000, final: true }, T0 + 3_000);
    assert.equal(ended.next.endedAt, T0 + 3_000);
    const resumed = credited(ended.next, { seq: 2, engagedMs: 2_000 }, T0 + 10_000);
    assert.equal(resumed.next.endedAt, null);
    assert.equal(resumed.next.engagedMs, 5_000);
  });

  it('attributes credit to the beat url, else to the current page', () => {
    assert.equal(credited(fresh(), { engagedMs: 1, url: '/b' }, T0 + 10).url, '/b');
    assert.equal(credited(fresh(), { engagedMs: 1 }, T0 + 10).url, '/a');
    assert.equal(credited(fresh({ currentUrl: null }), { engagedMs: 1 }, T0 + 10).url, null);
  });

  it('lets a backlog after an offline stretch through, because its wall-clock time really passed', () => {
    // 5 minutes offline: the tracker retries its last beat, then sends the backlog right after.
    const before = fresh({ engagedMs: 60_000, lastSeq: 4, lastActivityAt: T0 + 60_000 });
    const retried = credited(before, { seq: 5, engagedMs: 15_000 }, T0 + 360_000);
    const backlog = credited(retried.next, { seq: 6, engagedMs: 285_000 }, T0 + 360_050);
    assert.equal(retried.creditedMs + backlog.creditedMs, 300_000);
  });

  it('never credits a negative or fractional amount', () => {
    assert.equal(credited(fresh({ engagedMs: 50_000 }), { engagedMs: 10 }, T0 + 1_000).creditedMs, 0);
    assert.equal(credited(fresh(), { engagedMs: 10.7 }, T0 + 1_000).creditedMs, 10);
    // A clock that went backwards (another instance's skew) credits nothing rather than a negative.
    assert.equal(credited(fresh({ lastActivityAt: T0 + 5_000 }), {}, T0 + 1_000).creditedMs, 0);
  });
});

describe('creditBeat: visible time and one visit, one count', () => {
  it('credits the claimed visible time beside the engaged time', () => {
    const outcome = credited(
      fresh({ visibleMs: 0 }),
      { seq: 1, engagedMs: 4_000, visibleMs: 10_000 },
      T0 + 10_000,
    );
    assert.equal(outcome.creditedMs, 4_000);
    assert.equal(outcome.visibleMs, 10_000);
    assert.equal(outcome.next.visibleMs, 10_000);
  });

  it('caps visible time on its own total at the wall clock plus the tolerance', () => {
    const first = credited(fresh({ visibleMs: 0 }), { seq: 1, engagedMs: 0, visibleMs: 60_000 }, T0 + 5_000);
    assert.equal(first.visibleMs, 5_000 + rules.toleranceMs);
    // The tolerance is granted once: a second claim at the same moment gets nothing more.
    const second = credited(first.next, { seq: 2, engagedMs: 0, visibleMs: 60_000 }, T0 + 5_000);
    assert.equal(second.visibleMs, 0);
    assert.equal(second.next.visibleMs, 5_000 + rules.toleranceMs);
  });

  it('never credits a beat more engaged time than visible time', () => {
    // Visible time already used up the wall clock: engaged time claimed now cannot exceed it.
    const state = fresh({ visibleMs: 10_000, engagedMs: 0 });
    const outcome = credited(state, { seq: 1, engagedMs: 8_000, visibleMs: 8_000 }, T0 + 10_000);
    assert.equal(outcome.visibleMs, rules.toleranceMs);
    assert.equal(outcome.creditedMs, rules.toleranceMs);
  });

  it('counts a beat without visibleMs as visible for what it claims engaged', () => {
    const outcome = credited(fresh({ visibleMs: 0 }), { seq: 1, engagedMs: 3_000 }, T0 + 5_000);
    assert.equal(outcome.visibleMs, 3_000);
  });

  it('keeps visible time unknown (null) on a session stored before it was measured', () => {
    const outcome = credited(
      fresh({ visibleMs: null, engagedMs: 1_000 }),
      { seq: 1, engagedMs: 2_000 },
      T0 + 5_000,
    );
    assert.equal(outcome.creditedMs, 2_000);
    assert.equal(outcome.next.visibleMs, null);
  });

  it('credits seed beats nothing once the session got a measured beat (one visit, one count)', () => {
    const seedFirst = credited(fresh(), {}, T0 + 5_000);
    assert.equal(seedFirst.creditedMs, 5_000, 'before any measured beat, a seed client counts');
    const measured = credited(seedFirst.next, { seq: 1, engagedMs: 4_000 }, T0 + 10_000);
    assert.equal(measured.next.measured, true);
    const seedAfter = credited(measured.next, {}, T0 + 15_000);
    assert.equal(seedAfter.creditedMs, 0);
    assert.equal(seedAfter.next.lastActivityAt, T0 + 15_000, 'it still refreshes the last activity');
    assert.equal(seedAfter.next.engagedMs, 9_000);
  });

  it('never credits more engaged than visible time, nor more visible than the wall clock, whatever the beats', () => {
    const arbMeasured = fc.record({
      gap: fc.integer({ min: 0, max: 40_000 }),
      engagedMs: fc.option(fc.integer({ min: 0, max: 120_000 }), { nil: undefined }),
      visibleMs: fc.option(fc.integer({ min: 0, max: 120_000 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(arbMeasured, { maxLength: 60 }), (beats) => {
        let state = fresh({ visibleMs: 0 });
        let now = T0;
        beats.forEach((b, i) => {
          now += b.gap;
          const outcome = creditBeat(
            state,
            { seq: i + 1, engagedMs: b.engagedMs, visibleMs: b.visibleMs },
            now,
            rules,
          );
          if (outcome.kind !== 'credited') return;
          assert.ok(outcome.creditedMs <= outcome.visibleMs, `${outcome.creditedMs} > ${outcome.visibleMs}`);
          state = outcome.next;
        });
        assert.ok(state.engagedMs <= (state.visibleMs ?? 0));
        assert.ok((state.visibleMs ?? 0) <= now - T0 + rules.toleranceMs);
      }),
      { numRuns: 500 },
    );
  });
});

describe('sessionStatus', () => {
  it('is ended after a final beat, expired after the timeout, else active', () => {
    assert.equal(sessionStatus({ endedAt: T0, lastActivityAt: T0 }, T0 + 1, 1_000), 'ended');
    assert.equal(sessionStatus({ endedAt: null, lastActivityAt: T0 }, T0 + 1_001, 1_000), 'expired');
    assert.equal(sessionStatus({ endedAt: null, lastActivityAt: T0 }, T0 + 1_000, 1_000), 'active');
  });
});

// A beat as a test generates it: when it arrives (ms after the previous one) and what it carries.
const arbBeat = fc.record({
  gap: fc.integer({ min: 0, max: 40_000 }),
  engagedMs: fc.option(fc.integer({ min: 0, max: 120_000 }), { nil: undefined }),
  seqStep: fc.integer({ min: -2, max: 3 }),
  final: fc.boolean(),
});

function replay(beats: { gap: number; engagedMs: number | undefined; seqStep: number; final: boolean }[]) {
  let state = fresh();
  let now = T0;
  let seq = 0;
  let total = 0;
  for (const beat of beats) {
    now += beat.gap;
    seq = Math.max(1, seq + beat.seqStep);
    const outcome = creditBeat(state, { seq, engagedMs: beat.engagedMs, final: beat.final }, now, rules);
    if (outcome.kind === 'credited') {
      total += outcome.creditedMs;
      state = outcome.next;
    }
  }
  return { state, total, elapsed: now - T0 };
}

describe('creditBeat properties', () => {
  it('never credits more than the wall-clock time plus the tolerance, whatever the beats', () => {
    fc.assert(
      fc.property(fc.array(arbBeat, { maxLength: 60 }), (beats) => {
        const { state, total, elapsed } = replay(beats);
        assert.equal(state.engagedMs, total);
        assert.ok(total <= elapsed + rules.toleranceMs, `${total} > ${elapsed} + tolerance`);
      }),
      { numRuns: 500 },
    );
  });

  it('never counts a retried seq twice: resending any accepted beat changes nothing', () => {
    fc.assert(
      fc.property(fc.array(arbBeat, { minLength: 1, maxLength: 30 }), fc.nat(), (beats, pick) => {
        let state = fresh();
        let now = T0;
        const sent: { beat: Beat; now: number }[] = [];
        beats.forEach((b, i) => {
          now += b.gap;
          const beat = { seq: i + 1, engagedMs: b.engagedMs };
          const outcome = creditBeat(state, beat, now, rules);
          if (outcome.kind === 'credited') state = outcome.next;
          sent.push({ beat, now });
        });
        const retry = sent[pick % sent.length]!;
        const outcome = creditBeat(state, retry.beat, now, rules);
        assert.ok(outcome.kind === 'duplicate' || outcome.kind === 'expired');
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same total for any interleaving of concurrent seq-less beats, within the cap', () => {
    // Beats that arrive together from two tabs (or two instances) are serialised by the store in
    // some order; the total must not depend on which.
    fc.assert(
      fc.property(
        fc
          .array(fc.option(fc.integer({ min: 0, max: 30_000 }), { nil: undefined }), {
            minLength: 1,
            maxLength: 12,
          })
          .chain((claims) =>
            fc.tuple(
              fc.constant(claims),
              fc.shuffledSubarray(claims, { minLength: claims.length, maxLength: claims.length }),
            ),
          ),
        fc.integer({ min: 0, max: 60_000 }),
        ([claims, shuffled], at) => {
          const total = (order: (number | undefined)[]) => {
            let state = fresh();
            for (const engagedMs of order) {
              const outcome = creditBeat(state, { engagedMs }, T0 + at, rules);
              if (outcome.kind === 'credited') state = outcome.next;
            }
            return state.engagedMs;
          };
          const a = total(claims);
          const b = total(shuffled);
          assert.ok(a <= at + rules.toleranceMs && b <= at + rules.toleranceMs);
          // Claims sum up to the cap in any order; seed beats add only the time since the
          // previous beat, which is 0 between beats that arrive together.
          const claimedSum = claims.reduce<number>((sum, c) => sum + (c ?? 0), 0);
          const firstSeed = claims.includes(undefined)
            ? Math.min(at, rules.intervalMs + rules.toleranceMs)
            : 0;
          const bound = Math.min(at + rules.toleranceMs, claimedSum + firstSeed);
          assert.ok(a <= bound && b <= bound);
          if (!claims.includes(undefined)) assert.equal(a, b);
        },
      ),
      { numRuns: 500 },
    );
  });
});
