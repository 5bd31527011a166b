// The day columns and the aggregation, without a database: any sessions, cut into days any way,
// grouped by any dimension with any filter, give the rows a plain grouping gives, whether the days
// were built in memory or read back from some of their stored columns.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { serialize } from 'node:v8';
import fc from 'fast-check';
import { DIMENSIONS, ENGAGED_SESSION_MS, NONE } from '../breakdown-types.ts';
import { missingRanges } from '../queries/get-breakdown.ts';
import { summarizeDurations } from '../queries/stats-math.ts';
import { aggregateDays, dimensionsRead } from './aggregate.ts';
import { DistinctHashes } from './distinct.ts';
import { buildDay, CORE, decodeDay, encodeDay, personHash, type SegmentSession } from './segment.ts';

const sessionArb: fc.Arbitrary<SegmentSession & { day: number }> = fc.record({
  values: fc.tuple(...DIMENSIONS.map(() => fc.constantFrom('a', 'b', 'é', '😀', null))),
  engagedMs: fc.oneof(fc.integer({ min: 0, max: 30_000 }), fc.constant(3_700_000), fc.constant(2 ** 33)),
  person: fc.constantFrom('e:x@y.z', 'v:1', 'v:2', null),
  day: fc.integer({ min: 0, max: 3 }),
});

describe('breakdown day columns', () => {
  it('decode to what was encoded, any subset of the dimensions, and refuse another format', () => {
    fc.assert(
      fc.property(fc.array(sessionArb, { maxLength: 20 }), fc.subarray([...DIMENSIONS]), (sessions, read) => {
        const day = buildDay(sessions);
        const parts = encodeDay(day).filter((p) => p.part === CORE || (read as string[]).includes(p.part));
        const decoded = decodeDay(parts)!;
        assert.deepEqual(decoded.engagedMs, day.engagedMs);
        assert.deepEqual(decoded.people, day.people);
        assert.deepEqual(Object.keys(decoded.columns).sort(), [...read].sort());
        for (const dimension of read) assert.deepEqual(decoded.columns[dimension], day.columns[dimension]);
      }),
    );
    const parts = encodeDay(buildDay([]));
    assert.equal(decodeDay([...parts, { part: 'core', bytes: serialize({ format: 0 }) }]), null);
    assert.equal(decodeDay([{ part: 'source', bytes: parts[1]!.bytes }]), null, 'no core');
    assert.equal(decodeDay([{ part: CORE, bytes: Buffer.from('not a column') }]), null);
  });

  it('index with the narrowest integers that hold the dictionary', () => {
    const sessions = Array.from({ length: 70_000 }, (_, i) => ({
      values: DIMENSIONS.map((_, d) => (d === 7 ? `/p${i}` : d === 6 ? `t${i % 300}` : null)),
      engagedMs: 0,
      person: null,
    }));
    const day = buildDay(sessions);
    assert.ok(day.columns.entry!.indexes instanceof Uint32Array);
    assert.ok(day.columns.utm_term!.indexes instanceof Uint16Array);
    assert.ok(day.columns.source!.indexes instanceof Uint8Array);
    assert.equal(day.columns.entry!.dictionary[69_999], '/p69999');
    assert.ok(day.engagedMs instanceof Uint32Array);
  });

  it('count distinct hashes exactly, however many', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2 ** 48 - 1 }), { maxLength: 5_000 }), (hashes) => {
        const distinct = new DistinctHashes();
        for (const h of [...hashes, ...hashes]) distinct.add(h);
        assert.equal(distinct.size, new Set(hashes).size);
      }),
      { numRuns: 50 },
    );
    assert.ok(personHash('e:a@b.c') >= 0 && personHash('e:a@b.c') < 2 ** 48);
  });

  it('group sessions of any days by any dimension, with any filter, in pages that add up', () => {
    fc.assert(
      fc.property(
        fc.array(sessionArb, { maxLength: 40 }),
        fc.integer({ min: 0, max: DIMENSIONS.length - 1 }),
        fc.constantFrom(undefined, 'a', NONE, 'missing'),
        fc.integer({ min: 1, max: 5 }),
        fc.boolean(),
        (sessions, byIndex, country, limit, stored) => {
          const by = DIMENSIONS[byIndex]!;
          const countryAt = DIMENSIONS.indexOf('country');
          const filter = country === undefined ? undefined : { country };
          const read = [CORE, ...dimensionsRead(by, filter)];
          const days = [0, 1, 2, 3].map((d) => {
            const day = buildDay(sessions.filter((s) => s.day === d));
            // Read back with only the columns the query names, as get-breakdown.ts reads them.
            return stored ? decodeDay(encodeDay(day).filter((p) => read.includes(p.part)))! : day;
          });
          const kept = sessions.filter(
            (s) => country === undefined || s.values[countryAt] === (country === NONE ? null : country),
          );
          const groups = new Map<string | null, SegmentSession[]>();
          for (const s of kept) {
            const value = s.values[byIndex] ?? null;
            groups.set(value, [...(groups.get(value) ?? []), s]);
          }
          const all = aggregateDays(days, { by, filter, limit: 1_000, offset: 0 }).items;
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
            for (const s of group) {
              const key = Math.floor(s.engagedMs / 1000);
              seconds.set(key, (seconds.get(key) ?? 0) + 1);
            }
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
            const page = aggregateDays(days, { by, filter, limit, offset });
            pages.push(...page.items);
            if (!page.more) break;
          }
          assert.deepEqual(pages, all);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reads from their sessions exactly the days without current columns, in runs', () => {
    assert.deepEqual(missingRanges(10, 20, new Set([10, 11, 14, 19])), [
      [12, 14],
      [15, 19],
    ]);
    assert.deepEqual(missingRanges(10, 12, new Set([10, 11])), []);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 50 })),
        (span, built) => {
          const present = new Set(built);
          const covered = missingRanges(5, 5 + span, present).flatMap(([from, to]) =>
            Array.from({ length: to - from }, (_, i) => from + i),
          );
          const expected = Array.from({ length: span }, (_, i) => 5 + i).filter((d) => !present.has(d));
          assert.deepEqual(covered, expected);
        },
      ),
    );
  });
});
