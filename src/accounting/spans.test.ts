import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { extendSpan, unionLength } from './spans.ts';

describe('extendSpan', () => {
  it('opens a span ending now for the first credit', () => {
    assert.deepEqual(extendSpan(null, '/a', 1_000, 5_000, 30_000), {
      closed: null,
      open: { url: '/a', start: 4_000, end: 5_000 },
    });
  });

  it('extends the open span on the same page after a short gap', () => {
    const open = { url: '/a', start: 0, end: 10_000 };
    assert.deepEqual(extendSpan(open, '/a', 15_000, 25_000, 30_000), {
      closed: null,
      open: { url: '/a', start: 0, end: 25_000 },
    });
  });

  it('closes the span and opens another when the page changes', () => {
    const open = { url: '/a', start: 0, end: 10_000 };
    const { closed, open: next } = extendSpan(open, '/b', 5_000, 15_000, 30_000);
    assert.deepEqual(closed, open);
    assert.deepEqual(next, { url: '/b', start: 10_000, end: 15_000 });
  });

  it('closes the span after a long pause on the same page', () => {
    const open = { url: '/a', start: 0, end: 10_000 };
    const { closed, open: next } = extendSpan(open, '/a', 5_000, 100_000, 30_000);
    assert.deepEqual(closed, open);
    assert.deepEqual(next, { url: '/a', start: 95_000, end: 100_000 });
  });

  it('changes nothing for a zero credit', () => {
    const open = { url: '/a', start: 0, end: 10_000 };
    assert.deepEqual(extendSpan(open, '/b', 0, 20_000, 30_000), { closed: null, open });
  });
});

describe('unionLength', () => {
  it('counts two overlapping tabs once', () => {
    assert.equal(
      unionLength([
        { start: 0, end: 10 },
        { start: 5, end: 15 },
      ]),
      15,
    );
  });

  it('adds disjoint spans and ignores empty ones', () => {
    assert.equal(
      unionLength([
        { start: 20, end: 30 },
        { start: 0, end: 10 },
        { start: 40, end: 40 },
      ]),
      20,
    );
  });

  it('is never more than the sum and never less than the longest span', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 1_000 }), fc.integer({ min: 0, max: 500 }))),
        (pairs) => {
          const spans = pairs.map(([start, length]) => ({ start, end: start + length }));
          const total = unionLength(spans);
          const sum = spans.reduce((s, x) => s + x.end - x.start, 0);
          const longest = spans.reduce((m, x) => Math.max(m, x.end - x.start), 0);
          assert.ok(total <= sum && total >= longest);
          // A brute-force count over the integer grid agrees.
          const covered = new Set<number>();
          for (const s of spans) for (let t = s.start; t < s.end; t++) covered.add(t);
          assert.equal(total, covered.size);
        },
      ),
      { numRuns: 200 },
    );
  });
});
