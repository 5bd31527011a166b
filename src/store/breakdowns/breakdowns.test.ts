// The segment codec and the aggregation, without a database: any sessions, cut into days any way,
// grouped by any dimension with any filter, give the rows a plain grouping gives.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { serialize } from 'node:v8';
import fc from 'fast-check';
import { DIMENSIONS, ENGAGED_SESSION_MS, NONE } from '../breakdown-types.ts';
import { summarizeDurations } from '../queries/stats-math.ts';
import { aggregateSegments } from './aggregate.ts';
import { buildSegment, decodeSegment, encodeSegment, type SegmentSession } from './segment.ts';

const sessionArb: fc.Arbitrary<SegmentSession & { day: number }> = fc.record({
  values: fc.tuple(...DIMENSIONS.map(() => fc.constantFrom('a', 'b', 'é', '😀', null))),
  engagedMs: fc.integer({ min: 0, max: 30_000 }),
  person: fc.constantFrom('e:x@y.z', 'v:1', 'v:2', null),
  day: fc.integer({ min: 0, max: 3 }),
});

describe('breakdown segments', () => {
  it('decode to what was encoded, and refuse another format', () => {
    fc.assert(
      fc.property(fc.array(sessionArb, { maxLength: 20 }), (sessions) => {
        const segment = buildSegment(sessions);
        assert.deepEqual(decodeSegment(encodeSegment(segment)), segment);
      }),
    );
    assert.equal(decodeSegment(serialize({ format: 0 })), null);
    assert.equal(decodeSegment(Buffer.from('not a segment')), null);
  });

  it('use 32-bit indexes once a dictionary outgrows 16 bits', () => {
    const sessions = Array.from({ length: 70_000 }, (_, i) => ({
      values: DIMENSIONS.map((_, d) => (d === 7 ? `/p${i}` : null)),
      engagedMs: 0,
      person: null,
    }));
    const segment = buildSegment(sessions);
    assert.ok(segment.values[7] instanceof Uint32Array);
    assert.ok(segment.values[0] instanceof Uint16Array);
    assert.equal(segment.dictionaries[7]![69_999], '/p69999');
  });

  it('group sessions of any days by any dimension, with any filter, in pages that add up', () => {
    fc.assert(
      fc.property(
        fc.array(sessionArb, { maxLength: 40 }),
        fc.integer({ min: 0, max: DIMENSIONS.length - 1 }),
        fc.constantFrom(undefined, 'a', NONE, 'missing'),
        fc.integer({ min: 1, max: 5 }),
        (sessions, byIndex, country, limit) => {
          const by = DIMENSIONS[byIndex]!;
          const countryAt = DIMENSIONS.indexOf('country');
          const days = [0, 1, 2, 3].map((d) => buildSegment(sessions.filter((s) => s.day === d)));
          const filter = country === undefined ? undefined : { country };
          const kept = sessions.filter(
            (s) => country === undefined || s.values[countryAt] === (country === NONE ? null : country),
          );
          const groups = new Map<string | null, SegmentSession[]>();
          for (const s of kept)
            groups.set(s.values[byIndex] ?? null, [...(groups.get(s.values[byIndex] ?? null) ?? []), s]);
          const all = aggregateSegments(days, { by, filter, limit: 1_000, offset: 0 }).items;
          assert.equal(all.length, groups.size);
          for (const row of all) {
            const group = groups.get(row.value)!;
            assert.equal(row.sessions, group.length);
            assert.equal(row.visitors, new Set(group.map((s) => s.person).filter((p) => p !== null)).size);
            assert.equal(
              row.engagedMs.total,
              group.reduce((n, s) => n + s.engagedMs, 0),
            );
            const seconds = new Map<number, number>();
            for (const s of group)
              seconds.set(
                Math.floor(s.engagedMs / 1000),
                (seconds.get(Math.floor(s.engagedMs / 1000)) ?? 0) + 1,
              );
            assert.equal(
              row.engagedMs.median,
              summarizeDurations([...seconds].sort((a, b) => a[0] - b[0])).median,
            );
            assert.equal(row.engagedSessions, group.filter((s) => s.engagedMs >= ENGAGED_SESSION_MS).length);
          }
          for (let i = 1; i < all.length; i++) {
            const [a, b] = [all[i - 1]!, all[i]!];
            assert.ok(
              a.engagedMs.total > b.engagedMs.total ||
                (a.engagedMs.total === b.engagedMs.total && a.sessions >= b.sessions),
            );
          }
          const pages = [];
          for (let offset = 0; ; offset += limit) {
            const page = aggregateSegments(days, { by, filter, limit, offset });
            pages.push(...page.items);
            if (!page.more) break;
          }
          assert.deepEqual(pages, all);
        },
      ),
      { numRuns: 300 },
    );
  });
});
