import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GroupCommit } from './group-commit.ts';

describe('GroupCommit', () => {
  it('applies what one event-loop turn submitted as one batch, and answers each in order', async () => {
    const batches: number[][] = [];
    const group = new GroupCommit<number, number>({
      apply: (items) => {
        batches.push(items);
        return items.map((n) => n * 10);
      },
    });
    const answers = await Promise.all([1, 2, 3].map((n) => group.submit(n)));
    assert.deepEqual(answers, [10, 20, 30]);
    assert.deepEqual(batches, [[1, 2, 3]]);
  });

  it('rejects every item of a failed batch, and goes on with the next', async () => {
    let fail = true;
    const group = new GroupCommit<number, number>({
      apply: (items) => {
        if (fail) throw new Error('disk full');
        return items;
      },
    });
    const failed = await Promise.allSettled([group.submit(1), group.submit(2)]);
    assert.deepEqual(
      failed.map((r) => r.status),
      ['rejected', 'rejected'],
    );
    fail = false;
    assert.equal(await group.submit(3), 3);
  });

  it('keeps at most `concurrency` batches in flight, and drains', async () => {
    let inFlight = 0;
    let most = 0;
    const group = new GroupCommit<number, number>({
      concurrency: 2,
      apply: async (items) => {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight--;
        return items;
      },
    });
    const pending: Promise<number>[] = [];
    for (let turn = 0; turn < 5; turn++) {
      pending.push(group.submit(turn));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await group.drain();
    assert.equal(inFlight, 0, 'drain waits for every batch');
    assert.deepEqual(await Promise.all(pending), [0, 1, 2, 3, 4]);
    assert.ok(most <= 2, `${most} in flight`);
  });
});
