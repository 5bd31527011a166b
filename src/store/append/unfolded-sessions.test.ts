import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UnfoldedSessions } from './unfolded-sessions.ts';

const timing = { maxAgeMs: 30_000, quietMs: 20_000 };
const beat = (sessionPk: number, at: number, final = 0) => ({ sessionPk, at, final });

describe('UnfoldedSessions', () => {
  it('holds a session until it ends, goes quiet, or its first unfolded beat is maxAgeMs old', () => {
    const unfolded = new UnfoldedSessions();
    unfolded.note([beat(1, 0), beat(2, 0), beat(3, 0)]);
    unfolded.note([beat(1, 15_000), beat(2, 15_000, 1), beat(3, 5_000)]);
    assert.deepEqual(
      unfolded.takeDue(16_000, timing).map((s) => s.pk),
      [2],
      'the ended one at once',
    );
    unfolded.note([beat(1, 25_000)]);
    assert.deepEqual(
      unfolded.takeDue(26_000, timing).map((s) => s.pk),
      [3],
      'quiet for 21 s',
    );
    assert.deepEqual(unfolded.takeDue(29_999, timing), [], 'still beating, 29.999 s old');
    assert.deepEqual(
      unfolded.takeDue(30_000, timing).map((s) => s.pk),
      [1],
      'beating, but its first unfolded beat is 30 s old',
    );
    assert.equal(unfolded.size, 0);
  });

  it('gives back what a fold could not take, keeping the oldest first beat', () => {
    const unfolded = new UnfoldedSessions();
    unfolded.note([beat(1, 0)]);
    const taken = unfolded.takeDue(30_000, timing);
    unfolded.note([beat(1, 31_000)]);
    unfolded.restore(taken);
    assert.deepEqual(
      unfolded.takeDue(30_001, timing).map((s) => [s.pk, s.first, s.last]),
      [[1, 0, 31_000]],
    );
  });

  it('keeps its times when they are days apart (the base moves)', () => {
    const unfolded = new UnfoldedSessions();
    const day = 86_400_000;
    unfolded.note([beat(1, 0)]);
    unfolded.note([beat(2, 9 * day, 1), beat(1, 9 * day + 5)]);
    assert.deepEqual(
      unfolded.takeDue(9 * day + 10, timing).map((s) => [s.pk, s.first, s.last, s.ended]),
      [
        [1, 0, 9 * day + 5, false],
        [2, 9 * day, 9 * day, true],
      ],
    );
  });

  it('forgets what a fold of the whole journal took, not what was appended while it ran', () => {
    const unfolded = new UnfoldedSessions();
    unfolded.note([beat(1, 0), beat(2, 0)]);
    unfolded.note([beat(2, 1_000), beat(3, 1_000)]);
    unfolded.forgetUpTo(500);
    assert.deepEqual(
      unfolded.takeDue(60_000, timing).map((s) => s.pk),
      [2, 3],
    );
  });
});
